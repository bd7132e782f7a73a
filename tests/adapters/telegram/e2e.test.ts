import type { ChatMember, Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import type { Content } from '../../../src/config/load.ts';
import { FakeClock } from '../../../src/core/clock.ts';
import { seg } from '../../../src/core/outbound.ts';
import { silentLogger, type Logger } from '../../../src/core/logger.ts';
import { openDb } from '../../../src/db/open.ts';
import { createAdapter, TelegramAdapter, type TelegramAdapterOptions } from '../../../adapters/telegram/index.ts';
import { contentWith } from '../../helpers/harness.ts';
import { FakeBotApi, type FakeSent, type NewUpdate } from './fake-bot-api.ts';
import { fakeTiming } from './timing.ts';
import { ALICE, BOT_INFO, DATE, GROUP, LI, message, textUpdate, user } from './updates.ts';

interface Running {
  readonly fake: FakeBotApi;
  readonly app: App;
  readonly adapter: TelegramAdapter;
  /**
   * The delays of the core router's retries (from its `outbound retry` log; its pacing between
   * messages is not a retry), and what the adapter (throttle, polling backoff) waited for.
   * Nothing really sleeps.
   */
  readonly waits: { router: number[]; adapter: number[] };
  /** The adapter's virtual clock (ms). */
  readonly at: () => number;
  /** Pushes an update through the fake server and returns what the bot sent while handling it. */
  send(update: NewUpdate): Promise<FakeSent[]>;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.adapter.stop();
    await r.fake.close();
    r.app.db.close();
  }
});

/** The whole bot (createApp + dispatcher + router) on Telegram, long-polling a loopback fake Bot API. */
async function telegramBot(opts: { content?: Content; adapter?: Partial<TelegramAdapterOptions>; before?: (fake: FakeBotApi) => void } = {}): Promise<Running> {
  const fake = await new FakeBotApi().start();
  opts.before?.(fake);
  const virtual = fakeTiming(DATE * 1000);
  const waits = { router: [] as number[], adapter: virtual.waits };
  const logger: Logger = {
    ...silentLogger,
    warn: (obj, msg) => {
      if (msg === 'outbound retry') waits.router.push((obj as { delay: number }).delay);
    },
  };
  const db = openDb(':memory:');
  const clock = new FakeClock(new Date(DATE * 1000));
  const app = createApp({
    db,
    content: opts.content ?? contentWith(),
    clock,
    logger,
    // The outbox waits out a retry's backoff on the app's clock: moving it costs no real time.
    sleep: async (ms) => clock.advance(ms),
  });
  const adapter = new TelegramAdapter({
    token: fake.token,
    apiRoot: fake.url,
    logger: silentLogger,
    pollTimeoutSeconds: 5,
    timing: virtual.timing,
    ...opts.adapter,
  });
  app.router.register(adapter);
  await adapter.start(app.dispatcher.sink);
  const r: Running = {
    fake,
    app,
    adapter,
    waits,
    at: virtual.at,
    async send(update) {
      const before = fake.sent.length;
      await fake.handled(fake.push(update));
      return fake.sent.slice(before);
    },
  };
  running.push(r);
  return r;
}

let nextId = 100;
const say = (r: Running, text: string, from = ALICE, chat = GROUP) => r.send(textUpdate(text, { from, chat, id: nextId++ }));
const texts = (sent: FakeSent[]) => sent.map((s) => s.visible);

