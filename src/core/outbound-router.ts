import type { PlatformAdapter } from './adapter.ts';
import { AdapterError } from './errors.ts';
import type { Platform } from './ids.ts';
import type { Logger } from './logger.ts';
import type { Outbound } from './outbound.ts';
import { isToUser, seg } from './outbound.ts';
import { fitToPlatform } from './private-reply.ts';

export interface OutboundRouterOptions {
  readonly logger: Logger;
  /** How to wait between retries; tests pass a fake that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts for a retryable failure before the message is parked as failed. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  /**
   * Milliseconds to wait after each message sent on a platform before the next one in its queue,
   * so a broadcast to many groups stays under the platform's rate limit. Unset: no pacing.
   */
  readonly paceMs?: Readonly<Partial<Record<Platform, number>>>;
  /**
   * Asked about every message that finally fails; what it returns is sent instead (on the
   * queue that failed, so nothing is reordered). A feature turns an unreachable recall DM into a
   * moderator task this way. Should return nothing for its own replacements.
   */
  readonly onUndeliverable?: (failed: FailedOutbound) => readonly Outbound[];
}

/** How one outbound message ended: sent, or parked in `failed` with the reason. */
export type DeliveryResult = { readonly out: Outbound; readonly ok: true } | { readonly out: Outbound; readonly ok: false; readonly error: string };

/** A message the platform would not take after every retry; kept so an operator can see it. */
export interface FailedOutbound {
  readonly out: Outbound;
  readonly error: string;
}

/** How many finally failed messages `failed` keeps (the newest). */
const MAX_FAILED_KEPT = 1000;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends outbound messages through the adapter of their platform, one queue per platform so order
 * is kept. Rate limits and network errors are retried with backoff; a DM the platform refuses
 * becomes a mention in the fallback group. Nothing is dropped silently: what finally fails is
 * logged and kept in `failed`.
 */
export class OutboundRouter {
  private readonly adapters = new Map<Platform, PlatformAdapter>();
  /** One queue per destination chat, or per platform where the platform is paced (see `queueKey`). */
  private readonly queues = new Map<string, Promise<void>>();
  /** The newest messages that finally failed (at most `MAX_FAILED_KEPT`), for operators and tests. */
  readonly failed: FailedOutbound[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly settledListeners: ((result: DeliveryResult) => void)[] = [];

  constructor(private readonly options: OutboundRouterOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 500;
  }

  register(adapter: PlatformAdapter): void {
    this.adapters.set(adapter.platform, adapter);
  }

  adapter(platform: Platform): PlatformAdapter | undefined {
    return this.adapters.get(platform);
  }

  /** Every registered adapter (jobs that ask platforms something, such as member lists). */
  registered(): PlatformAdapter[] {
    return [...this.adapters.values()];
  }

  /**
   * Queues the messages in order and resolves when each has been sent or has finally failed, with
   * one result per message (callers that only need "done" may ignore it).
   */
  async deliver(outs: readonly Outbound[]): Promise<DeliveryResult[]> {
    return Promise.all(outs.map((out) => this.enqueue(out)));
  }

  /**
   * Calls `listener` with every message's final result, including messages a handler emitted and
   * the dispatcher delivered, so a feature can record per-message outcomes it did not send itself.
   */
  onSettled(listener: (result: DeliveryResult) => void): void {
    this.settledListeners.push(listener);
  }

  /**
   * Messages to one chat keep their order; different chats do not wait for each other, so a group
   * held back by its platform's per-chat rate limit (Telegram: about 20 a minute) does not delay
   * replies in other groups. A platform with `paceMs` is one paced line for all its chats.
   */
  private queueKey(out: Outbound): string {
    const platform = platformOf(out);
    if ((this.options.paceMs?.[platform] ?? 0) > 0) return platform;
    return isToUser(out) ? `${platform}:dm:${out.user.userId}` : `${platform}:${out.chat.chatId}`;
  }

  private enqueue(out: Outbound): Promise<DeliveryResult> {
    const platform = platformOf(out);
    const key = this.queueKey(out);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      const error = await this.sendOne(out);
      const pace = this.options.paceMs?.[platform] ?? 0;
      if (pace > 0) await this.sleep(pace);
      const result: DeliveryResult = error === undefined ? { out, ok: true } : { out, ok: false, error };
      for (const listener of this.settledListeners) {
        try {
          listener(result);
        } catch (err) {
          this.options.logger.error({ err }, 'outbound result listener failed');
        }
      }
      return result;
    });
    const settled = next.then(() => undefined);
    this.queues.set(key, settled);
    // Forget an idle queue so the map does not grow with every chat ever written to.
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  /** Sends one message with retries; resolves to the error when it was finally parked. */
  private async sendOne(out: Outbound): Promise<string | undefined> {
    const adapter = this.adapters.get(platformOf(out));
    if (!adapter) return this.park(out, `no adapter for ${platformOf(out)}`);
    if (out.type === 'dm' && !adapter.capabilities.has('dm')) return this.fallback(adapter, out, 'no dm capability');
    for (let attempt = 1; ; attempt++) {
      try {
        await adapter.send(fitToPlatform(out, adapter.capabilities));
        return undefined;
      } catch (err) {
        const e = err instanceof AdapterError ? err : new AdapterError(adapter.platform, 'unknown', String(err));
        if (out.type === 'dm' && e.code === 'forbidden') return this.fallback(adapter, out, e.message);
        if (!e.retryable || attempt >= this.maxAttempts) return this.park(out, e.message);
        const delay = e.retryAfterMs ?? this.baseDelayMs * 2 ** (attempt - 1);
        this.options.logger.warn({ platform: adapter.platform, code: e.code, attempt, delay }, 'outbound retry');
        await this.sleep(delay);
      }
    }
  }

  private async fallback(adapter: PlatformAdapter, out: Extract<Outbound, { type: 'dm' }>, why: string): Promise<string | undefined> {
    if (!out.fallbackChat) return this.park(out, `dm refused and no fallback group: ${why}`);
    this.options.logger.info({ user: out.user, why }, 'dm refused, mentioning in group instead');
    const mention: Outbound = {
      type: 'send',
      chat: out.fallbackChat,
      body: [seg.mention(out.user, out.name ?? out.user.userId), seg.text(' '), ...out.body],
    };
    return this.sendOne(mention);
  }

  /** Keeps a finally failed message, then sends what `onUndeliverable` offers instead. */
  private async park(out: Outbound, error: string): Promise<string> {
    const failed = { out, error };
    this.failed.push(failed);
    // Keep the latest failures for operators, not every one since start: a platform down for days
    // must not grow memory without bound (features that need every failure record their own).
    if (this.failed.length > MAX_FAILED_KEPT) this.failed.splice(0, this.failed.length - MAX_FAILED_KEPT);
    this.options.logger.error({ out, error }, 'outbound failed');
    for (const instead of this.options.onUndeliverable?.(failed) ?? []) await this.sendOne(instead);
    return error;
  }
}

/** The platform an outbound message goes to. */
export function platformOf(out: Outbound): Platform {
  return isToUser(out) ? out.user.platform : out.chat.platform;
}
