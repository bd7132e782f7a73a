import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformAdapter } from '../../src/core/adapter.ts';
import type { InboundEvent, MessageEvent } from '../../src/core/events.ts';
import { seg, type Body } from '../../src/core/outbound.ts';

/** A text message as a member would send it on the platform under test. */
export interface NativeText {
  readonly chat: string;
  readonly user: string;
  readonly name: string;
  readonly text: string;
  /** The platform's message id. */
  readonly id: string;
  /** A URL the platform marks as a link, appended to the text. */
  readonly link?: string;
  /** A member mentioned by id (a text mention, `<@id>`…), appended to the text. */
  readonly mention?: { readonly user: string; readonly name: string };
  /** Sent by the bot's own account. */
  readonly fromSelf?: boolean;
}

/** What one platform's test double offers the shared contract. */
export interface ContractSubject {
  readonly adapter: PlatformAdapter;
  /** A group chat id on the fake platform, and a member in it. */
  readonly group: string;
  readonly member: { readonly user: string; readonly name: string };
  /** The platform's message length limit. */
  readonly limit: number;
  /** Has the platform deliver the message; resolves with what reached the sink for it. */
  deliver(msg: NativeText): Promise<InboundEvent[]>;
  /** What members see in a chat, in order: the visible text and the message id it answers. */
  received(chat: string): { readonly text: string; readonly replyTo?: string }[];
  close(): Promise<void>;
}

const messages = (events: InboundEvent[]) => events.filter((e): e is MessageEvent => e.type === 'message');
const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * The behaviour every platform adapter shares, run by each adapter's tests with its own fake
 * platform: inbound mapping basics, stable keys, self messages, replies, escaping and chunking.
 */
export function adapterContract(platform: string, make: () => Promise<ContractSubject>): void {
  describe(`${platform} adapter contract`, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await make();
    });
    afterAll(async () => {
      await s?.close();
    });

    it('given a text message with a link and a mention, when the platform delivers it, then the sink gets one message event with kind, sender, links and mentions', async () => {
      const events = await s.deliver({
        chat: s.group,
        ...s.member,
        id: '11',
        text: 'look at this',
        link: 'https://brand.example/p/1',
        mention: { user: '99', name: 'Bob' },
      });
      const [event, ...rest] = messages(events);
      expect(rest).toEqual([]);
      expect(event).toMatchObject({
        type: 'message',
        platform,
        chat: { platform, chatId: s.group },
        chatKind: 'group',
        kind: 'link',
        sender: { user: { platform, userId: s.member.user }, name: s.member.name },
        links: ['https://brand.example/p/1'],
        messageId: '11',
        isForwarded: false,
      });
      expect(event!.text).toContain('look at this');
      expect(event!.mentions.map((m) => m.user)).toEqual([{ platform, userId: '99' }]);
      expect(event!.text).toContain(event!.mentions[0]!.text);
    });

    it('given the same message delivered twice, then both events carry the same key', async () => {
      const msg = { chat: s.group, ...s.member, id: '12', text: 'hello again' };
      const [first] = messages(await s.deliver(msg));
      const [second] = messages(await s.deliver(msg));
      expect(first!.key).toBe(second!.key);
      expect(first!.key.startsWith(`${platform}:`)).toBe(true);
    });

    it("given a message from the bot's own account, then it never reaches the core as a member's message", async () => {
      const events = messages(await s.deliver({ chat: s.group, ...s.member, id: '13', text: 'I am the bot', fromSelf: true }));
      expect(events.every((e) => e.sender.isSelf === true)).toBe(true);
    });

    it('given a reply to a message, then it lands in the same chat as an answer to that message', async () => {
      const [event] = messages(await s.deliver({ chat: s.group, ...s.member, id: '14', text: '/points' }));
      await s.adapter.send({ type: 'reply', chat: event!.chat, replyTo: event!.messageId, body: [seg.text('You have 5 points')] });
      expect(s.received(s.group).at(-1)).toEqual({ text: 'You have 5 points', replyTo: '14' });
    });

    it("given text with markup characters, then members see them literally and only the bot's own bold is formatted", async () => {
      const body: Body = [seg.text('<b>not bold</b> & "quoted" <script>'), seg.bold(' 10 points')];
      await s.adapter.send({ type: 'send', chat: { platform: s.adapter.platform, chatId: s.group }, body });
      expect(s.received(s.group).at(-1)?.text).toBe('<b>not bold</b> & "quoted" <script> 10 points');
    });

    it('given a body longer than the platform limit, then it arrives as several messages within the limit that together hold all of it', async () => {
      const words = Array.from({ length: Math.ceil((s.limit * 2.5) / 8) }, (_, i) => `w${String(i).padStart(4, '0')}<&`);
      const body: Body = [seg.text(words.slice(0, 100).join(' ')), seg.br(), seg.text(words.slice(100).join(' '))];
      const before = s.received(s.group).length;
      await s.adapter.send({ type: 'send', chat: { platform: s.adapter.platform, chatId: s.group }, body });
      const parts = s.received(s.group).slice(before);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      expect(parts.every((p) => p.text.length <= s.limit)).toBe(true);
      expect(squash(parts.map((p) => p.text).join(''))).toBe(squash(words.join(' ')));
    });
  });
}