describe('telegram end to end (real grammY against the fake Bot API, real createApp)', () => {
  it('given a member in a group, when they check in, ask for points and help, then each is answered in the group as a reply, in English', async () => {
    const r = await telegramBot();
    const checkin = await say(r, '/checkin');
    expect(checkin).toHaveLength(1);
    expect(checkin[0]).toMatchObject({ chatId: String(GROUP.id), replyTo: nextId - 1 });
    expect(checkin[0]!.visible).toMatch(/^Alice checked in: \+10 points, streak 1 day\. Balance 10\./);
    expect(texts(await say(r, '/points'))).toEqual([expect.stringMatching(/^Alice: balance 10, earned 10 in all, rank #1\./)]);
    const [help] = texts(await say(r, '/help'));
    expect(help).toContain('What you can do here:');
    expect(help).toContain('/checkin');
    expect(r.fake.callsOf('getUpdates')[0]!.payload.allowed_updates).toEqual(['message', 'chat_member', 'my_chat_member', 'message_reaction']);
  });

  it('given a member whose Telegram language is Chinese, then check-in, points and help answer in Chinese', async () => {
    const r = await telegramBot();
    const [checkin] = texts(await say(r, '/checkin', LI));
    const [points] = texts(await say(r, '/points', LI));
    const [help] = texts(await say(r, '/help', LI));
    for (const t of [checkin, points, help]) expect(t).toMatch(/[\u4e00-\u9fff]/);
    expect(checkin).toContain('李 雷');
    expect(checkin).toContain('10');
    expect(help).toContain('/checkin');
  });

  it('given /mydata in a private chat, then the summary comes as a message and the whole copy as a JSON document (sendDocument, multipart)', async () => {
    const r = await telegramBot();
    await say(r, '/checkin');
    const privateChat = { id: ALICE.id, type: 'private' as const, first_name: 'Alice' };
    const [summary] = texts(await say(r, '/mydata', ALICE, privateChat as never));
    expect(summary).toContain('Accounts: telegram:42 (Alice)');
    expect(r.fake.documents).toHaveLength(1);
    const doc = r.fake.documents[0]!;
    expect(doc).toMatchObject({ chatId: '42', filename: 'hearth-mydata-2026-03-02.json' });
    expect(JSON.parse(doc.content).sections.checkin).toHaveLength(1);
  });

  it('given /checkin addressed to another bot, then Hearth stays silent; addressed to Hearth, it answers', async () => {
    const r = await telegramBot();
    expect(await say(r, '/checkin@other_bot')).toEqual([]);
    expect(texts(await say(r, '/checkin@hearth_bot'))).toEqual([expect.stringMatching(/checked in/)]);
  });

  it('given a 429 with retry_after on sendMessage, then the auto-retry plugin sends it again and the member sees the answer once', async () => {
    const r = await telegramBot({ before: (f) => f.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } }) });
    expect(texts(await say(r, '/checkin'))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.fake.callsOf('sendMessage')).toHaveLength(2);
    expect(r.waits.router).toEqual([]);
    expect(r.app.router.failed).toEqual([]);
  });

  it('given a 429 asking for a longer wait than the adapter holds a request, then the outbox holds it for retry_after and the answer arrives once', async () => {
    const r = await telegramBot({
      adapter: { autoRetry: { maxDelaySeconds: 5 } },
      before: (f) => f.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } }),
    });
    expect(texts(await say(r, '/checkin'))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.waits.router).toEqual([30_000]);
    expect(r.fake.callsOf('sendMessage')).toHaveLength(2);
  });

  it('given group admins count as operators, then the group owner can /bind a tier and an ordinary member cannot', async () => {
    const r = await telegramBot({
      content: contentWith((c) => ((c.roles as Record<string, unknown>).platformAdmins = 'operator')),
      before: (f) => f.admins.set(String(GROUP.id), [{ status: 'creator', user: ALICE, is_anonymous: false } as ChatMember]),
    });
    expect(texts(await say(r, '/bind advanced'))).toEqual(['This group is now bound to the Advanced tier.']);
    expect(texts(await say(r, '/bind core', user(55, 'Eve', { language_code: 'en' })))).toEqual([expect.stringMatching(/operator/i)]);
    expect(r.app.services.groups.get(`telegram:${GROUP.id}`)?.tier).toBe('advanced');
  });

  it('given a campaign whose entries are replies, when a member replies to the announcement Telegram delivered, then reply_to_message finds it and the reply is one entry; a reply to another bot message is none', async () => {
    const r = await telegramBot({
      content: contentWith((c) => ((c.roles as Record<string, unknown>).platformAdmins = 'operator')),
      before: (f) => f.admins.set(String(GROUP.id), [{ status: 'creator', user: ALICE, is_anonymous: false } as ChatMember]),
    });
    const made = await say(r, '/campaign new weekend reply 2d points=4 Weekend plans');
    const announcement = made.find((s) => s.visible.startsWith('📣 Weekend plans'))!;
    expect(announcement).toMatchObject({ chatId: String(GROUP.id) });
    expect(announcement.visible).toContain('前回复这条消息');
    const confirmation = made.find((s) => s.replyTo !== undefined)!;
    const bot = { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name };
    const replyTo = (messageId: number) => ({ reply_to_message: message({ text: 'bot' }, GROUP, bot, messageId) as never });

    const entry = await r.send(textUpdate('Hiking in the hills, then noodles', { from: LI, id: nextId++, extra: replyTo(announcement.messageId) }));
    // (Besides the new-member task's reply.)
    expect(texts(entry)).toContain('✅ Weekend plans：作品 #1 已计入，+4 积分（1/3）。');
    const other = await r.send(textUpdate('Just sleeping in all weekend', { from: LI, id: nextId++, extra: replyTo(confirmation.messageId) }));
    expect(texts(other).filter((t) => t.includes('Weekend plans'))).toEqual([]);
    const entries = r.app.services.campaigns.repo.entries('weekend', 10);
    expect(entries.map((e) => [e.chatKey, e.text, e.points])).toEqual([[`telegram:${GROUP.id}`, 'Hiking in the hills, then noodles', 4]]);
  });

  it('given the bot is added to a group, then the group is registered and whoever added it is told how to bind a tier', async () => {
    const r = await telegramBot();
    const self = user(r.fake.me.id, 'Hearth', { is_bot: true, username: 'hearth_bot' });
    const sent = await r.send({
      my_chat_member: { chat: GROUP, from: ALICE, date: DATE, old_chat_member: { status: 'left', user: self }, new_chat_member: { status: 'member', user: self } },
    });
    expect(texts(sent)).toEqual([expect.stringContaining('/bind <tier>')]);
    expect(r.app.services.groups.get(`telegram:${GROUP.id}`)).toMatchObject({ title: 'Brand fans', tier: 'basic' });
  });

  it('given a member who never started the bot, when Hearth DMs them, then the 403 becomes a mention in the group', async () => {
    const r = await telegramBot({ before: (f) => f.blocked.add('42') });
    await r.app.router.deliver([{ type: 'dm', user: { platform: 'telegram', userId: '42' }, name: 'Alice', body: [seg.text('your reward is ready')], fallbackChat: { platform: 'telegram', chatId: String(GROUP.id) } }]);
    expect(r.fake.sent.map((s) => [s.chatId, s.visible])).toEqual([[String(GROUP.id), 'Alice your reward is ready']]);
    expect(r.fake.sent[0]!.html).toContain('<a href="tg://user?id=42">Alice</a>');
  });

  it('given a broadcast of 25 posts to one group with a 429 in the middle, then all arrive once and in order, never more than 20 a minute', async () => {
    const sentAt: number[] = [];
    const r: Running = await telegramBot({
      adapter: {
        autoRetry: { maxDelaySeconds: 0 },
        // Innermost transformer: stamps each message Telegram accepted with the adapter's clock.
        transformers: [
          async (prev, method, payload, signal) => {
            const res = await prev(method, payload, signal);
            if (method === 'sendMessage' && res.ok) sentAt.push(r.at());
            return res;
          },
        ],
      },
    });
    const chat = { platform: 'telegram' as const, chatId: String(GROUP.id) };
    r.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    await r.app.router.deliver(Array.from({ length: 25 }, (_, i) => ({ type: 'send' as const, chat, body: [seg.text(`post ${i + 1}`)] })));
    expect(r.fake.sent.map((m) => m.visible)).toEqual(Array.from({ length: 25 }, (_, i) => `post ${i + 1}`));
    expect(r.waits.router).toEqual([3000]);
    expect(r.app.router.failed).toEqual([]);
    expect(sentAt).toHaveLength(25);
    for (let i = 20; i < 25; i++) expect(sentAt[i]! - sentAt[i - 20]!).toBeGreaterThanOrEqual(60_000);
  });

  it('given a join reported both as a service message and as a chat_member update, then the core records it once', async () => {
    const r = await telegramBot();
    const bob = user(99, 'Bob');
    await r.send({ message: message({ new_chat_members: [bob] } as Partial<Message>, GROUP, bob, nextId++) });
    await r.send({ chat_member: { chat: GROUP, from: bob, date: DATE, old_chat_member: { status: 'left', user: bob }, new_chat_member: { status: 'member', user: bob } } });
    const claimed = r.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE key LIKE 'telegram:%:join:99:%'").get() as { n: number };
    expect(claimed.n).toBe(1);
  });

  it('given polling refused with 409 Conflict (another instance polling), then the adapter restarts polling after a backoff and keeps serving', async () => {
    const r = await telegramBot({ before: (f) => f.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' }) });
    expect(texts(await say(r, '/checkin'))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.waits.adapter).toEqual([1000]);
  });

  it('given the connection drops twice while polling, then the adapter reconnects with growing pauses and keeps serving', async () => {
    const r = await telegramBot({ before: (f) => f.dropNext('getUpdates', 2) });
    expect(texts(await say(r, '/checkin'))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.waits.adapter).toEqual([1000, 2000]);
  });

  it('given the adapter is stopped twice, then polling ends once with the last update confirmed', async () => {
    const r = await telegramBot();
    const id = r.fake.push(textUpdate('hello', { id: nextId++ }));
    await r.fake.handled(id);
    await Promise.all([r.adapter.stop(), r.adapter.stop()]);
    await r.adapter.stop();
    const polls = r.fake.callsOf('getUpdates');
    expect(polls.at(-1)!.payload).toEqual({ offset: id + 1, limit: 1 });
    expect(r.adapter.bot.isRunning()).toBe(false);
  });
});

