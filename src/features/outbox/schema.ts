import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Everything the bot says, written in the same transaction as the change that caused it and sent
 * after commit (the transactional outbox). `(source_key, seq)` is unique: the causing event's key
 * (or a job's slot), so a redelivered event or a job run twice adds nothing. `payload` is the
 * `Outbound` as JSON. `status`: `pending` (to send; `not_before` holds a retry's backoff), `sent`
 * (with the platform's message id where it reports one), `failed` (the platform refused it for good;
 * `error` says why), `expired` (too old to be worth sending: a "good morning" three days late).
 * Settled rows are kept as the delivery record for `delivery.keepDays`, then a daily job
 * (`outbox.retention`) deletes them; pending rows are never deleted.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceKey: text('source_key').notNull(),
    seq: integer('seq').notNull(),
    platform: text('platform').notNull(),
    /** The destination messages are ordered within: `platform:chat-id` or `platform:dm:user-id`. */
    lane: text('lane').notNull(),
    /** `reply`, `staff`, `direct`, `broadcast` or `bulk`: priority, maximum age and policy rules. */
    cls: text('cls').notNull(),
    priority: integer('priority').notNull(),
    /** A feature's reference, handed back with the outcome (`quiet.recall:12`). */
    origin: text('origin'),
    /** A feature's name for what the message is about (`campaigns`), found again by the platform message id once sent. */
    refFeature: text('ref_feature'),
    ref: text('ref'),
    payload: text('payload').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    notBefore: integer('not_before').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
    platformMessageId: text('platform_message_id'),
    error: text('error'),
    /** Personal data (an erasure's answer, a data export): body, address and key are dropped once the message is settled. */
    forgetOnceSent: integer('forget_once_sent').notNull().default(0),
  },
  (t) => [
    uniqueIndex('outbox_source').on(t.sourceKey, t.seq),
    // Partial: only waiting rows (the sender's heads) and only sent rows (the daily caps' counts),
    // so an insert touches one of them, a settle moves a row from one to the other, and the
    // pending index stays as small as the backlog instead of growing with the delivery record.
    index('outbox_pending').on(t.lane, t.id).where(sql`status = 'pending'`),
    index('outbox_sent').on(t.platform, t.sentAt).where(sql`sent_at IS NOT NULL`),
    // Only messages a feature tagged with a ref are ever looked up by their platform id (`refOf`),
    // so only those are indexed: a plain reply's insert and sent mark leave this index alone.
    index('outbox_platform_message').on(t.lane, t.platformMessageId).where(sql`ref_feature IS NOT NULL`),
  ],
);
