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
