import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/** Flag statuses. `open`, `snoozed` and `recalled` are active: a member has at most one active flag. */
export const FLAG_STATUSES = ['open', 'recalled', 'snoozed', 'dismissed', 'returned'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/**
 * A member found quiet by the daily scan, with the risk explanation computed at flag time, the
 * moderator's review and the recall's measured outcome. Never deleted: stats read the history.
 */
export const quietFlags = sqliteTable(
  'quiet_flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status').$type<FlagStatus>().notNull().default('open'),
    flaggedAt: integer('flagged_at').notNull(),
    /** The instant quietness is measured from: max(joined, tracking started, last activity). One flag per spell. */
    quietSince: integer('quiet_since').notNull(),
    tier: text('tier').notNull(),
    daysQuiet: integer('days_quiet').notNull(),
    /** Their usual gap in days between active days (null with fewer than two active days). */
    usualGapDays: real('usual_gap_days'),
    activeDays: integer('active_days').notNull().default(0),
    /** What "quiet for long" is measured against: the usual gap, or the tier threshold without a baseline. */
    baselineDays: real('baseline_days').notNull(),
    /** The check-in streak they had going when they went quiet. */
    streakLost: integer('streak_lost').notNull().default(0),
    balance: integer('balance').notNull().default(0),
    lifetime: integer('lifetime').notNull().default(0),
    /** new (0–7 days), growing (8–30), established (31+), by days since they joined. */
    stage: text('stage').notNull(),
    highValue: integer('high_value', { mode: 'boolean' }).notNull().default(false),
    /** Days quiet at flag time divided by `baselineDays`: higher is more urgent. Queues rank by the current value. */
    risk: real('risk').notNull(),
    snoozedUntil: integer('snoozed_until'),
    reviewedBy: integer('reviewed_by'),
    reviewedAt: integer('reviewed_at'),
    note: text('note'),
    recallTemplate: text('recall_template'),
    recalledAt: integer('recalled_at'),
    recalledBy: integer('recalled_by'),
    /** `dm` (the router mentions them in `recall_chat` if the DM is refused) or `task` (a moderator follows up by hand). */
    recallVia: text('recall_via'),
    recallChat: text('recall_chat'),
    /** The comeback bonus offered with the recall (0 for none). */
    bonus: integer('bonus').notNull().default(0),
    bonusPaidAt: integer('bonus_paid_at'),
    returnedAt: integer('returned_at'),
    /** The interaction that brought them back: messages, checkins, shares or reactions. */
    returnedVia: text('returned_via'),
  },
  (t) => [
    uniqueIndex('quiet_flags_active_member')
      .on(t.memberId)
      .where(sql`status IN ('open', 'snoozed', 'recalled')`),
    uniqueIndex('quiet_flags_member_spell').on(t.memberId, t.quietSince),
    // The open queue is ranked by the current risk, computed at read time, so the index serves the
    // status filter alone: by status and id, a scan's new flags append to it instead of landing
    // at random places in a (status, risk) order.
    index('quiet_flags_status').on(t.status),
  ],
);
