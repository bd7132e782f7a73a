import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/** A campaign's states: `scheduled` (before start), `running`, `judging` (ended, waiting for moderators' picks), `closed` (results out). */
export const CAMPAIGN_STATUSES = ['scheduled', 'running', 'judging', 'closed'] as const;

/** An entry's states; staff read them (`campaign.entry_status.<status>`). */
export const ENTRY_STATUSES = ['accepted', 'pending', 'rejected', 'duplicate', 'capped'] as const;

/**
 * One row per campaign. The definition (from the pack or `/campaign new`) is JSON; pack campaigns
 * are refreshed from their files at start until they close. `announcedAt`, `remindedUntil` and
 * `closedAt` record what the timer has done, so a restart neither repeats nor skips it; `seed` is
 * the draw's seed, recorded when the winners are drawn.
 */
export const campaigns = sqliteTable('campaigns', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  definition: text('definition').notNull(),
  status: text('status').notNull(),
  announcedAt: integer('announced_at'),
  /** The last reminder instant already sent. */
  remindedUntil: integer('reminded_until'),
  endedAt: integer('ended_at'),
  closedAt: integer('closed_at'),
  closedBy: integer('closed_by'),
  seed: text('seed'),
  createdAt: integer('created_at').notNull(),
  createdBy: integer('created_by'),
});

/**
 * A message recognised as an entry, once per (campaign, message): the event key is unique per
 * campaign, so a redelivered message is one entry. Entries that earned nothing (`duplicate`,
 * `capped`, `rejected`) are kept so staff can see why.
 */
export const campaignEntries = sqliteTable(
  'campaign_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    chatKey: text('chat_key').notNull(),
    messageId: text('message_id').notNull(),
    eventKey: text('event_key').notNull(),
    text: text('text').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status').notNull(),
    points: integer('points').notNull(),
    at: integer('at').notNull(),
    featuredAt: integer('featured_at'),
    pickedBy: integer('picked_by'),
    reviewedBy: integer('reviewed_by'),
  },
  (t) => [
    uniqueIndex('campaign_entries_event').on(t.campaignId, t.eventKey),
    index('campaign_entries_member').on(t.campaignId, t.memberId),
    index('campaign_entries_message').on(t.chatKey, t.messageId),
  ],
);

/** One reaction per member and entry, however often it is redelivered or repeated. */
export const campaignReactions = sqliteTable(
  'campaign_reactions',
  {
    entryId: integer('entry_id')
      .notNull()
      .references(() => campaignEntries.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.memberId] })],
);

/** The winners, decided once at close: a second close reads them instead of choosing again. */
export const campaignWinners = sqliteTable(
  'campaign_winners',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    place: integer('place').notNull(),
    entryId: integer('entry_id')
      .notNull()
      .references(() => campaignEntries.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    /** Reactions at close, for `reactions`; null otherwise. */
    score: integer('score'),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.place] })],
);

/**
 * How a member lets staff quote their entries (`/showcase`): `name` (quoted with their name),
 * `anonymous` (quoted without it; the default), `off` (never quoted).
 */
export const showcaseConsent = sqliteTable('showcase_consent', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  consent: text('consent').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
