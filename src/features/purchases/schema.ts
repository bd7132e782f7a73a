import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * Purchases operators recorded (the bot cannot see the shop): from `import-purchases` or
 * `/purchase`. `sourceKey` is unique, so re-importing the same file adds nothing.
 */
export const purchases = sqliteTable(
  'purchases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    orders: integer('orders').notNull(),
    amount: real('amount').notNull(),
    /** When the purchase happened (the file's date, or when `/purchase` ran). */
    at: integer('at').notNull(),
    note: text('note'),
    /** `import` or `command`. */
    source: text('source').notNull(),
    sourceKey: text('source_key').notNull(),
    actorMemberId: integer('actor_member_id'),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('purchases_source').on(t.sourceKey), index('purchases_member').on(t.memberId)],
);
