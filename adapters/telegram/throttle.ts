import { sleep } from '../../src/core/clock.ts';

/** How the throttle reads time and waits; tests pass a fake clock whose sleep advances it. */
export interface ThrottleTiming {
  readonly now: () => number;
  /** Waits `ms`; rejects early when `signal` aborts (the adapter is stopping). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Real time: setTimeout, cancelled when the signal aborts. */
export const realTiming: ThrottleTiming = { now: () => Date.now(), sleep };

export interface ThrottleLimits {
  /** Messages per minute in one group (Telegram: about 20). */
  readonly perGroupPerMinute: number;
  /** Messages per second in one private chat (Telegram: about 1). */
  readonly perPrivatePerSecond: number;
  /** Messages per second over all chats (Telegram: about 30). */
  readonly globalPerSecond: number;
}

export const TELEGRAM_LIMITS: ThrottleLimits = { perGroupPerMinute: 20, perPrivatePerSecond: 1, globalPerSecond: 30 };

/** Timestamps of recent sends; how long until one more fits in the window. */
class Window {
  private readonly stamps: number[] = [];

  constructor(
    private readonly max: number,
    private readonly spanMs: number,
  ) {}

  waitMs(now: number): number {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.spanMs) this.stamps.shift();
    return this.stamps.length < this.max ? 0 : this.stamps[0]! + this.spanMs - now;
  }

  take(now: number): void {
    this.stamps.push(now);
  }

  get idle(): boolean {
    return this.stamps.length === 0;
  }
}

/**
 * Keeps outbound messages within Telegram's limits, so a broadcast waits instead of being refused:
 * a sliding window per chat (groups per minute, private chats per second) and one over all chats.
 * `acquire` resolves when the caller may send; callers for one chat are served in order.
 */
export class OutboundThrottle {
  private readonly chats = new Map<string, Window>();
  private readonly global: Window;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly timing: ThrottleTiming,
    private readonly limits: ThrottleLimits = TELEGRAM_LIMITS,
  ) {
    this.global = new Window(limits.globalPerSecond, 1000);
  }

  /** Waits for a free slot for `chatId` (a negative id is a group on Telegram) and takes it. */
  acquire(chatId: string, isGroup: boolean): Promise<void> {
    const previous = this.queues.get(chatId) ?? Promise.resolve();
    const next = previous.then(() => this.take(chatId, isGroup));
    this.queues.set(chatId, next);
    void next.finally(() => {
      if (this.queues.get(chatId) === next) this.queues.delete(chatId);
    });
    return next;
  }

  private async take(chatId: string, isGroup: boolean): Promise<void> {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = isGroup ? new Window(this.limits.perGroupPerMinute, 60_000) : new Window(this.limits.perPrivatePerSecond, 1000);
      this.chats.set(chatId, chat);
    }
    for (;;) {
      const now = this.timing.now();
      const wait = Math.max(chat.waitMs(now), this.global.waitMs(now));
      if (wait <= 0) {
        chat.take(now);
        this.global.take(now);
        this.prune(now);
        return;
      }
      await this.timing.sleep(wait);
    }
  }

  /** Forgets chats with no recent sends, so a long-running bot does not keep one window per chat forever. */
  private prune(now: number): void {
    if (this.chats.size < 1000) return;
    for (const [id, w] of this.chats) if (w.waitMs(now) === 0 && w.idle) this.chats.delete(id);
  }
}
