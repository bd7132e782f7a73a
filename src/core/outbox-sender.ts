import type { PlatformAdapter } from './adapter.ts';
import { AdapterError } from './errors.ts';
import type { Platform } from './ids.ts';
import type { Logger } from './logger.ts';
import type { Outbound } from './outbound.ts';
import { seg } from './outbound.ts';
import type { DeliveryClass, OutboxMessage, OutboxResult, OutboxStore, SendReceipt } from './outbox.ts';
import { fitToPlatform } from './private-reply.ts';
import type { Pacer, Wait } from './send-policy.ts';

/** A message that could not be delivered, offered to features that want to do something instead. */
export interface UndeliverableMessage {
  readonly out: Outbound;
  readonly error: string;
  readonly origin?: string | undefined;
}

/** A daily cap held messages back: what the staff chat should be told. */
export interface DeferredReport {
  readonly platform: Platform;
  /** The chat whose own cap was reached; absent for the account's cap. */
  readonly lane?: string;
  /** Messages waiting behind the cap, this one included. */
  readonly pending: number;
  readonly cap: number;
  /** When the next day's quota opens (ms). */
  readonly until: number;
  /** Days, counting the next one, until the last of them can go at this cap. */
  readonly days: number;
}

/** How the sender reads time and waits; `sleep` rejects early when `signal` aborts. */
export interface SenderTiming {
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface OutboxSenderOptions {
  readonly store: OutboxStore;
  /** The adapter for a platform (the router's registry, so tests can swap one in). */
  readonly adapter: (platform: Platform) => PlatformAdapter | undefined;
  readonly pacer: Pacer;
  readonly timing: SenderTiming;
  readonly logger: Logger;
  /** A message older than this (per class, ms) is marked expired instead of sent. */
  readonly maxAgeMs: Readonly<Record<DeliveryClass, number>>;
  /** Backoff after a rate limit or network error: base × 2^(attempt−1), at most max; `retry_after` wins when longer. */
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
  /** Asked about every message that finally fails; what it returns is stored and sent instead. */
  readonly onUndeliverable?: (failed: UndeliverableMessage) => readonly Outbound[];
  /** Asked once per scope and day when a daily cap holds messages back; returns the notice to send. */
  readonly onDeferred?: (report: DeferredReport) => readonly Outbound[];
  /** `drain()` waits at most this long for a retry or a gap that is due soon (default 5 minutes). */
  readonly drainWaitMs?: number;
}

const DEFAULT_RETRY = { baseMs: 1000, maxMs: 5 * 60_000 };
/** How long the background loop sleeps when nothing is scheduled (a kick wakes it sooner). */
const IDLE_MS = 60_000;

/**
 * Drains the outbox: per destination chat in order, one message in flight per chat, under each
 * platform's send policy (best priority first), with retries and backoff on `rate_limited` and
 * `network`, the DM-refused fallback to a mention in the group, `onUndeliverable` for what finally
 * fails, and the platform's message id recorded on success. Every outcome is written to the store
 * (and told to `onSettled` listeners) in one transaction, so a crash loses nothing: what was not
 * marked sent is sent after the restart. Delivery is therefore at least once: a crash between the
 * platform accepting a message and the `sent` mark resends it, unless the adapter passes
 * `idempotencyKey` to a platform that deduplicates.
 */
export class OutboxSender {
  /** Lanes with a send in flight → that send. */
  private readonly inflight = new Map<string, Promise<void>>();
  /** The Outbound object per message id, so an adapter that tracks progress per object (chunks sent) sees the same one on every attempt. */
  private readonly objects = new Map<number, Outbound>();
  private readonly listeners: ((result: OutboxResult) => void)[] = [];
  private readonly reported = new Set<string>();
  private nextWake: number | undefined;
  /** Messages were added since the last look at the store (true at first: a restart finds what was left). */
  private dirty = true;
  private loop: Promise<void> | undefined;
  private running = false;
  private closed = false;
  private wakeUp: AbortController | undefined;
  private readonly retry: { baseMs: number; maxMs: number };
  /**
   * Messages the platform accepted whose `sent` mark is not written yet. Marks ride on the next
   * transaction that records messages (`writeSettled` from the delivery), or on one of their own
   * at the next turn of the event loop, so a burst of sends, or a reply and the next event, share
   * one commit instead of one each. A message's chat waits until its mark is written, so nothing
   * is sent twice and order holds.
   */
  private behind: { readonly msg: OutboxMessage; readonly at: number; readonly messageId: string | undefined }[] = [];
  /** Marks written in a caller's transaction that is not known to have committed yet (`committed()` says it did). */
  private unconfirmed: typeof this.behind = [];
  /** Chats whose last message's mark is still in `behind` or `unconfirmed`. */
  private readonly settling = new Set<string>();
  private writeTimer: ReturnType<typeof setImmediate> | undefined;

