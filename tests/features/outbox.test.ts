import { afterEach, describe, expect, it } from 'vitest';
import { LocalAdapter } from '../../adapters/local/local-adapter.ts';
import { localMessageEvent } from '../../adapters/local/local-events.ts';
import { createApp, type App } from '../../src/app.ts';
import type { Capability, PlatformAdapter } from '../../src/core/adapter.ts';
import { FakeClock, localDay } from '../../src/core/clock.ts';
import { AdapterError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { isToUser, renderPlain, seg, type Outbound } from '../../src/core/outbound.ts';
import { tagOutbound, type SendMeta } from '../../src/core/outbox.ts';
import { openDb } from '../../src/db/open.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';
import { tempDb } from '../helpers/sim.ts';
import { contentDirWith } from '../helpers/posts.ts';
import { loadContent } from '../../src/config/load.ts';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const outboxRows = (app: App) =>
  app.db.sqlite.prepare('SELECT id, source_key AS sourceKey, lane, cls, status, attempts, platform_message_id AS messageId, error FROM outbox ORDER BY id').all() as {
    id: number;
    sourceKey: string;
    lane: string;
    cls: string;
    status: string;
    attempts: number;
    messageId: string | null;
    error: string | null;
  }[];

describe('the outbox', () => {
  it('given a reply committed just before a crash, when the bot restarts and the platform redelivers the event, then the reply is sent once and nothing is paid twice', async () => {
    const path = tempDb();
    const at = new Date('2026-03-02T09:00:00+08:00');
    const event = localMessageEvent({ user: 'u1', name: 'Ann', chat: 'g1', text: '/checkin', id: 'm1', at, lang: 'en' });
    // First run: the event commits, then the process dies while the reply is on its way (the
    // send never returns), so nothing marks it sent.
    const first = createApp({ db: openDb(path), content: contentWith(), clock: new FakeClock(at), logger: silentLogger });
    first.router.register({ platform: 'local', capabilities: new Set(), start: async () => {}, stop: async () => {}, send: () => new Promise(() => {}) });
    void first.dispatcher.dispatch(event);
    await new Promise((r) => setImmediate(r));
    expect(outboxRows(first).map((r) => r.status)).toEqual(['pending']);
    first.db.close();

    const clock = new FakeClock(new Date(at.getTime() + 60_000));
    const again = createApp({ db: openDb(path), content: contentWith(), clock, logger: silentLogger });
    const sent: Outbound[] = [];
    again.router.register(new LocalAdapter((out) => sent.push(out)));
    await again.outbox.drain();
    expect(await again.dispatcher.dispatch(event)).toBe('duplicate');
    expect(sent.map((o) => renderPlain(o.body))).toEqual([expect.stringMatching(/^@Ann checked in: \+10 points/)]);
    expect(again.exportState().ledger).toHaveLength(1);
    expect(outboxRows(again)).toMatchObject([{ sourceKey: 'local:g1:m:m1', status: 'sent', attempts: 1 }]);
    again.db.close();
  });

  it('given a redelivered event, then the outbox gains nothing and the member hears the answer once', async () => {
    h = await harness();
    const event = localMessageEvent({ user: 'u1', chat: 'g1', text: '/checkin', id: 'same', at: h.clock.now() });
    await h.app.dispatcher.dispatch(event);
    await h.app.dispatcher.dispatch(event);
    expect(h.sent).toHaveLength(1);
    expect(outboxRows(h.app)).toHaveLength(1);
  });

  it('given a rate limit on the first attempt, then the retry carries the same idempotency key and the platform message id is recorded', async () => {
    h = await harness();
    const metas: SendMeta[] = [];
    h.app.router.register({
      platform: 'local',
      capabilities: new Set<Capability>(['dm']),
      start: async () => {},
      stop: async () => {},
      send: async (_out, meta) => {
        metas.push(meta!);
        if (metas.length === 1) throw new AdapterError('local', 'rate_limited', 'slow down', 5000);
        return { messageId: 'p-77' };
      },
    });
    await h.say('u1', '/checkin');
    expect(metas).toHaveLength(1);
    h.clock.advance(5000);
    await h.app.outbox.drain();
    expect(metas).toEqual([
      { idempotencyKey: metas[0]!.idempotencyKey, attempt: 1 },
      { idempotencyKey: metas[0]!.idempotencyKey, attempt: 2 },
    ]);
    expect(metas[0]!.idempotencyKey).toMatch(/^hearth-\d+$/);
    expect(outboxRows(h.app)).toMatchObject([{ status: 'sent', attempts: 2, messageId: 'p-77' }]);
  });

  it('given a broadcast queued on a paced platform, when a member checks in, then the reply goes before the posts and the posts keep their gap', async () => {
    h = await harness({ content: contentWith((c) => (c.delivery = { policies: { local: { minGapMs: 1000 } } })) });
    const order: string[] = [];
    h.app.router.register(new LocalAdapter((out) => order.push(`${isToUser(out) ? 'dm' : out.chat.chatId}:${renderPlain(out.body).slice(0, 12)}`)));
    const post = (chatId: string): Outbound => tagOutbound({ type: 'send', chat: { platform: 'local', chatId }, body: [seg.text('Good morning')] }, { cls: 'broadcast' });
    h.app.db.transaction(() => h!.app.delivery.record('test:broadcast', [post('core'), post('advanced')]));
    await h.say('u1', '/checkin', { lang: 'en' });
    expect(order).toEqual(['g1:@u1 checked ']);
    h.clock.advance(999);
    await h.app.outbox.drain();
    expect(order).toHaveLength(1);
    h.clock.advance(1);
    await h.app.outbox.drain();
    h.clock.advance(1000);
    await h.app.outbox.drain();
    expect(order).toEqual(['g1:@u1 checked ', 'core:Good morning', 'advanced:Good morning']);
  });

  it('given a DM the platform refuses, then the member is mentioned in the fallback group, and the outbox says so', async () => {
    h = await harness();
    const seen: Outbound[] = [];
    h.app.router.register({
      platform: 'local',
      capabilities: new Set<Capability>(['dm']),
      start: async () => {},
      stop: async () => {},
      send: async (out) => {
        if (out.type === 'dm') throw new AdapterError('local', 'forbidden', 'user never started the bot');
        seen.push(out);
      },
    });
    h.app.db.transaction(() =>
      h!.app.delivery.record('test:dm', [{ type: 'dm', user: { platform: 'local', userId: 'u9' }, name: 'Zed', body: [seg.text('your code: X1')], fallbackChat: { platform: 'local', chatId: 'g1' } }]),
    );
    await h.app.outbox.drain();
    expect(seen.map((o) => [o.type, renderPlain(o.body)])).toEqual([['send', '@Zed your code: X1']]);
    expect(outboxRows(h.app)).toMatchObject([
      { lane: 'local:dm:u9', status: 'sent', error: expect.stringMatching(/^dm refused, mentioned in the group instead/) },
      { lane: 'local:g1', status: 'sent', sourceKey: 'outbox:1:fallback' },
    ]);
  });

  it('given messages waiting, then an operator sees counts per platform and the oldest in /outbox, a member may not, and export carries the same figures', async () => {
    h = await harness({ owners: ['local:op'] });
    await h.say('u1', '/checkin', { lang: 'en' });
    h.app.router.register({ platform: 'telegram', capabilities: new Set(), start: async () => {}, stop: async () => {}, send: async () => Promise.reject(new AdapterError('telegram', 'network', '502 Bad Gateway')) });
    h.app.db.transaction(() => h!.app.delivery.record('test:tg', [{ type: 'send', chat: { platform: 'telegram', chatId: '-100' }, body: [seg.text('hi')] }]));
    await h.app.outbox.drain();
    expect(await h.say('u1', '/outbox', { lang: 'en' })).toEqual(['That command is for operators only.']);
    const [summary] = await h.say('op', '/outbox', { lang: 'en', chat: null });
    expect(summary!.split('\n')).toEqual([
      'Outbox',
      'local: 0 waiting, 2 sent, 0 failed, 0 expired',
      'telegram: 1 waiting, 0 sent, 0 failed, 0 expired',
      'Sent, failed and expired counts cover the last 30 days (older ones are deleted daily).',
      'Oldest waiting: #2 to telegram:-100, since 2026-03-02 09:00, 1 attempts so far.',
      'Last error: telegram network: 502 Bad Gateway',
    ]);
    expect(h.app.exportState().outbox).toEqual({
      keepDays: 30,
      platforms: { local: { pending: 0, sent: 3, failed: 0, expired: 0 }, telegram: { pending: 1, sent: 0, failed: 0, expired: 0 } },
      oldestPending: { id: 2, platform: 'telegram', lane: 'telegram:-100', createdAt: '2026-03-02T01:00:00.000Z', attempts: 1, error: 'telegram network: 502 Bad Gateway' },
    });
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});

describe('sent marks', () => {
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const statusOf = (app: App, sourceKey: string) => (app.db.sqlite.prepare('SELECT status FROM outbox WHERE source_key = ?').pluck().get(sourceKey) as string | undefined);

  it('given a reply the platform accepted, when the next event commits, then the reply is marked sent in that same transaction rather than in one of its own', async () => {
    h = await harness();
    const app = h.app;
    const events = () => app.db.sqlite.prepare('SELECT COUNT(*) FROM processed_events').pluck().get() as number;
    const settled: { key: string; events: number }[] = [];
    app.outbox.onSettled((r) => settled.push({ key: r.message.sourceKey, events: events() }));
    await h.say('u1', '/checkin', { lang: 'en', id: 'first' });
    expect(h.sent).toHaveLength(1);
    await h.say('u2', '/checkin', { lang: 'en', id: 'second' });
    // Written while the second event's transaction was open: its key was already claimed.
    expect(settled[0]).toEqual({ key: 'local:g1:m:first', events: 2 });
    expect(statusOf(app, 'local:g1:m:first')).toBe('sent');
    await nextTurn();
    expect(statusOf(app, 'local:g1:m:second')).toBe('sent');
    expect(settled.map((s) => s.key)).toEqual(['local:g1:m:first', 'local:g1:m:second']);
  });

  it('given marks written in a transaction that then rolls back, then they are written again at the next turn with their listeners, and nothing is sent twice', async () => {
    h = await harness();
    const app = h.app;
    const settled: string[] = [];
    app.outbox.onSettled((r) => settled.push(r.message.sourceKey));
    await h.say('u1', '/checkin', { lang: 'en', id: 'first' });
    expect(() =>
      app.db.transaction(() => {
        app.delivery.record('test:rolled-back', [{ type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: [seg.text('never')] }]);
        throw new Error('the change failed after its messages were recorded');
      }),
    ).toThrow('the change failed');
    expect(statusOf(app, 'local:g1:m:first')).toBe('pending');
    await nextTurn();
    expect(statusOf(app, 'local:g1:m:first')).toBe('sent');
    expect(statusOf(app, 'test:rolled-back')).toBeUndefined();
    await app.outbox.drain();
    // The listeners ran in the rolled-back transaction too: what they wrote there went with it.
    expect(settled).toEqual(['local:g1:m:first', 'local:g1:m:first']);
    expect(h.sent).toHaveLength(1);
  });

  it('given two replies to one chat from one event, then the second goes out in the same drain, after the first is marked sent', async () => {
    h = await harness();
    const app = h.app;
    await h.say('u1', 'hello', { lang: 'en', id: 'seed' });
    app.db.transaction(() =>
      app.delivery.record('test:pair', [
        { type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: [seg.text('one')] },
        { type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: [seg.text('two')] },
      ]),
    );
    await app.delivery.flush();
    expect(h.sent.slice(-2).map((o) => renderPlain(o.body))).toEqual(['one', 'two']);
    expect(app.db.sqlite.prepare(`SELECT seq, status FROM outbox WHERE source_key = 'test:pair' ORDER BY seq`).all()).toEqual([
      { seq: 0, status: 'sent' },
      { seq: 1, status: 'pending' },
    ]);
    await nextTurn();
    expect(app.db.sqlite.prepare(`SELECT status FROM outbox WHERE source_key = 'test:pair'`).pluck().all()).toEqual(['sent', 'sent']);
  });
});

describe('the drain after a commit', () => {
  const send = (text: string): Outbound => ({ type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: [seg.text(text)] });
  const headReads = (app: App) => {
    const store = (app.outbox as unknown as { options: { store: { heads: () => unknown[] } } }).options.store;
    const heads = store.heads.bind(store);
    const reads = { n: 0 };
    store.heads = () => {
      reads.n++;
      return heads();
    };
    return reads;
  };

  it('given nothing else pending, when events commit replies, then they are sent in order from memory without reading the outbox back', async () => {
    h = await harness();
    const app = h.app;
    await h.say('u1', 'hello', { lang: 'en', id: 'seed' });
    await app.outbox.drain();
    const reads = headReads(app);
    app.db.transaction(() => app.delivery.record('test:pair', [send('one'), send('two')]));
    await app.delivery.flush();
    await h.say('u1', '/checkin', { lang: 'en', id: 'c1' });
    await app.outbox.drain();
    expect(h.sent.slice(-3).map((o) => renderPlain(o.body))).toEqual(['one', 'two', expect.stringMatching(/checked in/)]);
    expect(reads.n).toBe(0);
    expect(app.db.sqlite.prepare(`SELECT status FROM outbox WHERE source_key IN ('test:pair', 'local:g1:m:c1')`).pluck().all()).toEqual(['sent', 'sent', 'sent']);
  });

  it('given messages recorded in a transaction or savepoint that rolls back, when a later transaction commits its own, then only the committed ones are sent, once', async () => {
    h = await harness();
    const app = h.app;
    await h.say('u1', 'hello', { lang: 'en', id: 'seed' });
    await app.outbox.drain();
    const before = h.sent.length;
    expect(() =>
      app.db.transaction(() => {
        app.delivery.record('test:rolled-back', [send('never')]);
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    app.db.transaction(() => {
      try {
        app.db.transaction(() => {
          app.delivery.record('test:savepoint', [send('never either')]);
          throw new Error('the inner change failed');
        });
      } catch {
        // The outer change goes on without the inner one.
      }
      // Takes the id the rolled-back message had.
      app.delivery.record('test:kept', [send('kept')]);
    });
    await app.delivery.flush();
    await app.outbox.drain();
    expect(h.sent.slice(before).map((o) => renderPlain(o.body))).toEqual(['kept']);
    expect(outboxRows(app).filter((r) => r.sourceKey.startsWith('test:'))).toMatchObject([{ sourceKey: 'test:kept', status: 'sent' }]);
  });

  it('given messages recorded in a transaction begun outside the database wrapper that rolls back, then they are not sent', async () => {
    h = await harness();
    const app = h.app;
    await h.say('u1', 'hello', { lang: 'en', id: 'seed' });
    await app.outbox.drain();
    const before = h.sent.length;
    const raw = app.db.sqlite.transaction(() => {
      app.delivery.record('test:raw', [send('never')]);
      throw new Error('the raw change failed');
    });
    expect(() => raw()).toThrow('the raw change failed');
    app.db.transaction(() => app.delivery.record('test:after', [send('after')]));
    await app.delivery.flush();
    await app.outbox.drain();
    expect(h.sent.slice(before).map((o) => renderPlain(o.body))).toEqual(['after']);
  });
});

describe('the background sender', () => {
  it('given events that keep waking it, when another process writes a message to the outbox, then it is sent within a minute', async () => {
    const path = tempDb();
    const clock = new FakeClock('2026-03-02T09:00:00+08:00');
    // Sleeps that end only when kicked: the loop never wakes on its own, as in a busy bot.
    const sleep = (_ms: number, signal?: AbortSignal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('kicked'))));
    const bot = createApp({ db: openDb(path), content: contentWith(), clock, logger: silentLogger, sleep });
    const sent: Outbound[] = [];
    bot.router.register(new LocalAdapter((out) => sent.push(out)));
    bot.outbox.start();
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };
    let n = 0;
    const event = async () => {
      await bot.dispatcher.dispatch(localMessageEvent({ user: 'u1', name: 'Ann', chat: 'g1', text: '/checkin', id: `e${++n}`, at: clock.now(), lang: 'en' }));
      await settle();
    };
    await event();
    const cli = createApp({ db: openDb(path), content: contentWith(), clock, logger: silentLogger });
    cli.db.transaction(() => cli.delivery.record('test:cli', [{ type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: [seg.text('from the CLI')] }]));
    cli.db.close();
    const fromCli = () => sent.some((o) => renderPlain(o.body) === 'from the CLI');
    for (let s = 0; s < 55 && !fromCli(); s += 5) {
      clock.advance(5_000);
      await event();
    }
    expect(fromCli()).toBe(false);
    for (let s = 0; s < 20 && !fromCli(); s++) {
      clock.advance(1_000);
      await event();
    }
    expect(fromCli()).toBe(true);
    await bot.outbox.stop(0);
    bot.db.close();
  });
});

/** A platform adapter that records what it is asked to send. */
function recording(platform: PlatformAdapter['platform'], sink: { out: Outbound; at: Date }[], clock: FakeClock): PlatformAdapter {
  return {
    platform,
    capabilities: new Set<Capability>(['dm', 'member-list']),
    start: async () => {},
    stop: async () => {},
    send: async (out) => void sink.push({ out, at: clock.now() }),
  };
}

describe('a daily cap on a paced platform', () => {
  it('given 500 quiet WeChat members and a cap of 200 a day, when a moderator recalls them all, then the DMs spread over three days and the staff chat is told what waits', async () => {
    h = await harness({
      start: '2026-03-02T09:00:00+08:00',
      // No scheduled posts, so the cap is the recall's alone.
      content: loadContent(contentDirWith({}, (c) => (c.delivery = { policies: { wechat: { perDay: 200 } } }))),
    });
    const wechat: { out: Outbound; at: Date }[] = [];
    h.app.router.register(recording('wechat', wechat, h.clock));
    for (let i = 1; i <= 500; i++) await h.say(`w${i}`, 'hi', { platform: 'wechat', chat: 'room' });
    await h.scheduler.advanceTo(new Date('2026-03-10T10:30:00+08:00'));
    const [plan] = await h.say('mod', '/flags recall-all', { chat: 'staff', lang: 'en' });
    const code = /recall-all (\w+)/.exec(plan!)![1]!;
    expect((await h.say('mod', `/flags recall-all ${code}`, { chat: 'staff', lang: 'en' }))[0]).toBe('Recalled 500 members.');
    for (const day of ['11', '12', '13']) {
      h.clock.set(`2026-03-${day}T00:00:01+08:00`);
      await h.app.outbox.drain();
    }
    const perDay = new Map<string, number>();
    for (const { out, at } of wechat) {
      expect([out.type, renderPlain(out.body)]).toEqual(['dm', expect.any(String)]);
      const day = localDay(at, 'Asia/Shanghai');
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(Object.fromEntries(perDay)).toEqual({ '2026-03-10': 200, '2026-03-11': 200, '2026-03-12': 100 });
    expect(new Set(wechat.map((w) => (w.out.type === 'dm' ? w.out.user.userId : ''))).size).toBe(500);
    const staff = h.sent.filter((o) => o.type === 'send' && o.chat.chatId === 'staff').map((o) => renderPlain(o.body));
    expect(staff.filter((t) => t.includes('每日上限'))).toEqual([
      'wechat 上有 300 条消息今天发不完：已达到每日上限 200 条。它们会继续排队，用之后几天的额度发出，最晚 2026-03-12 发完。',
      'wechat 上有 100 条消息今天发不完：已达到每日上限 200 条。它们会继续排队，用之后几天的额度发出，最晚 2026-03-12 发完。',
    ]);
    expect(h.app.services.outbox.stats().platforms.wechat).toMatchObject({ pending: 0, sent: 500 });
  });
});

describe('outbox retention', () => {
  const rows = (app: App) =>
    app.db.sqlite.prepare('SELECT source_key AS sourceKey, status FROM outbox ORDER BY id').all() as { sourceKey: string; status: string }[];
  const failing = (platform: PlatformAdapter['platform'], code: 'network' | 'forbidden'): PlatformAdapter => ({
    platform,
    capabilities: new Set<Capability>(),
    start: async () => {},
    stop: async () => {},
    send: async () => Promise.reject(new AdapterError(platform, code, code === 'network' ? '502 Bad Gateway' : 'kicked from the chat')),
  });

  it('given settled messages either side of a local midnight before a DST change in Europe/Berlin, when the daily job runs, then those settled before the local day keepDays ago go, the rest and every pending one stay, and /outbox and export count what is kept', async () => {
    h = await harness({
      start: '2026-03-27T09:00:00+01:00',
      content: loadContent(
        contentDirWith({}, (c) => {
          (c.community as Record<string, unknown>).timezone = 'Europe/Berlin';
          (c.delivery as Record<string, unknown>).keepDays = 2;
        }),
      ),
    });
    const app = h.app;
    app.router.register(failing('telegram', 'network'));
    app.router.register(failing('discord', 'forbidden'));
    await h.say('u1', '/checkin', { lang: 'en', id: 'friday' });
    app.db.transaction(() => {
      app.delivery.record('test:broadcast', [{ type: 'send', chat: { platform: 'telegram', chatId: '-100' }, body: [seg.text('good morning')] }]);
      app.delivery.record('test:bulk', [tagOutbound({ type: 'send', chat: { platform: 'telegram', chatId: '-100' }, body: [seg.text('weekly digest')] }, { cls: 'bulk' })]);
      app.delivery.record('test:refused', [{ type: 'send', chat: { platform: 'discord', chatId: '7' }, body: [seg.text('hello')] }]);
    });
    await app.outbox.drain();
    // Past the broadcast's three hours: it expires; the bulk message behind it keeps waiting.
    h.clock.set('2026-03-27T23:59:00+01:00');
    await app.outbox.drain();
    await h.say('u2', '/checkin', { lang: 'en', id: 'late-friday' });
    h.clock.set('2026-03-28T00:30:00+01:00');
    await h.say('u3', '/checkin', { lang: 'en', id: 'saturday' });
    // A sent mark rides on the next transaction; a drain writes what is left.
    await app.outbox.drain();
    const status = () => Object.fromEntries(rows(app).filter((r) => !r.sourceKey.startsWith('outbox.deferred')).map((r) => [r.sourceKey, r.status]));
    expect(status()).toMatchObject({
      'local:g1:m:friday': 'sent',
      'test:broadcast': 'expired',
      'test:bulk': 'pending',
      'test:refused': 'failed',
      'local:g1:m:late-friday': 'sent',
      'local:g1:m:saturday': 'sent',
    });

    // Sunday 29 March (clocks go forward at 02:00): the cutoff is Friday's local midnight, nothing is old enough.
    await h.scheduler.advanceTo(new Date('2026-03-29T05:00:00+02:00'));
    expect(Object.keys(status())).toEqual(expect.arrayContaining(['local:g1:m:friday', 'test:broadcast', 'test:refused', 'local:g1:m:late-friday']));

    // Monday 30 March, 04:15 CEST: everything settled before Saturday 00:00 CET goes (a naive
    // "now minus 48 hours" would be Saturday 03:15 CET and take Saturday's reply too).
    await h.scheduler.advanceTo(new Date('2026-03-30T05:00:00+02:00'));
    expect(status()).toEqual({ 'test:bulk': 'pending', 'local:g1:m:saturday': 'sent' });
    expect(app.services.outbox.retentionCutoff(new Date('2026-03-30T04:15:00+02:00'))).toBe(new Date('2026-03-28T00:00:00+01:00').getTime());

    const [summary] = await h.say('op', '/outbox', { lang: 'en', chat: null });
    expect(summary!.split('\n')).toEqual([
      'Outbox',
      'local: 0 waiting, 1 sent, 0 failed, 0 expired',
      'telegram: 1 waiting, 0 sent, 0 failed, 0 expired',
      'Sent, failed and expired counts cover the last 2 days (older ones are deleted daily).',
      expect.stringMatching(/^Oldest waiting: #\d+ to telegram:-100, since 2026-03-27 09:00, \d+ attempts so far\.$/),
      'Last error: telegram network: 502 Bad Gateway',
    ]);
    expect(app.exportState().outbox).toMatchObject({
      keepDays: 2,
      // Saturday's reply and the /outbox answer; Friday's messages and Discord's failure are gone.
      platforms: { local: { pending: 0, sent: 2, failed: 0, expired: 0 }, telegram: { pending: 1, sent: 0, failed: 0, expired: 0 } },
      oldestPending: { platform: 'telegram', lane: 'telegram:-100', createdAt: '2026-03-27T08:00:00.000Z' },
    });
    expect(ledgerMismatches(app)).toEqual([]);
  });

  it('given more settled messages than one batch, when they are purged, then each transaction deletes at most a batch, the job yields between them, and a second run deletes nothing', async () => {
    h = await harness({ start: '2026-03-02T09:00:00+08:00' });
    const app = h.app;
    for (let i = 1; i <= 7; i++) await h.say(`u${i}`, '/checkin', { lang: 'en' });
    app.db.transaction(() => app.delivery.record('test:waiting', [{ type: 'send', chat: { platform: 'telegram', chatId: '-100' }, body: [seg.text('later')] }]));
    const later = new Date('2026-04-15T04:15:00+08:00');
    let pauses = 0;
    const pause = async () => void pauses++;
    expect(await app.services.outbox.purgeSettled(later, pause, 3)).toBe(7);
    expect(pauses).toBe(2);
    expect(rows(app)).toEqual([{ sourceKey: 'test:waiting', status: 'pending' }]);
    expect(await app.services.outbox.purgeSettled(later, pause, 3)).toBe(0);
    expect(rows(app)).toHaveLength(1);
  });

  it('given keepDays below two, then the configuration is refused: the daily caps read back what was sent today', () => {
    expect(() => loadContent(contentDirWith({}, (c) => ((c.delivery as Record<string, unknown>).keepDays = 1)))).toThrow(/keepDays/);
  });
});
