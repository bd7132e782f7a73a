import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/** A member's pending `/forget`: the code that confirms it, valid for a few minutes. */
export const forgetRequests = sqliteTable('forget_requests', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  code: text('code').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  failures: integer('failures').notNull().default(0),
});