  constructor(private readonly options: OutboxSenderOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** Calls `listener` inside the transaction that records each message's final status. */
  onSettled(listener: (result: OutboxResult) => void): void {
    this.listeners.push(listener);
  }

  /** Whether a background loop is sending (`start`), as opposed to callers draining. */
  get background(): boolean {
    return this.running;
  }

  /**
   * Sends what is due now and waits for it; then, while the next retry or gap is due within
   * `drainWaitMs`, waits for it (with the timing's sleep) and goes on. Returns when nothing more is
   * due soon, or at once when time does not move (the simulator's clock moves only with its input).
   * The sent marks are written before it returns.
   */
  async drain(waitMs = this.options.drainWaitMs ?? 5 * 60_000): Promise<void> {
    await this.sendDue(waitMs);
    if (!this.closed) this.writeSettled();
  }

  /**
   * `drain`, leaving the last sent marks in memory: they ride on the next transaction that
   * records messages, or go in one of their own at the next turn of the event loop. What the
   * simulator calls before every line, and `flush` after every event.
   */
  async sendDue(waitMs = this.options.drainWaitMs ?? 5 * 60_000): Promise<void> {
    for (let round = 0; round < 100_000 && !this.closed; round++) {
      // Most drains (the simulator drains after every line) find nothing new and nothing due:
      // answer those without reading the store.
      if (round === 0 && !this.dirty && this.inflight.size === 0 && (this.nextWake === undefined || this.nextWake - this.options.timing.now() > waitMs)) return;
      const started = this.pump();
      if (this.inflight.size > 0) {
        await Promise.all(this.inflight.values());
        // Another look at every chat is needed only when something changed meanwhile (a retry, a
        // message added) or a chat that just sent has a message behind it; else see to the wake-up.
        const { store } = this.options;
        if (this.dirty || started.some((m) => store.hasPendingAfter(m.lane, m.id))) continue;
      }
      const wake = this.nextWake;
      const now = this.options.timing.now();
      if (wake === undefined || wake - now > waitMs) return;
      await this.options.timing.sleep(Math.max(0, wake - now));
      if (this.options.timing.now() <= now) return;
    }
  }

  /** Says messages were added to the store (after their transaction); the next drain looks at it. */
  added(): void {
    this.dirty = true;
  }

  /**
   * After a commit: the marks written in it are known to be durable; in the background the loop
   * is woken, otherwise the caller drains.
   */
  async flush(): Promise<void> {
    this.committed();
    if (this.running) this.kick();
    else await this.sendDue();
  }

  /**
   * Writes the `sent` marks waiting in memory, and tells the listeners, in the caller's
   * transaction when there is one (the delivery calls it while recording an event's messages;
   * `flush` after its commit lets their chats go on) or in one of its own. Marks written twice
   * change nothing: a mark whose message is no longer pending is skipped, listeners included, so
   * a caller's transaction that rolls back only means they are written again.
   */
  writeSettled(): void {
    this.writeMarks();
    if (!this.options.store.inTransaction()) this.committed();
  }

  private writeMarks(): void {
    if (this.behind.length === 0 && this.unconfirmed.length === 0) return;
    const batch = [...this.unconfirmed, ...this.behind];
    const { store } = this.options;
    store.transaction(() => {
      for (const b of batch) {
        if (!store.markSent(b.msg.id, b.at, b.messageId)) continue;
        const result: OutboxResult = { message: b.msg, status: 'sent', at: b.at };
        for (const listener of this.listeners) listener(result);
      }
    });
    this.unconfirmed = batch;
    this.behind = [];
  }

  /** The transaction `writeSettled` last wrote in has committed: the chats it held may go on. */
  private committed(): void {
    if (this.unconfirmed.length === 0) return;
    for (const b of this.unconfirmed) this.settling.delete(b.msg.lane);
    this.unconfirmed = [];
    this.dirty = true;
  }


  /** Wakes the background loop (new messages, or a lane came free). */
  kick(): void {
    this.wakeUp?.abort();
  }

  /** Starts the background loop: sends as messages come, retries when their time comes. */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.pump();
      } catch (err) {
        this.options.logger.error({ err }, 'outbox: could not read pending messages');
      }
      const now = this.options.timing.now();
      const ms = this.nextWake === undefined ? IDLE_MS : Math.min(IDLE_MS, Math.max(1, this.nextWake - now));
      this.wakeUp = new AbortController();
      await this.options.timing.sleep(ms, this.wakeUp.signal).catch(() => undefined);
    }
  }

  /**
   * Stops the loop and sends what is due for at most `flushMs`; whatever is left stays pending in
   * the store for the next start. Sends still in flight after that are not recorded (they will be
   * sent again after the restart: at least once).
   */
  async stop(flushMs = 3000): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    if (!this.closed) {
      const deadline = new AbortController();
      await Promise.race([this.drain(0), this.options.timing.sleep(flushMs, deadline.signal).catch(() => undefined)]);
      deadline.abort();
      this.writeSettled();
    }
    this.closed = true;
    if (this.writeTimer) clearImmediate(this.writeTimer);
  }

  /** Picks every lane's head that may go now and starts sending it; notes when to look again. */
  private pump(): OutboxMessage[] {
    const started: OutboxMessage[] = [];
    if (this.closed) return started;
    this.dirty = false;
    const { store, pacer, timing } = this.options;
    const now = timing.now();
    let wake: number | undefined;
    const later = (t: number) => {
      if (wake === undefined || t < wake) wake = t;
    };
    // Daily caps count the sent marks in the store: write those waiting before a capped platform is checked.
    if (this.behind.some((b) => pacer.hasDayCap(b.msg))) this.writeSettled();
    for (let round = 0; round < 1000; round++) {
      // Expiring a head, adding a staff notice or writing marks changes the heads: look again.
      let changed = false;
      for (const head of store.heads()) {
        if (this.inflight.has(head.lane)) continue;
        if (this.settling.has(head.lane)) {
          // Its head was sent and waits for its mark; a message behind it needs the mark written.
          if (!changed && store.hasPendingAfter(head.lane, head.id)) {
            this.writeSettled();
            changed = true;
          }
          continue;
        }
        if (now - head.createdAt > this.options.maxAgeMs[head.cls]) {
          this.expire(head, now);
          changed = true;
          continue;
        }
        if (head.notBefore > now) {
          later(head.notBefore);
          continue;
        }
        const wait = pacer.check(head, now);
        if (wait) {
          later(wait.until);
          if ((wait.reason === 'day-cap' || wait.reason === 'chat-day-cap') && this.deferred(head, wait, now)) changed = true;
          continue;
        }
        pacer.record(head, now);
        const sending = this.send(head).finally(() => {
          this.inflight.delete(head.lane);
          if (this.running) this.kick();
        });
        this.inflight.set(head.lane, sending);
        started.push(head);
      }
      if (!changed) break;
    }
    this.nextWake = wake;
    return started;
  }

  private async send(msg: OutboxMessage): Promise<void> {
    const { timing } = this.options;
    const adapter = this.options.adapter(msg.platform);
    const out = this.objects.get(msg.id) ?? msg.out;
    this.objects.set(msg.id, out);
    // A chat on a platform this process does not run (a config group on `local` under `npm start`)
    // cannot be reached by waiting: fail it visibly rather than retry it until it expires.
    if (!adapter) return this.fail(msg, `no adapter for ${msg.platform}`);
    if (out.type === 'dm' && !adapter.capabilities.has('dm')) return this.fallback(msg, out, 'no dm capability');
    let receipt: SendReceipt | void;
    try {
      receipt = await adapter.send(fitToPlatform(out, adapter.capabilities), { idempotencyKey: `hearth-${msg.id}`, attempt: msg.attempts + 1 });
    } catch (err) {
      const e = err instanceof AdapterError ? err : new AdapterError(msg.platform, 'unknown', String(err));
      if (out.type === 'dm' && e.code === 'forbidden') return this.fallback(msg, out, e.message);
      if (e.retryable) return this.later(msg, e);
      return this.fail(msg, e.message);
    }
    this.sentLater(msg, timing.now(), receipt ? receipt.messageId : undefined);
  }

  /** Keeps a sent message's mark for the next write (`writeSettled`), at the latest at the next turn of the event loop. */
  private sentLater(msg: OutboxMessage, at: number, messageId: string | undefined): void {
    if (this.closed) return;
    this.objects.delete(msg.id);
    this.behind.push({ msg, at, messageId });
    this.settling.add(msg.lane);
    this.writeTimer ??= setImmediate(() => {
      this.writeTimer = undefined;
      if (this.closed) return;
      try {
        this.writeSettled();
      } catch (err) {
        this.options.logger.error({ err }, 'outbox: could not write sent marks');
      }
      if (this.running) this.kick();
    });
  }

  /** Records the outcome and tells the listeners, in one transaction; nothing once stopped. */
  private settle(msg: OutboxMessage, status: OutboxResult['status'], write: () => void, error?: string, extra?: () => void): void {
    if (this.closed) return;
    this.objects.delete(msg.id);
    this.options.store.transaction(() => {
      write();
      extra?.();
      const at = this.options.timing.now();
      const result: OutboxResult = error === undefined ? { message: msg, status, at } : { message: msg, status, at, error };
      for (const listener of this.listeners) listener(result);
    });
  }

  private later(msg: OutboxMessage, e: AdapterError): void {
    if (this.closed) return;
    const attempt = msg.attempts + 1;
    const delay = Math.max(e.retryAfterMs ?? 0, Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1)));
    const now = this.options.timing.now();
    this.options.logger.warn({ id: msg.id, lane: msg.lane, code: e.code, attempt, delay }, 'outbound retry');
    this.options.store.markRetry(msg.id, now, now + delay, e.message);
    this.dirty = true;
  }

  /** A refused DM becomes a mention in the fallback group: a new message at the end of that chat's line. */
  private fallback(msg: OutboxMessage, out: Extract<Outbound, { type: 'dm' }>, why: string): void {
    if (!out.fallbackChat) return this.fail(msg, `dm refused and no fallback group: ${why}`);
    this.options.logger.info({ user: out.user, why }, 'dm refused, mentioning in group instead');
    const mention: Outbound = { type: 'send', chat: out.fallbackChat, body: [seg.mention(out.user, out.name ?? out.user.userId), seg.text(' '), ...out.body] };
    const now = this.options.timing.now();
    this.settle(msg, 'sent', () => this.options.store.markSent(msg.id, now, undefined, `dm refused, mentioned in the group instead: ${why}`), undefined, () =>
      this.options.store.add(`outbox:${msg.id}:fallback`, [mention], new Date(now)),
    );
    this.dirty = true;
  }

  private fail(msg: OutboxMessage, error: string): void {
    this.options.logger.error({ id: msg.id, lane: msg.lane, out: msg.out, error }, 'outbound failed');
    const now = this.options.timing.now();
    this.settle(msg, 'failed', () => this.options.store.markFailed(msg.id, now, error), error, () => {
      const instead = this.options.onUndeliverable?.({ out: msg.out, error, origin: msg.origin ?? undefined }) ?? [];
      if (instead.length > 0) this.options.store.add(`outbox:${msg.id}:instead`, instead, new Date(now));
    });
    this.dirty = true;
  }

  private expire(msg: OutboxMessage, now: number): void {
    this.options.logger.warn({ id: msg.id, lane: msg.lane, cls: msg.cls, ageMs: now - msg.createdAt }, 'outbox: message too old to send, marked expired');
    this.settle(msg, 'expired', () => this.options.store.markExpired(msg.id, now), 'expired');
  }

  /** Tells the staff chat, once per scope and day, what a daily cap holds back; true when a notice was added. */
  private deferred(msg: OutboxMessage, wait: Wait, now: number): boolean {
    if (!this.options.onDeferred) return false;
    const lane = wait.reason === 'chat-day-cap' ? msg.lane : undefined;
    const key = `${msg.platform}:${lane ?? '*'}:${wait.until}`;
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    const policy = this.options.pacer.policyOf(msg.platform);
    const cap = (lane ? policy.perChatPerDay : policy.perDay) ?? 1;
    // Messages sending right now are still pending in the store; they are not waiting.
    const sending = lane ? (this.inflight.has(lane) ? 1 : 0) : [...this.inflight.keys()].filter((l) => l.startsWith(`${msg.platform}:`)).length;
    const pending = this.options.store.pendingCount(msg.platform, lane) - sending;
    const report: DeferredReport = { platform: msg.platform, ...(lane ? { lane } : {}), pending, cap, until: wait.until, days: Math.ceil(pending / cap) };
    const notice = this.options.onDeferred(report);
    this.options.logger.warn({ ...report }, 'outbox: a daily cap holds messages until tomorrow');
    if (notice.length === 0) return false;
    const added = this.options.store.transaction(() => this.options.store.add(`outbox.deferred:${key}`, notice, new Date(now))) > 0;
    if (added) this.dirty = true;
    return added;
  }

  /** The oldest pending message when it has waited longer than `olderThanMs`: for the periodic health line. */
  stuck(olderThanMs: number): ReturnType<OutboxStore['stats']> | undefined {
    this.writeSettled();
    const stats = this.options.store.stats();
    const oldest = stats.oldestPending;
    if (!oldest || this.options.timing.now() - new Date(oldest.createdAt).getTime() < olderThanMs) return undefined;
    return stats;
  }
}
