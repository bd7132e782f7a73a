import { desc } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/** The current balance, kept in the same transaction as every ledger row. */
export const balances = sqliteTable(
  'balances',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    balance: integer('balance').notNull().default(0),
    /** Points ever earned (spends and refunds do not count): what all-time ranks use. */
    lifetime: integer('lifetime').notNull().default(0),
  },
  // In the all-time board's order, so the top ten is an index walk, not a sort of every member.
  (t) => [index('balances_lifetime').on(desc(t.lifetime), t.memberId)],
);

/**
 * Append-only points ledger. `(reason, sourceKey)` is unique, so the event that caused a payment
 * can never pay twice; corrections are new rows.
 */
export const ledger = sqliteTable(
  'ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    delta: integer('delta').notNull(),
    reason: text('reason').notNull(),
    sourceKey: text('source_key').notNull(),
    actorMemberId: integer('actor_member_id'),
    note: text('note'),
    /** Whether the row counts towards lifetime earnings and leaderboards. */
    earned: integer('earned').notNull().default(0),
    at: integer('at').notNull(),
  },
  (t) => [
    uniqueIndex('ledger_reason_source').on(t.reason, t.sourceKey),
    index('ledger_member_at').on(t.memberId, t.at),
    index('ledger_at').on(t.at),
  ],
);

/**
 * Points earned per member per local week (weeks start on Monday in the community's zone), kept by
 * `credit` in the same transaction as the ledger row: the weekly board reads its top ten from an
 * index instead of summing a week of ledger rows (at a million members, hundreds of thousands).
 */
export const weeklyPoints = sqliteTable(
  'points_weekly',
  {
    week: text('week').notNull(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    points: integer('points').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.week, t.memberId] }), index('points_weekly_board').on(t.week, desc(t.points), t.memberId)],
);
