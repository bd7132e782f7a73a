import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * Every post that could earn (long enough or media), paid or not: the cooldown, the daily cap and
 * the near-duplicate filter read it.
 */
/** A share claim's states: paid at once, or pending review and then approved or rejected; staff read them (`earning.claim_status.<status>`). */
export const CLAIM_STATUSES = ['paid', 'pending', 'approved', 'rejected'] as const;

export const earnPosts = sqliteTable(
  'earn_posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    day: text('day').notNull(),
    at: integer('at').notNull(),
    /** Normalised text (lowercase, no spaces or punctuation) the duplicate filter compares. */
    fingerprint: text('fingerprint').notNull(),
    paid: integer('paid').notNull().default(0),
    eventKey: text('event_key').notNull(),
  },
  // By day for the retention report's daily UGC rollup.
  (t) => [index('earn_posts_member_at').on(t.memberId, t.at), uniqueIndex('earn_posts_event').on(t.eventKey), index('earn_posts_day').on(t.day, t.paid)],
);

/**
 * Shares (links, forwards, cards). Paid at once (`paid`) or queued for review (`pending` →
 * `approved` | `rejected`).
 */
export const shareClaims = sqliteTable(
  'share_claims',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    chatKey: text('chat_key').notNull(),
    day: text('day').notNull(),
    at: integer('at').notNull(),
    url: text('url'),
    status: text('status').notNull(),
    eventKey: text('event_key').notNull(),
    reviewedBy: integer('reviewed_by'),
    reviewedAt: integer('reviewed_at'),
  },
  (t) => [
    uniqueIndex('share_claims_event').on(t.eventKey),
    index('share_claims_member_day').on(t.memberId, t.day),
    index('share_claims_status').on(t.status),
    index('share_claims_day').on(t.day, t.status),
  ],
);

/** A join that named an inviter or an invite link; the inviter is paid once the newcomer has stayed. */
export const referrals = sqliteTable('referrals', {
  newcomerId: integer('newcomer_id')
    .primaryKey()
    .references(() => members.id),
  inviterId: integer('inviter_id').references(() => members.id),
  inviteCode: text('invite_code'),
  chatKey: text('chat_key').notNull(),
  joinedAt: integer('joined_at').notNull(),
  /** `pending` → `paid` | `void` (the newcomer left first) | `recorded` (no one to pay). */
  status: text('status').notNull(),
  settledAt: integer('settled_at'),
});

/** New-member tasks done, one row per member and task. */
export const memberTasks = sqliteTable(
  'member_tasks',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    task: text('task').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.task] })],
);

/** Boosts started with `/boost`: every earning in scope is multiplied by `factor` until `endsAt`. */
export const boosts = sqliteTable('boosts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  factor: real('factor').notNull(),
  /** A group's chat key, or null for the whole community. */
  chatKey: text('chat_key'),
  startsAt: integer('starts_at').notNull(),
  endsAt: integer('ends_at').notNull(),
  createdBy: integer('created_by'),
});
