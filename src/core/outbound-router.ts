import type { PlatformAdapter } from './adapter.ts';
import { AdapterError } from './errors.ts';
import type { Platform } from './ids.ts';
import type { Logger } from './logger.ts';
import type { Outbound } from './outbound.ts';
import { seg } from './outbound.ts';

export interface OutboundRouterOptions {
  readonly logger: Logger;
  /** How to wait between retries; tests pass a fake that does not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts for a retryable failure before the message is parked as failed. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  /**
   * Asked about every message that finally fails; what it returns is sent instead (on the
   * queue that failed, so nothing is reordered). A feature turns an unreachable recall DM into a
   * moderator task this way. Should return nothing for its own replacements.
   */
  readonly onUndeliverable?: (failed: FailedOutbound) => readonly Outbound[];
}

/** A message the platform would not take after every retry; kept so an operator can see it. */
export interface FailedOutbound {
  readonly out: Outbound;
  readonly error: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends outbound messages through the adapter of their platform, one queue per platform so order
 * is kept. Rate limits and network errors are retried with backoff; a DM the platform refuses
 * becomes a mention in the fallback group. Nothing is dropped silently: what finally fails is
 * logged and kept in `failed`.
 */
export class OutboundRouter {
  private readonly adapters = new Map<Platform, PlatformAdapter>();
  private readonly queues = new Map<Platform, Promise<void>>();
  readonly failed: FailedOutbound[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

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

  /** Queues the messages in order and resolves when each has been sent or has finally failed. */
  async deliver(outs: readonly Outbound[]): Promise<void> {
    await Promise.all(outs.map((out) => this.enqueue(out)));
  }

  private enqueue(out: Outbound): Promise<void> {
    const platform = platformOf(out);
    const previous = this.queues.get(platform) ?? Promise.resolve();
    const next = previous.then(() => this.sendOne(out));
    this.queues.set(platform, next);
    return next;
  }

  private async sendOne(out: Outbound): Promise<void> {
    const adapter = this.adapters.get(platformOf(out));
    if (!adapter) {
      await this.park(out, `no adapter for ${platformOf(out)}`);
      return;
    }
    if (out.type === 'dm' && !adapter.capabilities.has('dm')) {
      await this.fallback(adapter, out, 'no dm capability');
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await adapter.send(out);
        return;
      } catch (err) {
        const e = err instanceof AdapterError ? err : new AdapterError(adapter.platform, 'unknown', String(err));
        if (out.type === 'dm' && e.code === 'forbidden') {
          await this.fallback(adapter, out, e.message);
          return;
        }
        if (!e.retryable || attempt >= this.maxAttempts) {
          await this.park(out, e.message);
          return;
        }
        const delay = e.retryAfterMs ?? this.baseDelayMs * 2 ** (attempt - 1);
        this.options.logger.warn({ platform: adapter.platform, code: e.code, attempt, delay }, 'outbound retry');
        await this.sleep(delay);
      }
    }
  }

  private async fallback(adapter: PlatformAdapter, out: Extract<Outbound, { type: 'dm' }>, why: string): Promise<void> {
    if (!out.fallbackChat) {
      await this.park(out, `dm refused and no fallback group: ${why}`);
      return;
    }
    this.options.logger.info({ user: out.user, why }, 'dm refused, mentioning in group instead');
    const mention: Outbound = {
      type: 'send',
      chat: out.fallbackChat,
      body: [seg.mention(out.user, out.name ?? out.user.userId), seg.text(' '), ...out.body],
    };
    await this.sendOne(mention);
  }

  private async park(out: Outbound, error: string): Promise<void> {
    const failed = { out, error };
    this.failed.push(failed);
    this.options.logger.error({ out, error }, 'outbound failed');
    for (const instead of this.options.onUndeliverable?.(failed) ?? []) await this.sendOne(instead);
  }
}

/** The platform an outbound message goes to. */
export function platformOf(out: Outbound): Platform {
  return out.type === 'dm' || out.type === 'invite' ? out.user.platform : out.chat.platform;
}
