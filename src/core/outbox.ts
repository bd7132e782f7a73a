import type { ChatRef, Platform } from './ids.ts';
import type { Outbound } from './outbound.ts';
import { isToUser } from './outbound.ts';

/**
 * What a message is for, which decides its priority, how long it may wait before it is stale, and
 * which send-policy rules apply (quiet hours hold broadcasts and bulk sends, not replies).
 * `staff` (operators' notices about delivery itself) is exempt from daily caps, so the staff chat
 * hears that a cap was reached even on the day it was.
 */
export const DELIVERY_CLASSES = ['reply', 'staff', 'direct', 'broadcast', 'bulk'] as const;
export type DeliveryClass = (typeof DELIVERY_CLASSES)[number];

/** Lower goes first when messages compete for a platform's budget: a member's reply before a broadcast. */
export const PRIORITY: Readonly<Record<DeliveryClass, number>> = { reply: 0, staff: 1, direct: 2, broadcast: 3, bulk: 4 };

/** How a feature marks a message it emits: its class and an origin it will recognise in results. */
export interface DeliveryTag {
  readonly cls?: DeliveryClass;
  /** A feature's own reference (`content:…`, `quiet.recall:12`), stored with the message and handed back on settle. */
  readonly origin?: string;
  /**
   * The message carries personal data that must not outlive its delivery (the answer to an
   * erasure, a member's data export): once it is sent, or given up on, the outbox keeps only its
   * status and times — no body, no address, no key that names the member.
   */
  readonly forgetOnceSent?: boolean;
  /**
   * What the message is about, for a feature that wants to recognise replies to it (a campaign's
   * announcement in one group): stored with the message and, once it is sent, found again from
   * the platform's message id through `SentRefs`.
   */
  readonly ref?: MessageRef;
}

/** A feature's name for one message it sent: `{ feature: 'campaigns', ref: 'coffee-moment:local:g1' }`. */
export interface MessageRef {
  readonly feature: string;
  readonly ref: string;
}

/**
 * Finds what a message the bot sent was about from the platform's id of it in a chat (the
 * message a member replied to or quoted). Only messages tagged with a `ref` and marked sent with a
 * platform message id are found.
 */
export interface SentRefs {
  refOf(chat: ChatRef, platformMessageId: string): MessageRef | undefined;
}

const tags = new WeakMap<Outbound, DeliveryTag>();

/**
 * Marks an outbound message with its class and origin. Features build messages inside a
 * transaction and the outbox stores them in that same transaction, so the tag travels with the
 * object until it is written down; after that it lives in the outbox row.
 */
export function tagOutbound<T extends Outbound>(out: T, tag: DeliveryTag): T {
  tags.set(out, { ...tags.get(out), ...tag });
  return out;
}

export function tagOf(out: Outbound): DeliveryTag {
  return tags.get(out) ?? {};
}

/** The class a message has when no feature said otherwise. */
export function defaultClass(out: Outbound): DeliveryClass {
  return out.type === 'reply' ? 'reply' : out.type === 'send' ? 'broadcast' : 'direct';
}

/** The destination a message is ordered within: a chat, or the private chat with one user. */
export function laneOf(out: Outbound): string {
  return isToUser(out) ? `${out.user.platform}:dm:${out.user.userId}` : `${out.chat.platform}:${out.chat.chatId}`;
}

/**
 * What an adapter is told beside the message. `idempotencyKey` is stable for one outbox message
 * across every attempt and restart; a platform that deduplicates on a client key (Discord's
 * `nonce` with `enforce_nonce`) passes it on so a resend after a crash is not a duplicate.
 */
export interface SendMeta {
  readonly idempotencyKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** What an adapter may report back: the platform's id of the (last) message it created. */
export interface SendReceipt {
  readonly messageId?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'expired';

/** One stored message as the sender sees it. */
export interface OutboxMessage {
  readonly id: number;
  readonly sourceKey: string;
  readonly lane: string;
  readonly platform: Platform;
  readonly cls: DeliveryClass;
  readonly priority: number;
  readonly origin: string | null;
  readonly out: Outbound;
  readonly attempts: number;
  /** Not before this instant (ms): a retry's backoff. */
  readonly notBefore: number;
  readonly createdAt: number;
}

/** How a stored message ended, for features that record per-message outcomes. */
export interface OutboxResult {
  readonly message: OutboxMessage;
  readonly status: Exclude<OutboxStatus, 'pending'>;
  /** When it was settled (ms): for `sent`, when the platform accepted it (its mark may be written later). */
  readonly at: number;
  readonly error?: string;
}

/** Counts per platform and status, and the oldest pending message, for `/outbox`, logs and `export`. */
export interface OutboxStats {
  readonly platforms: Record<string, { pending: number; sent: number; failed: number; expired: number }>;
  readonly oldestPending: { readonly id: number; readonly platform: Platform; readonly lane: string; readonly createdAt: string; readonly attempts: number; readonly error: string | null } | null;
}

/**
 * The durable store behind the sender. `add` runs inside the caller's transaction (the same one
 * as the state change that caused the messages), keyed by the causing event so a redelivered
 * event adds nothing; the rest is the sender's bookkeeping.
 */
export interface OutboxStore {
  transaction<T>(fn: () => T): T;
  /** Whether a transaction is open on the store's connection (what is written now commits with it). */
  inTransaction(): boolean;
  /**
   * Stores the messages in order under `sourceKey`; returns the ones that were new, as `heads`
   * would read them back (so the sender can send them without reading them back).
   */
  add(sourceKey: string, outs: readonly Outbound[], at: Date): OutboxMessage[];
  /**
   * Rollbacks seen on the store's connection so far, or `undefined` when what is written now
   * could roll back unseen: unchanged after a transaction that added messages means they committed.
   */
  rollbacks(): number | undefined;
  /** The oldest pending message of every lane, best priority first. */
  heads(): OutboxMessage[];
  /** Whether `lane` holds a pending message after message `id`. */
  hasPendingAfter(lane: string, id: number): boolean;
  /**
   * Marks a pending message sent; false when it was no longer pending (the mark was written
   * before), so writing a mark twice changes nothing. `note` says how it went when not as asked (a
   * refused DM sent as a mention instead).
   */
  markSent(id: number, at: number, messageId: string | undefined, note?: string): boolean;
  markRetry(id: number, at: number, notBefore: number, error: string): void;
  markFailed(id: number, at: number, error: string): void;
  markExpired(id: number, at: number): void;
  /** Messages subject to daily caps sent on `platform` (in `lane`, when given) since `since` (ms). */
  sentSince(platform: Platform, since: number, lane?: string): number;
  /** Pending messages on `platform` (in `lane`, when given) subject to daily caps. */
  pendingCount(platform: Platform, lane?: string): number;
  stats(): OutboxStats;
  /** The ref of a sent message by the platform's id of it in `chat`. */
  refOf(chat: ChatRef, platformMessageId: string): MessageRef | undefined;
  /**
   * Deletes at most `limit` settled messages (sent, failed, expired; never pending) last changed
   * before `before` (ms), oldest first; returns how many went.
   */
  deleteSettled(before: number, limit: number): number;
}

/**
 * How the dispatcher, jobs and features hand over what they said: `record` inside the
 * transaction that decided it (so the message exists exactly when the change does), `flush` after
 * commit (wakes the sender; in the simulator and tests it waits until what is due was sent).
 */
export interface Delivery {
  record(sourceKey: string, outs: readonly Outbound[]): void;
  flush(): Promise<void>;
}
