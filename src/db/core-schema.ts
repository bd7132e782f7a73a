import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Event keys the dispatcher has handled. Claimed in the same transaction as everything the event
 * causes, so a redelivered event is recognised and pays nothing twice.
 */
export const processedEvents = sqliteTable('processed_events', {
  key: text('key').primaryKey(),
  at: integer('at').notNull(),
});
