import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { AdapterError } from '../../src/core/errors.ts';

/** Discord JSON error codes that mean "not allowed" rather than "broken". */
const FORBIDDEN_CODES = new Set([
  50001, // Missing Access
  50007, // Cannot send messages to this user (DMs closed, or no shared guild)
  50013, // Missing Permissions (role hierarchy, channel overwrites)
  50278, // Cannot send messages in a thread / channel the bot cannot see
]);

/** Unknown Channel, Guild, Member, Message, User, Role, Invite, Webhook. */
const NOT_FOUND_CODES = new Set([10003, 10004, 10007, 10008, 10011, 10013, 10006, 10015]);

/**
 * Maps what discord.js throws to the core's AdapterError, so features never see an SDK error.
 * discord.js waits out 429s itself; only a wait longer than the adapter holds a request
 * (`rejectOnRateLimit`) arrives here, as `rate_limited` with its `retryAfter`, so the core's
 * router waits instead, once. A DM refused with 50007 is `forbidden`: the router falls back to a
 * mention in the group.
 */
export function toAdapterError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  if (err instanceof RateLimitError) {
    return new AdapterError('discord', 'rate_limited', `${err.method} ${err.route}: rate limited`, err.retryAfter);
  }
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : Number(err.code);
    const what = `${err.method.toUpperCase()} ${new URL(err.url).pathname}: ${code} ${err.message}`;
    if (err.status === 429) return new AdapterError('discord', 'rate_limited', what);
    if (err.status === 403 || FORBIDDEN_CODES.has(code)) return new AdapterError('discord', 'forbidden', what);
    if (err.status === 404 || NOT_FOUND_CODES.has(code)) return new AdapterError('discord', 'not_found', what);
    if (err.status >= 500) return new AdapterError('discord', 'network', what);
    return new AdapterError('discord', 'unknown', what);
  }
  if (err instanceof HTTPError) return new AdapterError('discord', err.status >= 500 ? 'network' : 'unknown', `${err.method} ${err.url}: ${err.status} ${err.message}`);
  if (err instanceof Error && isNetworkError(err)) return new AdapterError('discord', 'network', err.message);
  return new AdapterError('discord', 'unknown', err instanceof Error ? err.message : String(err));
}

/** undici's connection failures and aborted (timed-out) requests. */
function isNetworkError(err: Error): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = (err as { code?: string }).code ?? cause?.code ?? '';
  return err.name === 'AbortError' || /^(ECONN|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|UND_ERR)/.test(code) || /fetch failed|socket hang up|other side closed/i.test(err.message);
}
