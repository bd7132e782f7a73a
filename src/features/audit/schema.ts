import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Who changed points, stock, tiers, roles or flags, what, when and why. Append-only. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorMemberId: integer('actor_member_id'),
    action: text('action').notNull(),
    targetMemberId: integer('target_member_id'),
    /** JSON with the action's particulars (amount, sku, old and new values). */
    detail: text('detail').notNull().default('{}'),
    reason: text('reason'),
  },
  // The dashboard filters the log by actor and by action, newest first.
  (t) => [index('audit_log_at').on(t.at), index('audit_log_actor').on(t.actorMemberId, t.id), index('audit_log_action').on(t.action, t.id), index('audit_log_target').on(t.targetMemberId, t.id)],
);
