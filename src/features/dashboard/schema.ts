import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * One-time sign-in links for the web dashboard, sent by `/dashboard`. Only a hash of the token is
 * stored, so a copy of the database signs nobody in; `used_at` makes each link work once.
 */
export const dashboardLinks = sqliteTable(
  'dashboard_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    /** `sign-in` (a session) or `mydata` (one download of the member's own data, no session). */
    purpose: text('purpose').notNull().default('sign-in'),
  },
  (t) => [index('dashboard_links_expiry').on(t.expiresAt)],
);

/** Signed-in dashboard sessions: the cookie's hash, whose they are, their CSRF token and expiry. */
export const dashboardSessions = sqliteTable(
  'dashboard_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    csrf: text('csrf').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('dashboard_sessions_expiry').on(t.expiresAt)],
);
