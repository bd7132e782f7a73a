import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * A member's tier as the tiers feature decided it: which tier, since when, why, and the review's
 * state (a manual decision's hold, a keep-rule warning and its grace). A member without a row is
 * on the tier they started on (`members.tier`, which mirrors this table for every other feature).
 */
export const memberTiers = sqliteTable('member_tiers', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  tier: text('tier').notNull(),
  since: integer('since').notNull(),
  /** `promoted`, `demoted` or `manual`. */
  reason: text('reason').notNull(),
  note: text('note'),
  decidedBy: integer('decided_by'),
  /** Until when the daily review leaves a manual decision alone. */
  manualUntil: integer('manual_until'),
  /** When the member was warned that they no longer meet the keep rules. */
  warnedAt: integer('warned_at'),
  /** When the warned member is demoted unless they meet the keep rules again. */
  graceUntil: integer('grace_until'),
  /**
   * Until when the member surely still meets their keep rules (active days fall by at most one a
   * day), so the daily review need not judge them again before then.
   */
  keepOkUntil: integer('keep_ok_until'),
});

/**
 * The door to a tier's group opened for a promoted member: how (an invite link by DM, a staff
 * task…), and its state — `sent`, `joined`, `expired` (sent again once first), `closed`.
 */
export const tierInvites = sqliteTable(
  'tier_invites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    tier: text('tier').notNull(),
    chatKey: text('chat_key'),
    via: text('via').notNull(),
    status: text('status').notNull(),
    sentAt: integer('sent_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    resends: integer('resends').notNull().default(0),
    joinedAt: integer('joined_at'),
  },
  (t) => [index('tier_invites_member').on(t.memberId, t.status), index('tier_invites_open').on(t.status, t.expiresAt)],
);
