import type Database from 'better-sqlite3';
import { chatKey, type ChatRef, type Platform } from '../../core/ids.ts';
import type { Outbound } from '../../core/outbound.ts';
import { defaultClass, laneOf, PRIORITY, tagOf, type DeliveryClass, type MessageRef, type OutboxMessage, type OutboxStats, type OutboxStore } from '../../core/outbox.ts';
import { platformOf } from '../../core/outbound-router.ts';
import type { Db } from '../../db/open.ts';

interface Row {
  id: number;
  source_key: string;
  lane: string;
  platform: string;
  cls: string;
  priority: number;
  origin: string | null;
  payload: string;
  attempts: number;
  not_before: number;
  created_at: number;
  forget_once_sent: number;
}

function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id,
    sourceKey: r.source_key,
    lane: r.lane,
    platform: r.platform as Platform,
    cls: r.cls as DeliveryClass,
    priority: r.priority,
    origin: r.origin,
    out: JSON.parse(r.payload) as Outbound,
    attempts: r.attempts,
    notBefore: r.not_before,
    createdAt: r.created_at,
  };
}

/** The outbox table behind the core's sender, with prepared statements: it is on every event's path. */
export class SqliteOutboxStore implements OutboxStore {
  private readonly insertQ: Database.Statement;
  private readonly headsQ: Database.Statement;
  private readonly sentQ: Database.Statement;
  private readonly retryQ: Database.Statement;
  private readonly finalQ: Database.Statement;
  private readonly forgetQ: Database.Statement;
  private readonly sentSinceQ: Database.Statement;
  private readonly sentSinceLaneQ: Database.Statement;
  private readonly pendingQ: Database.Statement;
  private readonly pendingLaneQ: Database.Statement;
  private readonly anyPendingQ: Database.Statement;
  private readonly refQ: Database.Statement;
  private readonly pendingAfterQ: Database.Statement;
  private readonly deleteSettledQ: Database.Statement;
  /** Pending messages whose personal data is dropped once settled. */
  private readonly toForget = new Set<number>();

