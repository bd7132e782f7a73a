import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * One-time codes that link a member's identity on another platform: made with `/link` in a DM,
 * redeemed with `/link <code>` in a DM on the other platform, then confirmed. Only a hash of the
 * secret half is kept; the lookup half finds the code, so wrong guesses count against it.
 */
export const linkCodes = sqliteTable(
  'link_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Who made the code (the member the other identity joins). */
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    /** The first half of the code, as shown: finds the code. */
    lookup: text('lookup').notNull(),
    /** sha-256 of the whole code. */
    secretHash: text('secret_hash').notNull(),
    /** `open` → `claimed` (redeemed, waiting for confirmation) → `used`; or `locked`, `replaced`, `void`. */
    status: text('status').notNull(),
    failures: integer('failures').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    claimedBy: integer('claimed_by'),
    claimedAt: integer('claimed_at'),
    usedAt: integer('used_at'),
  },
  (t) => [index('link_codes_lookup').on(t.lookup, t.status), index('link_codes_member').on(t.memberId, t.createdAt)],
);

/** Every code redeemed, right or wrong, by who tried: the rate limit against guessing. */
export const linkAttempts = sqliteTable(
  'link_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    at: integer('at').notNull(),
    ok: integer('ok').notNull(),
  },
  (t) => [index('link_attempts_member').on(t.memberId, t.at)],
);
