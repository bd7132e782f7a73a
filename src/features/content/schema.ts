import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per scheduled post run into one group, written BEFORE anything is sent: the primary key
 * `(post, slot, group)` is what makes a double fire, a restart or a catch-up post once. The body
 * is stored as sent. The message itself waits in the outbox, written in the same transaction, which
 * retries and paces it. `status`: `pending` (claimed, in the outbox), `sent`, `failed` (the platform
 * refused it for good), `expired` (too late to be worth posting: `delivery.maxAgeMinutes.broadcast`),
 * `skipped` (`skipIfQuiet`: no message in the group since the previous post). `attempts` counts the
 * outbox's tries.
 */
export const contentRuns = sqliteTable(
  'content_runs',
  {
    postId: text('post_id').notNull(),
    /** The slot's instant (ms); for `/post send`, the command's time. */
    slot: integer('slot').notNull(),
    chatKey: text('chat_key').notNull(),
    /** `scheduled`, `catch-up` or `manual`. */
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull(),
    body: text('body').notNull(),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [primaryKey({ columns: [t.postId, t.slot, t.chatKey] }), index('content_runs_status').on(t.status)],
);

/** Posts an operator paused with `/post pause`; a row with `paused = 0` means resumed. */
export const contentState = sqliteTable('content_state', {
  postId: text('post_id').primaryKey(),
  paused: integer('paused').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: integer('updated_by'),
});
