import { GrammyError, HttpError } from 'grammy';
import { AdapterError } from '../../src/core/errors.ts';

/**
 * Maps what grammY throws to the core's AdapterError, so features never see an SDK error.
 * 403 covers both "bot was blocked by the user" and "bot can't initiate conversation with a user"
 * (a member who never pressed Start): the router then falls back to a mention in the group.
 */
export function toAdapterError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  if (err instanceof GrammyError) {
    const what = `${err.method}: ${err.description}`;
    if (err.error_code === 429) {
      const after = err.parameters.retry_after;
      return new AdapterError('telegram', 'rate_limited', what, after === undefined ? undefined : after * 1000);
    }
    if (err.error_code === 403) return new AdapterError('telegram', 'forbidden', what);
    if (err.error_code === 404 || (err.error_code === 400 && /not found|migrated/i.test(err.description))) {
      return new AdapterError('telegram', 'not_found', what);
    }
    if (err.error_code >= 500) return new AdapterError('telegram', 'network', what);
    return new AdapterError('telegram', 'unknown', what);
  }
  if (err instanceof HttpError) return new AdapterError('telegram', 'network', err.message);
  return new AdapterError('telegram', 'unknown', err instanceof Error ? err.message : String(err));
}
