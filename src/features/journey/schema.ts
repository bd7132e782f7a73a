import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * Members on the journey: everyone the bot saw join a group (not people it first met already in
 * one, who are no newcomers). The calendar, stage messages and anniversaries count days from
 * `joinDay`, the local day of the join in `zone` (the group's zone, else the community's).
 */
export const journeyMembers = sqliteTable(
  'journey_members',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    chatKey: text('chat_key').notNull(),
    joinedAt: integer('joined_at').notNull(),
    joinDay: text('join_day').notNull(),
    zone: text('zone').notNull(),
  },
  // The hourly pass asks, per zone, who joined on one local day.
  (t) => [index('journey_members_day').on(t.zone, t.joinDay)],
);

/**
 * Every journey moment of a member — the welcome, a calendar message, a stage, an anniversary, a
 * milestone, a birthday of one year, a monthly recap — claimed in the transaction that decides it
 * and records its message in the outbox, so a restart or a replay sends none of them twice.
 */
export const journeySent = sqliteTable(
  'journey_sent',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    /** `welcome`, `calendar:<id>`, `stage:<stage>`, `anniversary:<days>`, `milestone:<kind>:<n>`, `birthday:<year>`, `recap:<YYYY-MM>`. */
    moment: text('moment').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.moment] })],
);

/** Newcomers waiting for their group's welcome, which greets everyone who joined within a few minutes at once. */
export const welcomeQueue = sqliteTable(
  'welcome_queue',
  {
    chatKey: text('chat_key').notNull(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatKey, t.memberId] })],
);

/**
 * Birthdays members opted in to with `/birthday MM-DD`: the month and day only, never the year,
 * and the zone they are greeted in (their group's at opt-in). `/birthday off` deletes the row.
 */
export const birthdays = sqliteTable(
  'birthdays',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    monthDay: text('month_day').notNull(),
    zone: text('zone').notNull(),
    optedAt: integer('opted_at').notNull(),
  },
  (t) => [index('birthdays_day').on(t.zone, t.monthDay)],
);

/** Members who asked for the monthly recap DM (`/recap on`); `/recap off` deletes the row. */
export const recapOptins = sqliteTable('recap_optins', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  optedAt: integer('opted_at').notNull(),
});
