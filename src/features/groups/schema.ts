import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Groups the bot has seen, with the tier they are bound to. Config bindings are applied at start;
 * operators rebind with `/bind`. `trackingStartedAt` is when the bot first saw the group, so
 * members who predate the bot are not judged by days it never saw.
 */
export const groups = sqliteTable('groups', {
  chatKey: text('chat_key').primaryKey(),
  platform: text('platform').notNull(),
  title: text('title'),
  tier: text('tier').notNull(),
  timezone: text('timezone'),
  /** The space the group belongs to (`discord:<guild>`), learnt from its events; null where none. */
  space: text('space'),
  trackingStartedAt: integer('tracking_started_at').notNull(),
});