describe('telegram webhook mode', () => {
  it('given webhook mode, then setWebhook gets the URL, secret and updates, and only calls carrying the secret reach the bot', async () => {
    const fake = await new FakeBotApi().start();
    const events: string[] = [];
    const adapter = new TelegramAdapter({ token: fake.token, apiRoot: fake.url, logger: silentLogger, webhook: { url: 'https://bot.example/tg/hook', port: 0, secret: 's3cret' } });
    try {
      await adapter.start(async (e) => void events.push(e.key));
      expect(fake.callsOf('setWebhook')[0]!.payload).toMatchObject({ url: 'https://bot.example/tg/hook', secret_token: 's3cret', allowed_updates: ['message', 'chat_member', 'my_chat_member', 'message_reaction'] });
      const post = (secret: string) =>
        fetch(`http://127.0.0.1:${adapter.webhookPort}/tg/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body: JSON.stringify({ update_id: 1, ...textUpdate('hi', { id: 3 }) }),
        });
      expect((await post('wrong')).status).toBe(401);
      expect((await post('s3cret')).status).toBe(200);
      expect(events).toEqual([`telegram:${GROUP.id}:m:3`]);
      expect(fake.callsOf('getUpdates')).toEqual([]);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});

describe('telegram createAdapter (what main.ts calls)', () => {
  it('given TELEGRAM_* variables, then the adapter is built for polling or webhook, and a bad port is named', () => {
    const polling = createAdapter({ TELEGRAM_BOT_TOKEN: '1:A', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }, silentLogger);
    expect(polling.platform).toBe('telegram');
    expect(polling.capabilities.has('member-list')).toBe(false);
    expect(() => createAdapter({ TELEGRAM_BOT_TOKEN: '1:A', TELEGRAM_WEBHOOK_URL: 'https://bot.example/hook', TELEGRAM_WEBHOOK_PORT: 'eighty' }, silentLogger)).toThrow(/TELEGRAM_WEBHOOK_PORT/);
  });
});
