import { HttpError, type Transformer } from 'grammy';
import type { Logger } from '../../src/core/logger.ts';
import type { ThrottleTiming } from './throttle.ts';

export interface ReconnectOptions {
  readonly timing: ThrottleTiming;
  readonly logger: Logger;
  /** The longest pause between attempts. */
  readonly maxDelayMs?: number;
  /** True once the adapter is stopping: the final confirming call is not retried forever. */
  readonly stopping: () => boolean;
}

/**
 * Long polling through a lost connection: a getUpdates call that fails on the network (or with a
 * 5xx) is retried with exponential backoff capped at `maxDelayMs`, logged once when the connection
 * goes and once when it is back. grammY's own polling loop would retry every 3 s, and auto-retry's
 * backoff grows to an hour, which after a long outage leaves the bot deaf for too long.
 */
export function reconnectingPolls(options: ReconnectOptions): Transformer {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  return async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    let failures = 0;
    for (;;) {
      let problem: string;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || res.error_code < 500) {
          if (failures > 0) options.logger.info({ failures }, 'telegram: connection to the Bot API is back');
          return res;
        }
        problem = `${res.error_code} ${res.description}`;
      } catch (err) {
        if (!(err instanceof HttpError) || signal?.aborted || options.stopping()) throw err;
        problem = err.message;
      }
      if (options.stopping()) throw new Error(`telegram: stopping after a failed getUpdates (${problem})`);
      failures++;
      const delay = Math.min(maxDelayMs, 1000 * 2 ** (failures - 1));
      options.logger.warn({ failures, delay, problem }, 'telegram: getUpdates failed, reconnecting');
      // grammY types its signal with the abort-controller polyfill's class; it is the same interface.
      await options.timing.sleep(delay, signal as AbortSignal | undefined);
    }
  };
}
