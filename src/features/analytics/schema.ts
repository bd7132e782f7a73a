import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * One row per member the community has seen in a group (the staff chat aside): when and how they
 * arrived, recorded when it happens because memberships keep only the latest join. `source` is
 * `joined` (a plain join event), `invited` (the platform named an inviter), `invite-link` (a named
 * invite link or code) or `first-seen` (spoke or reacted before any join event: counted from then).
 * `windows` and `lastDay` are kept by the daily rollup: bit 0 = active on day 1 after joining,
 * bit 1 = days 7–13, bit 2 = days 30–36, bit 3 = days 90–96.
 */
export const analyticsMembers = sqliteTable(
  'analytics_members',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    joinedAt: integer('joined_at').notNull(),
    /** Local day (community zone) of `joinedAt`; null only for rows back-filled by the migration until the service fills it. */
    joinDay: text('join_day'),
    source: text('source').notNull(),
    inviteCode: text('invite_code'),
    inviterId: integer('inviter_id'),
    /** The first group they were seen in, and its platform. */
    chatKey: text('chat_key').notNull(),
    platform: text('platform').notNull(),
    /** 1 while they are in no group of the community (an open row in `analytics_leaves`). */
    away: integer('away').notNull().default(0),
    windows: integer('windows').notNull().default(0),
    /** The latest active day the rollup has counted for them. */
    lastDay: text('last_day'),
  },
  // (join_day, windows, then the segment columns) covers the cohort counts, whole or split by
  // group, platform or source, so a million members are one index scan with no table look-ups;
  // (source, join_day) finds referred joiners without reading the others.
  (t) => [index('analytics_members_join_day').on(t.joinDay, t.windows, t.chatKey, t.platform, t.source), index('analytics_members_source').on(t.source, t.joinDay)],
);

/** Each time a member left the community (their last group); `backAt` when they came back. */
export const analyticsLeaves = sqliteTable(
  'analytics_leaves',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    leftAt: integer('left_at').notNull(),
    /** Local day of `leftAt`; null only for back-filled rows until the service fills it. */
    leftDay: text('left_day'),
    backAt: integer('back_at'),
    backDay: text('back_day'),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.leftAt] })],
);

/**
 * The daily rollup, one row per local day once that day is over: distinct members active,
 * members whose first active day of the week it was (so a week's distinct actives is a sum), and
 * UGC. Written by the rollup job in the same transaction as the members' windows.
 */
export const analyticsDays = sqliteTable('analytics_days', {
  day: text('day').primaryKey(),
  active: integer('active').notNull(),
  weekFirsts: integer('week_firsts').notNull(),
  posts: integer('posts').notNull(),
  paidPosts: integer('paid_posts').notNull(),
  shares: integer('shares').notNull(),
  paidShares: integer('paid_shares').notNull(),
});

/** Points credited and debited per local day and ledger reason. */
export const analyticsPointsDays = sqliteTable(
  'analytics_points_days',
  {
    day: text('day').notNull(),
    reason: text('reason').notNull(),
    credited: integer('credited').notNull(),
    debited: integer('debited').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.reason] })],
);

/** Members per tier at the end of each rolled-up week (the tier ladder's history from then on). */
export const analyticsTierWeeks = sqliteTable(
  'analytics_tier_weeks',
  {
    week: text('week').notNull(),
    tier: text('tier').notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ columns: [t.week, t.tier] })],
);

/**
 * Tier moves per local day (from the ladder's audited promotions, demotions and operator moves),
 * staff left out: written by the daily rollup, summed per week by the report.
 */
export const analyticsTierMoves = sqliteTable(
  'analytics_tier_moves',
  {
    day: text('day').notNull(),
    fromTier: text('from_tier').notNull(),
    toTier: text('to_tier').notNull(),
    /** 1 when an operator moved them (`/tier @member <tier>`), 0 for the daily review. */
    manual: integer('manual').notNull(),
    /** 1 when `to_tier` is above `from_tier`. */
    up: integer('up').notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.fromTier, t.toTier, t.manual] })],
);

/** The rollup's progress: `rolled_through` is the last day written to `analytics_days`. */
export const analyticsState = sqliteTable('analytics_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Weekly staff digests, one row per week claimed before anything is sent (like content runs), so
 * a double fire or a restart posts once.
 */
export const analyticsDigests = sqliteTable('analytics_digests', {
  week: text('week').primaryKey(),
  slot: integer('slot').notNull(),
  chatKey: text('chat_key').notNull(),
  body: text('body').notNull(),
  createdAt: integer('created_at').notNull(),
});
