import type { Platform } from './ids.ts';

/**
 * A problem the member caused or can fix (wrong arguments, not enough points). Shown to the member
 * in their locale through the message key `code`; never logged as a failure.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(code);
    this.name = 'UserError';
  }
}

export type AdapterErrorCode = 'rate_limited' | 'forbidden' | 'not_found' | 'network' | 'unknown';

/**
 * What an adapter turns every SDK error into, so features never see an SDK error.
 * `retryAfterMs` is set for `rate_limited` when the platform says how long to wait.
 */
export class AdapterError extends Error {
  constructor(
    readonly platform: Platform,
    readonly code: AdapterErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${platform} ${code}: ${message}`);
    this.name = 'AdapterError';
  }

  /** Whether sending again later may succeed. */
  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'network';
  }
}
