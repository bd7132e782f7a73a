import type { MessageRef } from './i18n.ts';
import type { Platform } from './ids.ts';

/** An error's placeholder values: text, numbers, or other messages (a status) translated for the reader. */
export type ErrorParams = Readonly<Record<string, string | number | MessageRef>>;

/**
 * A problem the member caused or can fix (wrong arguments, not enough points). Shown to the member
 * in their locale through the message key `code`; never logged as a failure.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly params: ErrorParams = {},
  ) {
    super(code);
    this.name = 'UserError';
  }
}

/**
 * A problem with one of the command's arguments found by the handler (a duration that does not
 * parse, one that is missing for this form of the command). The dispatcher shows it as it shows
 * the parser's own argument errors: the argument named in the member's language, the usage line
 * and an example. `code` is the problem's message key (`args.missing`, a feature's own).
 */
export class ArgError extends UserError {
  constructor(
    readonly arg: string,
    code: string,
    params: ErrorParams = {},
  ) {
    super(code, params);
    this.name = 'ArgError';
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
