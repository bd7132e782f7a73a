import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, MessageEvent } from '../../../src/core/events.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { seg } from '../../../src/core/outbound.ts';
import { DiscordAdapter } from '../../../adapters/discord/index.ts';
import { escapeMarkdown, renderChunks, renderMarkdown } from '../../../adapters/discord/render.ts';
import { FakeDiscord } from './fake-discord.ts';
import { ALICE, DATE, GENERAL, OWNER } from './fixtures.ts';
import { visibleText } from './markdown.ts';
import { snowflake, snowflakeTime } from './snowflake.ts';
import { eventually } from './wait.ts';

describe('discord rendering', () => {
  it('given member text full of markdown, then escaping makes every character show as typed, URLs untouched', () => {
    const typed = '**not bold** _x_ ~~y~~ ||spoiler|| `code` [a](b) <@42> @everyone\n# head\n> quote\n- item\n1. first https://brand.example/a_b*c';
    const md = escapeMarkdown(typed);
    expect(visibleText(md)).toBe(typed);
    expect(md).toContain('https://brand.example/a_b*c');
  });

  it("given the bot's own bold, links and mentions, then they are formatted and the link text escaped", () => {
    const md = renderMarkdown([seg.bold('10 *points*'), seg.text(' '), seg.link('https://brand.example/shop', 'the [shop]'), seg.text(' '), seg.mention({ platform: 'discord', userId: '42' }, 'Alice')]);
    expect(md).toBe('**10 \\*points\\***  [the \\[shop\\]](https://brand.example/shop) <@42>'.replace('  ', ' '));
    expect(visibleText(md, () => 'Alice')).toBe('10 *points* the [shop] @Alice');
  });

  it('given a bold run longer than a message, then each part is closed and reopened and none exceeds 2,000 characters', () => {
    const chunks = renderChunks([seg.bold('word '.repeat(900))]);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(2000);
      expect(c.text.startsWith('**') && c.text.endsWith('**')).toBe(true);
    }
  });

  it('given mentions in different chunks, then each chunk lists only its own members to ping', () => {
    const alice = seg.mention({ platform: 'discord', userId: '42' }, 'Alice');
    const bob = seg.mention({ platform: 'discord', userId: '43' }, 'Bob');
    const chunks = renderChunks([alice, seg.text(' x'.repeat(996)), seg.br(), bob]);
    expect(chunks.map((c) => c.mentions)).toEqual([['42'], ['43']]);
  });
});

describe('discord inbound mapping (real discord.js against the fake gateway)', () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  const seen: InboundEvent[] = [];
  beforeAll(async () => {
    fake = await new FakeDiscord().start();
    adapter = new DiscordAdapter({ token: fake.token, apiRoot: fake.api, logger: silentLogger });
    await adapter.start(async (e) => void seen.push(e));
  });
  afterAll(async () => {
    await adapter.stop();
    await fake.close();
  });

  const deliver = async (fields: { content: string; extra?: Record<string, unknown>; channel?: string; author?: typeof ALICE; at?: number }): Promise<MessageEvent> => {
    const payload = fake.post({ channel: fields.channel ?? GENERAL, author: fields.author ?? ALICE, content: fields.content, ...(fields.at ? { at: fields.at } : {}), ...(fields.extra ? { extra: fields.extra } : {}) });
    await eventually(() => seen.some((e) => e.type === 'message' && e.messageId === payload.id), 'the message');
    return seen.find((e): e is MessageEvent => e.type === 'message' && e.messageId === payload.id)!;
  };

  it("given a message, then its time comes from the snowflake id and its sender's name from the guild", async () => {
    const event = await deliver({ content: 'hello', at: DATE });
    expect(event.at.getTime()).toBe(DATE);
    expect(snowflakeTime(event.messageId).getTime()).toBe(DATE);
    expect(event.sender).toMatchObject({ name: 'Alice', handle: 'alice' });
    expect(event.chatTitle).toBe('Brand fans #general');
  });

  it('given an image attachment, an embed card, a reply and a forward, then kind, card, reply and forward are mapped', async () => {
    const image = await deliver({ content: '', extra: { attachments: [{ id: snowflake(), filename: 'a.png', size: 10, url: 'https://cdn.example/a.png', proxy_url: 'https://cdn.example/a.png', content_type: 'image/png' }] } });
    expect(image.kind).toBe('image');
    const card = await deliver({ content: '', extra: { embeds: [{ type: 'link', title: 'New drop', url: 'https://brand.example/drop' }] } });
    expect(card).toMatchObject({ kind: 'card', shareCard: { title: 'New drop', url: 'https://brand.example/drop' } });
    const reply = await deliver({ content: 'yes', extra: { type: 19, message_reference: { type: 0, message_id: '777', channel_id: GENERAL } } });
    expect(reply.replyToMessageId).toBe('777');
    const forward = await deliver({ content: '', extra: { message_reference: { type: 1, message_id: '778', channel_id: '9' }, message_snapshots: [{ message: { content: 'look https://brand.example/p/2', type: 0, timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0, mentions: [], mention_roles: [], attachments: [], embeds: [], components: [] } }] } });
    expect(forward).toMatchObject({ isForwarded: true, kind: 'link', links: ['https://brand.example/p/2'] });
    expect(forward).not.toHaveProperty('replyToMessageId');
  });

  it('given the guild owner, then they carry the owner platform role', async () => {
    const event = await deliver({ content: 'hi', author: OWNER });
    expect(event.sender.platformRole).toBe('owner');
  });

  it('given a direct message, then it is a direct chat in the DM channel', async () => {
    const dm = snowflake();
    fake.dispatch('MESSAGE_CREATE', { id: snowflake(), channel_id: dm, author: ALICE, content: '/points', channel_type: 1, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0 });
    await eventually(() => seen.some((e) => e.chat.chatId === dm), 'the DM');
    expect(seen.find((e) => e.chat.chatId === dm)).toMatchObject({ chatKind: 'direct', sender: { user: { userId: ALICE.id } } });
  });
});
