import type Database from 'better-sqlite3';
import type { Db } from '../../db/open.ts';

export interface LinkCodeRow {
  readonly id: number;
  readonly memberId: number;
  readonly lookup: string;
  readonly secretHash: string;
  readonly status: string;
  readonly failures: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly claimedBy: number | null;
}

const COLUMNS = 'id, member_id AS memberId, lookup, secret_hash AS secretHash, status, failures, created_at AS createdAt, expires_at AS expiresAt, claimed_by AS claimedBy';

/** The link codes' and attempts' queries. */
export class LinkRepo {
  private readonly q: Record<string, Database.Statement>;

  constructor(db: Db) {
    const s = db.sqlite;
    this.q = {
      insert: s.prepare('INSERT INTO link_codes (member_id, lookup, secret_hash, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      replaceOpen: s.prepare("UPDATE link_codes SET status = 'replaced' WHERE member_id = ? AND status IN ('open', 'claimed')"),
      madeSince: s.prepare('SELECT COUNT(*) AS n FROM link_codes WHERE member_id = ? AND created_at > ?'),
      byLookup: s.prepare(`SELECT ${COLUMNS} FROM link_codes WHERE lookup = ? ORDER BY id DESC LIMIT 1`),
      liveLookup: s.prepare("SELECT 1 FROM link_codes WHERE lookup = ? AND status IN ('open', 'claimed') AND expires_at > ?"),
      fail: s.prepare("UPDATE link_codes SET failures = failures + 1, status = CASE WHEN failures + 1 >= ? THEN 'locked' ELSE status END WHERE id = ? RETURNING status"),
      claim: s.prepare("UPDATE link_codes SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status IN ('open', 'claimed')"),
      claimedBy: s.prepare(`SELECT ${COLUMNS} FROM link_codes WHERE claimed_by = ? AND status = 'claimed' AND expires_at > ? ORDER BY id DESC LIMIT 1`),
      use: s.prepare("UPDATE link_codes SET status = 'used', used_at = ? WHERE id = ? AND status = 'claimed'"),
      void: s.prepare("UPDATE link_codes SET status = 'void' WHERE id = ? AND status IN ('open', 'claimed')"),
      attempt: s.prepare('INSERT INTO link_attempts (member_id, at, ok) VALUES (?, ?, ?)'),
      wrongSince: s.prepare('SELECT COUNT(*) AS n, MIN(at) AS first FROM link_attempts WHERE member_id = ? AND ok = 0 AND at > ?'),
    };
  }

  insert(memberId: number, lookup: string, secretHash: string, at: number, expiresAt: number): number {
    this.q.replaceOpen!.run(memberId);
    return Number(this.q.insert!.run(memberId, lookup, secretHash, 'open', at, expiresAt).lastInsertRowid);
  }

  madeSince(memberId: number, since: number): number {
    return (this.q.madeSince!.get(memberId, since) as { n: number }).n;
  }

  byLookup(lookup: string): LinkCodeRow | undefined {
    return this.q.byLookup!.get(lookup) as LinkCodeRow | undefined;
  }

  /** Whether a live code already uses this lookup half (a new code picks another). */
  lookupTaken(lookup: string, at: number): boolean {
    return this.q.liveLookup!.get(lookup, at) !== undefined;
  }

  /** Counts a wrong guess against a code; returns whether that locked it. */
  fail(id: number, lockAt: number): boolean {
    return (this.q.fail!.get(lockAt, id) as { status: string }).status === 'locked';
  }

  claim(id: number, memberId: number, at: number): void {
    this.q.claim!.run(memberId, at, id);
  }

  claimedBy(memberId: number, at: number): LinkCodeRow | undefined {
    return this.q.claimedBy!.get(memberId, at) as LinkCodeRow | undefined;
  }

  use(id: number, at: number): boolean {
    return this.q.use!.run(at, id).changes > 0;
  }

  void(id: number): void {
    this.q.void!.run(id);
  }

  attempt(memberId: number, at: number, ok: boolean): void {
    this.q.attempt!.run(memberId, at, ok ? 1 : 0);
  }

  wrongSince(memberId: number, since: number): { n: number; first: number | null } {
    return this.q.wrongSince!.get(memberId, since) as { n: number; first: number | null };
  }
}
