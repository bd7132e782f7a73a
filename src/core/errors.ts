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

/**
 * - `unsupported`: the platform cannot do this at all (not retried).
 * - `needs_staff`: only a person can do it (WeChat: adding someone to a room); the router hands it
 *   to whoever handles undeliverable messages as a staff task.
 * - `not_logged_in`: the account is not logged in yet (a QR login is pending); retried later.
 * - `banned`: the platform has blocked the account; not retried.
 */
export type AdapterErrorCode =
  | 'rate_limited'
  | 'forbidden'
  | 'not_found'
  | 'network'
  | 'unknown'
  | 'unsupported'
  | 'needs_staff'
  | 'not_logged_in'
  | 'banned';

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
    return this.code === 'rate_limited' || this.code === 'network' || this.code === 'not_logged_in';
  }
}
