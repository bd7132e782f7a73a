import { afterEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../../adapters/telegram/index.ts';
import { createApp, type App } from '../../../src/app.ts';
import { loadContent } from '../../../src/config/load.ts';
import { silentLogger, type Logger } from '../../../src/core/logger.ts';
import { openDb } from '../../../src/db/open.ts';
import { contentDirWith, post } from '../../helpers/posts.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { DATE, GROUP, textUpdate, user } from './updates.ts';

/**
 * Virtual time for the whole bot (rules, outbox sender, adapter throttle): sleepers wait until the
 * test moves time past their deadline, so ten minutes of outage cost no real ten minutes.
 */
class VirtualTime {
  private current: number;
  private waiters: { until: number; resolve: () => void }[] = [];

  constructor(start: number) {
    this.current = start;
  }

  readonly now = () => this.current;

  readonly sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const waiter = { until: this.current + ms, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error('aborted'));
        },
        { once: true },
      );
    });

  /** Moves time forward in steps, waking each sleeper at its deadline and letting real I/O (the fake's HTTP) run in between. */
  async advance(ms: number, step = 1000): Promise<void> {
    const target = this.current + ms;
    while (this.current < target) {
      this.current = Math.min(target, this.current + step);
      const due = this.waiters.filter((w) => w.until <= this.current);
      this.waiters = this.waiters.filter((w) => w.until > this.current);
      for (const w of due) w.resolve();
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('an outage drill through the Telegram fake', () => {
  it('given the Bot API answers 502s, 504s and drops connections for 10 minutes while members check in and a post goes out, then every reply and the post arrive once, in order, and none is lost', async () => {
    const fake = await new FakeBotApi().start();
    const time = new VirtualTime(DATE * 1000);
    const retries: number[] = [];
    const logger: Logger = { ...silentLogger, warn: (obj, msg) => void (msg === 'outbound retry' && retries.push((obj as { attempt: number }).attempt)) };
    const dir = contentDirWith({ 'news.md': post({ id: 'news', cron: '0 17 * * *', targets: { platforms: ['telegram'] } }, 'Big news today') });
    const app: App = createApp({ db: openDb(':memory:'), content: loadContent(dir), clock: { now: () => new Date(time.now()) }, logger, sleep: time.sleep });
    // The adapter's own retries are off: what fails reaches the outbox, which is what is drilled.
    const adapter = new TelegramAdapter({ token: fake.token, apiRoot: fake.url, logger: silentLogger, pollTimeoutSeconds: 1, timing: time, autoRetry: { maxRetryAttempts: 0, rethrowInternalServerErrors: true, rethrowHttpErrors: true } });
    app.router.register(adapter);
    await adapter.start(app.dispatcher.sink);
    app.outbox.start();
    cleanup.push(async () => {
      await adapter.stop();
      await app.outbox.stop(0);
      app.db.close();
      await fake.close();
    });

    let calls = 0;
    const answers = [{ error_code: 502, description: 'Bad Gateway' }, { error_code: 504, description: 'Gateway Timeout' }, 'drop'] as const;
    const outageEnds = time.now() + 10 * 60_000;
    fake.outage = (method) => (method === 'sendMessage' && time.now() < outageEnds ? answers[calls++ % answers.length] : undefined);

    const members = [1, 2, 3, 4, 5].map((i) => user(100 + i, `M${i}`, { language_code: 'en' }));
    let last = 0;
    for (const [i, m] of members.entries()) last = fake.push(textUpdate('/checkin', { from: m, id: 500 + i }));
    // Inbound does not wait on outbound: all five are handled while every send fails.
    await fake.handled(last);
    expect(app.exportState().ledger.filter((l) => l.reason === 'checkin')).toHaveLength(5);
    await time.advance(2 * 60_000);
    const slot = new Date(time.now());
    await app.services.content.runSlot('news', 'Asia/Shanghai', slot, 'scheduled');
    await time.advance(8 * 60_000);
    expect(fake.sent).toEqual([]);
    expect(calls).toBeGreaterThan(6);

    // Recovery: the outbox's backoff (at most 5 minutes) brings everything out.
    for (let i = 0; i < 40 && fake.sent.length < 6; i++) await time.advance(30_000);
    await time.advance(10 * 60_000);
    expect(fake.sent.map((s) => [s.chatId, s.replyTo ?? null, s.visible.split(':')[0]])).toEqual([
      ...members.map((m, i) => [String(GROUP.id), 500 + i, `${m.first_name} checked in`]),
      [String(GROUP.id), null, 'Big news today'],
    ]);
    expect(app.exportState().outbox.platforms.telegram).toEqual({ pending: 0, sent: 6, failed: 0, expired: 0 });
    expect(app.services.content.runs('news')).toMatchObject([{ status: 'sent' }]);
    expect(Math.max(...retries)).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
