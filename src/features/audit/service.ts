import type Database from 'better-sqlite3';
import { desc } from 'drizzle-orm';
import type { Orm } from '../../db/open.ts';
import { auditLog } from './schema.ts';

/** One audited operator or moderator action. */
export interface AuditEntry {
  readonly at: Date;
  readonly actorMemberId: number | null;
  readonly action: string;
  readonly targetMemberId?: number | null;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly reason?: string | null;
}

/** Writes and reads the audit log. Every feature that changes points, stock, tiers, roles or flags calls `record`. */
export class AuditService {
  /** Prepared once: a tier review or an import writes thousands of rows in one transaction. */
  private readonly insert: Database.Statement;

  constructor(private readonly orm: Orm) {
    this.insert = orm.$client.prepare(
      'INSERT INTO audit_log (at, actor_member_id, action, target_member_id, detail, reason) VALUES (@at, @actor, @action, @target, @detail, @reason)',
    );
  }

  record(entry: AuditEntry): void {
    this.insert.run({
      at: entry.at.getTime(),
      actor: entry.actorMemberId,
      action: entry.action,
      target: entry.targetMemberId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      reason: entry.reason ?? null,
    });
  }

  /** Newest first. */
  recent(limit: number): (typeof auditLog.$inferSelect)[] {
    return this.orm.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit).all();
  }

  /**
   * One page of the log, newest first, filtered by actor, target member, action (exact, or a prefix ending in
   * `.`: `quiet.`) and a time range, continuing before row `beforeId`.
   */
  page(filter: { actor?: number; target?: number; action?: string; from?: Date; to?: Date; beforeId?: number; limit: number }): { rows: (typeof auditLog.$inferSelect)[]; more: boolean } {
    const where: string[] = ['id < @before'];
    if (filter.actor !== undefined) where.push('actor_member_id = @actor');
    if (filter.target !== undefined) where.push('target_member_id = @target');
    if (filter.action) where.push(filter.action.endsWith('.') ? "action LIKE @action || '%'" : 'action = @action');
    if (filter.from) where.push('at >= @from');
    if (filter.to) where.push('at < @to');
    const rows = this.orm.$client
      .prepare(
        `SELECT id, at, actor_member_id AS actorMemberId, action, target_member_id AS targetMemberId, detail, reason FROM audit_log
         WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        before: filter.beforeId ?? Number.MAX_SAFE_INTEGER,
        limit: filter.limit + 1,
        ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
        ...(filter.target !== undefined ? { target: filter.target } : {}),
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.from ? { from: filter.from.getTime() } : {}),
        ...(filter.to ? { to: filter.to.getTime() } : {}),
      }) as (typeof auditLog.$inferSelect)[];
    return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  }

  /** The actions the log holds, for the filter's choices. */
  actions(): string[] {
    return (this.orm.$client.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as { action: string }[]).map((r) => r.action);
  }

  /**
   * The rows of some actions with `from <= at < to` (ms), oldest first, detail parsed: how a
   * feature reads back the history it audited (the tier ladder's moves for the retention report).
   * The range is a day or a week, so this is an index range on `at`.
   */
  actionsBetween(actions: readonly string[], from: number, to: number): { at: number; action: string; target: number | null; detail: Record<string, unknown> }[] {
    const rows = this.orm.$client
      .prepare(
        `SELECT at, action, target_member_id AS target, detail FROM audit_log
         WHERE at >= ? AND at < ? AND action IN (SELECT value FROM json_each(?)) ORDER BY at, id`,
      )
      .all(from, to, JSON.stringify(actions)) as { at: number; action: string; target: number | null; detail: string }[];
    return rows.map((r) => ({ at: r.at, action: r.action, target: r.target, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /** Oldest first, for `export`. */
  exportAll(): { id: number; at: string; actor: number | null; action: string; target: number | null; detail: unknown; reason: string | null }[] {
    return this.orm
      .select()
      .from(auditLog)
      .orderBy(auditLog.id)
      .all()
      .map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor: r.actorMemberId,
        action: r.action,
        target: r.targetMemberId,
        detail: JSON.parse(r.detail) as unknown,
        reason: r.reason,
      }));
  }
}