  constructor(private readonly db: Db) {
    const s = db.sqlite;
    // Positional parameters on the two statements every reply runs (its insert and its sent mark):
    // better-sqlite3 binds them without looking each name up on an object, a quarter of the insert's cost.
    this.insertQ = s.prepare(
      `INSERT OR IGNORE INTO outbox (source_key, seq, platform, lane, cls, priority, origin, ref_feature, ref, payload, status, attempts, not_before, created_at, updated_at, forget_once_sent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    );
    this.anyPendingQ = s.prepare(`SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1`).pluck();
    this.pendingAfterQ = s.prepare(`SELECT 1 FROM outbox WHERE status = 'pending' AND lane = ? AND id > ? LIMIT 1`).pluck();
    // The oldest pending message of every lane: per-chat order is by id, priority decides between chats.
    this.headsQ = s.prepare(
      `SELECT o.id, o.source_key, o.lane, o.platform, o.cls, o.priority, o.origin, o.payload, o.attempts, o.not_before, o.created_at, o.forget_once_sent
       FROM (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' GROUP BY lane) h JOIN outbox o ON o.id = h.id
       ORDER BY o.priority, o.id`,
    );
    this.sentQ = s.prepare(
      `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, updated_at = ?, platform_message_id = ?, error = ? WHERE id = ? AND status = 'pending'`,
    );
    this.retryQ = s.prepare(`UPDATE outbox SET attempts = attempts + 1, not_before = @notBefore, updated_at = @at, error = @error WHERE id = @id`);
    this.finalQ = s.prepare(`UPDATE outbox SET status = @status, attempts = attempts + @tried, updated_at = @at, error = @error WHERE id = @id`);
    // What stays of a settled message that carried personal data: its status, class and times.
    this.forgetQ = s.prepare(
      `UPDATE outbox SET payload = '{}', lane = 'forgotten:' || id, source_key = 'forgotten:' || id, origin = NULL, ref_feature = NULL, ref = NULL, platform_message_id = NULL,
         error = CASE WHEN error IS NULL THEN NULL ELSE 'forgotten' END WHERE id = ? AND forget_once_sent = 1`,
    );
    this.sentSinceQ = s.prepare(`SELECT COUNT(*) FROM outbox WHERE platform = ? AND sent_at >= ? AND cls != 'staff'`).pluck();
    this.sentSinceLaneQ = s.prepare(`SELECT COUNT(*) FROM outbox WHERE platform = ? AND sent_at >= ? AND cls != 'staff' AND lane = ?`).pluck();
    this.pendingQ = s.prepare(`SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND platform = ? AND cls != 'staff'`).pluck();
    // A group message's lane is its chat key, so (lane, platform id) names one message in one chat.
    this.refQ = s.prepare(`SELECT ref_feature AS feature, ref FROM outbox WHERE lane = ? AND platform_message_id = ? AND ref_feature IS NOT NULL AND status = 'sent' ORDER BY id DESC LIMIT 1`);
    // Oldest first by id: the scan stops at `limit` rows, and ids grow with time.
    this.deleteSettledQ = s.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status IN ('sent', 'failed', 'expired') AND updated_at < ? ORDER BY id LIMIT ?)`,
    );
    this.pendingLaneQ = s.prepare(`SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND lane = ? AND cls != 'staff'`).pluck();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  inTransaction(): boolean {
    return this.db.sqlite.inTransaction;
  }

  add(sourceKey: string, outs: readonly Outbound[], at: Date): OutboxMessage[] {
    const added: OutboxMessage[] = [];
    const time = at.getTime();
    outs.forEach((out, seq) => {
      const tag = tagOf(out);
      const cls = tag.cls ?? defaultClass(out);
      const platform = platformOf(out);
      const lane = laneOf(out);
      const origin = tag.origin ?? null;
      const payload = JSON.stringify(out);
      const done = this.insertQ.run(sourceKey, seq, platform, lane, cls, PRIORITY[cls], origin, tag.ref?.feature ?? null, tag.ref?.ref ?? null, payload, time, time, time, tag.forgetOnceSent ? 1 : 0);
      if (done.changes === 0) return;
      const id = Number(done.lastInsertRowid);
      // Should the transaction roll back, the id may be taken again by another message; the
      // forget statement checks the row's own flag, so that one keeps its data.
      if (tag.forgetOnceSent) this.toForget.add(id);
      // A shallow copy: the message is its own object, as one read back from the payload is,
      // even when a feature hands the same object to two messages.
      added.push({ id, sourceKey, lane, platform, cls, priority: PRIORITY[cls], origin, out: { ...out }, attempts: 0, notBefore: time, createdAt: time });
    });
    return added;
  }

  rollbacks(): number | undefined {
    return this.db.rollbacks();
  }

  heads(): OutboxMessage[] {
    // Most calls find nothing pending: answer those from the index alone.
    if (this.anyPendingQ.get() === undefined) return [];
    return (this.headsQ.all() as Row[]).map((r) => {
      if (r.forget_once_sent === 1) this.toForget.add(r.id);
      return toMessage(r);
    });
  }

  hasPendingAfter(lane: string, id: number): boolean {
    return this.pendingAfterQ.get(lane, id) !== undefined;
  }

  /** After a message's final status: drops its personal data when it was flagged. */
  private settled(id: number): void {
    if (this.toForget.delete(id)) this.forgetQ.run(id);
  }

  markSent(id: number, at: number, messageId: string | undefined, note?: string): boolean {
    if (this.sentQ.run(at, at, messageId ?? null, note ?? null, id).changes === 0) return false;
    this.settled(id);
    return true;
  }

  markRetry(id: number, at: number, notBefore: number, error: string): void {
    this.retryQ.run({ id, at, notBefore, error });
  }

  markFailed(id: number, at: number, error: string): void {
    this.finalQ.run({ id, at, status: 'failed', tried: 1, error });
    this.settled(id);
  }

  markExpired(id: number, at: number): void {
    this.finalQ.run({ id, at, status: 'expired', tried: 0, error: 'expired: too old to send' });
    this.settled(id);
  }

  sentSince(platform: Platform, since: number, lane?: string): number {
    return (lane === undefined ? this.sentSinceQ.get(platform, since) : this.sentSinceLaneQ.get(platform, since, lane)) as number;
  }

  pendingCount(platform: Platform, lane?: string): number {
    return (lane === undefined ? this.pendingQ.get(platform) : this.pendingLaneQ.get(lane)) as number;
  }

  refOf(chat: ChatRef, platformMessageId: string): MessageRef | undefined {
    return this.refQ.get(chatKey(chat), platformMessageId) as MessageRef | undefined;
  }

  deleteSettled(before: number, limit: number): number {
    return this.deleteSettledQ.run(before, limit).changes;
  }

  stats(): OutboxStats {
    const s = this.db.sqlite;
    const platforms: OutboxStats['platforms'] = {};
    for (const r of s.prepare(`SELECT platform, status, COUNT(*) AS n FROM outbox GROUP BY platform, status ORDER BY platform`).all() as { platform: string; status: string; n: number }[]) {
      const p = (platforms[r.platform] ??= { pending: 0, sent: 0, failed: 0, expired: 0 });
      if (r.status === 'pending' || r.status === 'sent' || r.status === 'failed' || r.status === 'expired') p[r.status] = r.n;
    }
    const oldest = s
      .prepare(`SELECT id, platform, lane, created_at AS createdAt, attempts, error FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1`)
      .get() as { id: number; platform: Platform; lane: string; createdAt: number; attempts: number; error: string | null } | undefined;
    return { platforms, oldestPending: oldest ? { ...oldest, createdAt: new Date(oldest.createdAt).toISOString() } : null };
  }
}
