import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

/**
 * Stock per reward, seeded from `rewards.yaml` the first time a sku is seen and then changed only
 * by redemptions, refunds and `/stock`. Null means unlimited. `code` rewards count unused codes.
 */
/** A redemption's states; staff read them (`shop.status.<status>`). */
export const REDEMPTION_STATUSES = ['pending', 'fulfilled', 'rejected'] as const;

export const rewardStock = sqliteTable('reward_stock', {
  sku: text('sku').primaryKey(),
  stock: integer('stock'),
});

/** Coupon codes imported from CSV; a code belongs to a redemption once it is handed out. */
export const rewardCodes = sqliteTable(
  'reward_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sku: text('sku').notNull(),
    code: text('code').notNull(),
    redemptionId: integer('redemption_id'),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [uniqueIndex('reward_codes_sku_code').on(t.sku, t.code), index('reward_codes_free').on(t.sku, t.redemptionId)],
);

/** A redemption: `fulfilled`, `pending` (manual rewards waiting for a moderator) or `rejected` (refunded). */
export const redemptions = sqliteTable(
  'redemptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    sku: text('sku').notNull(),
    qty: integer('qty').notNull(),
    cost: integer('cost').notNull(),
    status: text('status').notNull(),
    /** The codes handed out, newline-separated, for `code` rewards. */
    code: text('code'),
    chatKey: text('chat_key').notNull(),
    eventKey: text('event_key').notNull(),
    at: integer('at').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: integer('decided_at'),
    reason: text('reason'),
    /** What the member sent (`/ship`) for a reward whose config collects shipping details. */
    details: text('details'),
    detailsAt: integer('details_at'),
  },
  (t) => [uniqueIndex('redemptions_event').on(t.eventKey), index('redemptions_member_sku').on(t.memberId, t.sku, t.at), index('redemptions_status').on(t.status)],
);

/** How far a reward's stock has fallen: above the `lowStock` line, at or below it, or none left. */
export const STOCK_LEVELS = ['ok', 'low', 'out'] as const;
export type StockLevel = (typeof STOCK_LEVELS)[number];

/**
 * The stock level staff were last told about, per reward, so each crossing (down to the
 * `lowStock` line, down to zero) is announced once however many sales, imports or `/stock`
 * changes follow; stock rising above the line again resets it. `seq` counts the alerts, and makes
 * each one's outbox key.
 */
export const stockAlerts = sqliteTable('stock_alerts', {
  sku: text('sku').primaryKey(),
  level: text('level').notNull(),
  seq: integer('seq').notNull(),
  at: integer('at').notNull(),
});
