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
  /**
   * True while every pending message in the store is one `record` handed over and `pending`
   * holds: a read of the store found nothing pending, and since then only `record` added
   * messages. The drain after each commit then takes its heads from memory instead of reading
   * the table back (what the transaction wrote is already known). Anything else that changes
   * what is pending (a retry, a failure, an expiry, a notice the sender adds, another writer, a
   * rollback) ends it until a read of the store finds nothing pending again.
   */
  private mirror = false;
  /** Per lane, in order, the pending messages `record` handed over that the platform has not accepted yet (while `mirror`). */
  private readonly pending = new Map<string, OutboxMessage[]>();
  /** The store's rollback count when the oldest message in `pending` not yet known to have committed was recorded. */
  private rollbacksAtRecord: number | undefined;
  /** Whether the heads `pump` is looking at came from `pending` (the store's heads otherwise). */
  private headsFromMemory = false;
  /** When the store's heads were last read (ms). */
  private storeReadAt = Number.NEGATIVE_INFINITY;

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
        if (this.dirty || started.some((m) => this.hasPendingAfter(m.lane, m.id))) continue;
      }
      const wake = this.nextWake;
      const now = this.options.timing.now();
      if (wake === undefined || wake - now > waitMs) return;
      await this.options.timing.sleep(Math.max(0, wake - now));
      if (this.options.timing.now() <= now) return;
    }
  }

  /**
   * Writes messages to the store in the caller's transaction (with the sent marks waiting in
   * memory, which commit with it instead of in one of their own), and keeps them for the drain
   * after the commit.
   */
  record(sourceKey: string, outs: readonly Outbound[], at: Date): void {
    const { store } = this.options;
    this.writeSettled();
    const added = store.add(sourceKey, outs, at);
    if (added.length === 0) return;
    this.dirty = true;
    if (!this.mirror) return;
    const rollbacks = store.rollbacks();
    if (rollbacks === undefined) return this.unmirror();
    this.rollbacksAtRecord ??= rollbacks;
    for (const msg of added) {
      const lane = this.pending.get(msg.lane);
      if (lane) lane.push(msg);
      else this.pending.set(msg.lane, [msg]);
    }
  }

  /** Says messages were added to the store other than by `record` (after their transaction); the next drain reads the store. */
  added(): void {
    this.dirty = true;
    this.unmirror();
  }

  /** What is pending may differ from `pending`: read the store until it is found empty again. */
  private unmirror(): void {
    this.mirror = false;
    this.pending.clear();
    this.rollbacksAtRecord = undefined;
  }

  /** The oldest pending message of every lane, best priority first: from memory while `mirror`, else from the store. */
  private heads(): OutboxMessage[] {
    const { store } = this.options;
    // Inside a transaction what was recorded may still roll back: only the store can say.
    if (store.inTransaction()) {
      this.headsFromMemory = false;
      return store.heads();
    }
    if (this.mirror && this.rollbacksAtRecord !== undefined) {
      // Every transaction that recorded has ended; had one rolled back, the count would have moved.
      if (store.rollbacks() === this.rollbacksAtRecord) this.rollbacksAtRecord = undefined;
      else this.unmirror();
    }
    this.headsFromMemory = this.mirror;
    if (!this.mirror) {
      this.storeReadAt = this.options.timing.now();
      const heads = store.heads();
      if (heads.length === 0) this.mirror = true;
      return heads;
    }
    const heads: OutboxMessage[] = [];
    for (const lane of this.pending.values()) heads.push(lane[0]!);
    if (heads.length > 1) heads.sort((a, b) => a.priority - b.priority || a.id - b.id);
    return heads;
  }

  /** Whether `lane` holds a pending message after message `id` (not counting one accepted and waiting for its mark, in memory). */
  private hasPendingAfter(lane: string, id: number): boolean {
    if (!this.headsFromMemory) return this.options.store.hasPendingAfter(lane, id);
    return this.pending.get(lane)?.some((m) => m.id > id) ?? false;
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
      // Another process (a CLI command) may add messages: look at the store at least every
      // IDLE_MS, even when kicks keep the loop from ever waking on its own.
      if (this.options.timing.now() - this.storeReadAt >= IDLE_MS) this.unmirror();
      try {
        this.pump();
      } catch (err) {
        this.options.logger.error({ err }, 'outbox: could not read pending messages');
      }
      const now = this.options.timing.now();
      const ms = this.nextWake === undefined ? IDLE_MS : Math.min(IDLE_MS, Math.max(1, this.nextWake - now));
      const wakeUp = (this.wakeUp = new AbortController());
      await this.options.timing.sleep(ms, wakeUp.signal).catch(() => undefined);
      // Woken by time, not by a kick: another process (a CLI command) may have added messages.
      if (!wakeUp.signal.aborted) this.unmirror();
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
      for (const head of this.heads()) {
        if (this.inflight.has(head.lane)) continue;
        if (this.settling.has(head.lane)) {
          // Its head was sent and waits for its mark; a message behind it needs the mark written.
          // (In memory the accepted message is gone from its lane: this head is the one behind it.)
          if (!changed && (this.headsFromMemory || store.hasPendingAfter(head.lane, head.id))) {
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
    const lane = this.pending.get(msg.lane);
    if (lane?.[0]?.id === msg.id) {
      lane.shift();
      if (lane.length === 0) this.pending.delete(msg.lane);
    }
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
    this.added();
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
    this.added();
  }

  private fail(msg: OutboxMessage, error: string): void {
    this.options.logger.error({ id: msg.id, lane: msg.lane, out: msg.out, error }, 'outbound failed');
    const now = this.options.timing.now();
    this.settle(msg, 'failed', () => this.options.store.markFailed(msg.id, now, error), error, () => {
      const instead = this.options.onUndeliverable?.({ out: msg.out, error, origin: msg.origin ?? undefined }) ?? [];
      if (instead.length > 0) this.options.store.add(`outbox:${msg.id}:instead`, instead, new Date(now));
    });
    this.added();
  }

  private expire(msg: OutboxMessage, now: number): void {
    this.options.logger.warn({ id: msg.id, lane: msg.lane, cls: msg.cls, ageMs: now - msg.createdAt }, 'outbox: message too old to send, marked expired');
    this.settle(msg, 'expired', () => this.options.store.markExpired(msg.id, now), 'expired');
    this.unmirror();
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
    const added = this.options.store.transaction(() => this.options.store.add(`outbox.deferred:${key}`, notice, new Date(now))).length > 0;
    if (added) this.added();
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
