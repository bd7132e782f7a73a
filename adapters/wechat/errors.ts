import { AdapterError } from '../../src/core/errors.ts';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * wechaty-puppet-mock emits `no payload found for id …@chatroom` on every room-join and
 * room-leave (its room `sync()` asks for a dirty room payload it keeps elsewhere), on the client
 * and, through a puppet service, on the server too; the join or leave is still delivered. Such
 * errors are logged at debug level, not as failures.
 */
export function isBenignPuppetError(err: unknown): boolean {
  return /no payload found for id \S*@chatroom/.test(messageOf(err));
}

/**
 * A lost puppet connection: wechaty-puppet-service's gRPC stream reports `CANCELLED` when the
 * server goes away, then `UNAVAILABLE` while it cannot reconnect (gRPC status 1 and 14), and
 * socket errors surface as ECONNREFUSED / ECONNRESET.
 */
export function isConnectionLoss(err: unknown): boolean {
  const m = messageOf(err);
  const code = (err as { code?: unknown } | null)?.code;
  return code === 1 || code === 4 || code === 14 || /\b(CANCELLED|UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|ECONNRESET|EPIPE)\b|ready state|not logged ?in|NOPUPPET/i.test(m);
}

/**
 * Maps what wechaty and its puppets throw to the core's AdapterError. WeChat gives no rate-limit
 * answer a bot could read; a refused send usually means the contact is not a friend (no DM) or
 * the bot is not in the room any more.
 */
export function toAdapterError(err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const m = messageOf(err);
  if (isConnectionLoss(err)) return new AdapterError('wechat', 'network', m);
  if (/not (a )?friend|friend.*(not|no)|blocked|forbidden|permission/i.test(m)) return new AdapterError('wechat', 'forbidden', m);
  if (/not found|not exist|no (contact|room)/i.test(m)) return new AdapterError('wechat', 'not_found', m);
  return new AdapterError('wechat', 'unknown', m);
}
