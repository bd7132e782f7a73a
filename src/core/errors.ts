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
