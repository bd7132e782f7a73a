import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/** One row per member per local day they checked in. */
export const checkins = sqliteTable(
  'checkins',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    day: text('day').notNull(),
    chatKey: text('chat_key').notNull(),
    at: integer('at').notNull(),
    streak: integer('streak').notNull(),
    points: integer('points').notNull(),
    /** 1 for the first check-in in this group that day. */
    position: integer('position').notNull(),
    eventKey: text('event_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.day] }), index('checkins_chat_day_position').on(t.chatKey, t.day, t.position), index('checkins_day_streak').on(t.day, t.streak)],
);
