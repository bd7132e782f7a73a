import type Database from 'better-sqlite3';
import { addDays, localDay, startOfLocalDay, weekStart } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';

/**
 * Every reason a ledger row can have. Closed, because members read them in `/history`: each has
 * a `shop.reason.<reason>` text in both message files, which a test checks.
 */
export const LEDGER_REASONS = [
  'checkin',
  'post',
  'share',
  'referral',
  'task.first-checkin',
  'task.first-post',
  'task.first-share',
  'task.all',
  'comeback',
  'redeem',
  'refund',
  'award',
  'deduct',
  'campaign.entry',
  'campaign.prize',
  'welcome',
  'birthday',
  'merge',
  'unlink',
] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/** Told of an earned credit inside its transaction, with the member's lifetime total after it. */
export type CreditObserver = (entry: LedgerEntry, lifetime: number) => void;

/** A ledger entry to write. `sourceKey` with `reason` must be unique: the cause of the payment. */
export interface LedgerEntry {
  readonly memberId: number;
  readonly delta: number;
  readonly reason: LedgerReason;
  readonly sourceKey: string;
  readonly at: Date;
  readonly actorMemberId?: number | null;
  readonly note?: string | null;
  /** Counts towards lifetime earnings and leaderboards; defaults to true for positive deltas. */
  readonly earned?: boolean;
}

export interface Standing {
  readonly balance: number;
  readonly lifetime: number;
  /** 1-based place by lifetime points among all members; null before earning anything. */
  readonly rank: number | null;
}

export interface LeaderRow {
  readonly memberId: number;
  readonly name: string;
  readonly points: number;
}

/**
 * The points ledger. Every change is an append-only ledger row plus a balance update in the same
 * (caller's) synchronous transaction; spends are conditional updates, never read-then-write.
 */
export class PointsService {
  private readonly insertLedger: Database.Statement;
  private readonly upsertBalance: Database.Statement;
  private readonly conditionalSpend: Database.Statement;
  private readonly standingQ: Database.Statement;
  private readonly balanceQ: Database.Statement<[number]>;
  private readonly rankQ: Database.Statement;
  private readonly addWeekly: Database.Statement<[string, number, number]>;
  private readonly weeklyBoard: Database.Statement<{ week: string; limit: number; tier?: string }>;
  private readonly weeklyTierBoard: Database.Statement<{ week: string; limit: number; tier?: string }>;
  private readonly earnedFrom: Database.Statement<[number]>;
  private readonly monthQ: Database.Statement<[number, number, number]>;
  private readonly creditObservers: CreditObserver[] = [];
  /** Local week (Monday) by UTC quarter-hour, so crediting does not format a date every time. */
  private readonly weekByHour = new Map<number, string>();

  /**
   * `timeZone`: the community's zone, where weeks (and the weekly board) start on Monday. `audit`
   * records operators' adjustments; without it (read-only tools, benches) `adjust` is refused.
   */
  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
    private readonly audit?: AuditService,
  ) {
    const s = db.sqlite;
    this.insertLedger = s.prepare(
      `INSERT OR IGNORE INTO ledger (member_id, delta, reason, source_key, actor_member_id, note, earned, at)
       VALUES (@memberId, @delta, @reason, @sourceKey, @actorMemberId, @note, @earned, @at)`,
    );
    this.upsertBalance = s.prepare(
      `INSERT INTO balances (member_id, balance, lifetime) VALUES (@memberId, @delta, @earnedDelta)
       ON CONFLICT (member_id) DO UPDATE SET balance = balance + @delta, lifetime = lifetime + @earnedDelta`,
    );
    this.conditionalSpend = s.prepare('UPDATE balances SET balance = balance - @cost WHERE member_id = @memberId AND balance >= @cost');
    this.standingQ = s.prepare('SELECT balance, lifetime FROM balances WHERE member_id = ?');
    this.balanceQ = s.prepare('SELECT balance FROM balances WHERE member_id = ?');
    this.rankQ = s.prepare('SELECT COUNT(*) + 1 AS rank FROM balances WHERE lifetime > ?');
    this.addWeekly = s.prepare(
      'INSERT INTO points_weekly (week, member_id, points) VALUES (?, ?, ?) ON CONFLICT (week, member_id) DO UPDATE SET points = points + excluded.points',
    );
    const weekly = (byTier: string) =>
      s.prepare<{ week: string; limit: number; tier?: string }>(
        `SELECT w.member_id AS memberId, m.name AS name, w.points AS points FROM points_weekly w JOIN members m ON m.id = w.member_id
         WHERE w.week = @week ${byTier} ORDER BY w.points DESC, w.member_id LIMIT @limit`,
      );
    this.weeklyBoard = weekly('');
    this.weeklyTierBoard = weekly('AND m.tier = @tier');
    this.earnedFrom = s.prepare('SELECT 1 FROM ledger WHERE at >= ? AND earned = 1 LIMIT 1');
    this.monthQ = s.prepare(
      `SELECT COALESCE(SUM(CASE WHEN earned = 1 THEN delta ELSE 0 END), 0) AS earned, COALESCE(SUM(CASE WHEN delta < 0 THEN -delta ELSE 0 END), 0) AS spent
       FROM ledger WHERE member_id = ? AND at >= ? AND at < ?`,
    );
    this.backfillWeekly();
  }

  /** The local week (its Monday, `YYYY-MM-DD`) an instant falls in. */
  private weekOf(at: number): string {
    // Quarter-hour buckets: every zone offset is a multiple of 15 minutes, so a bucket never
    // straddles a local midnight.
    const hour = Math.floor(at / 900_000);
    let week = this.weekByHour.get(hour);
    if (week === undefined) {
      week = weekStart(localDay(new Date(at), this.timeZone));
      if (this.weekByHour.size > 10_000) this.weekByHour.clear();
      this.weekByHour.set(hour, week);
    }
    return week;
  }

  /**
   * Fills `points_weekly` from the ledger once, for a database whose ledger predates the table.
   * Every credit since keeps it, so an empty table beside earned ledger rows means "not yet filled".
   */
  private backfillWeekly(): void {
    const s = this.db.sqlite;
    if (s.prepare('SELECT 1 FROM points_weekly LIMIT 1').get() !== undefined) return;
    if (s.prepare('SELECT 1 FROM ledger WHERE earned = 1 LIMIT 1').get() === undefined) return;
    // A page of rows at a time (a connection cannot write while it iterates), so a million-row
    // ledger fills in bounded memory.
    const page = s.prepare('SELECT id, member_id AS memberId, delta, at FROM ledger WHERE earned = 1 AND id > ? ORDER BY id LIMIT 20000');
    this.db.transaction(() => {
      let after = 0;
      for (;;) {
        const rows = page.all(after) as { id: number; memberId: number; delta: number; at: number }[];
        if (rows.length === 0) break;
        const totals = new Map<string, Map<number, number>>();
        for (const r of rows) {
          const week = this.weekOf(r.at);
          let members = totals.get(week);
          if (!members) totals.set(week, (members = new Map()));
          members.set(r.memberId, (members.get(r.memberId) ?? 0) + r.delta);
        }
        for (const [week, members] of totals) for (const [memberId, points] of members) this.addWeekly.run(week, memberId, points);
        after = rows[rows.length - 1]!.id;
      }
    });
  }

  /**
   * Pays (or, with a negative delta, corrects) once per `(reason, sourceKey)`. Returns false when
   * that cause was already paid. Must run inside a transaction.
   */
  credit(entry: LedgerEntry): boolean {
    const earned = entry.earned ?? entry.delta > 0;
    const inserted = this.insertLedger.run({
      memberId: entry.memberId,
      delta: entry.delta,
      reason: entry.reason,
      sourceKey: entry.sourceKey,
      actorMemberId: entry.actorMemberId ?? null,
      note: entry.note ?? null,
      earned: earned ? 1 : 0,
      at: entry.at.getTime(),
    });
    if (inserted.changes === 0) return false;
    this.upsertBalance.run({ memberId: entry.memberId, delta: entry.delta, earnedDelta: earned ? entry.delta : 0 });
    if (earned) {
      this.addWeekly.run(this.weekOf(entry.at.getTime()), entry.memberId, entry.delta);
      if (this.creditObservers.length > 0) {
        const lifetime = (this.standingQ.get(entry.memberId) as { lifetime: number }).lifetime;
        for (const observe of this.creditObservers) observe(entry, lifetime);
      }
    }
    return true;
  }

  /** Registers a function told of every earned credit with the lifetime total after it, in its transaction (milestones). */
  onEarned(observer: CreditObserver): void {
    this.creditObservers.push(observer);
  }

  /** Points a member earned, and spent or lost (every negative row), between two instants (`/me`, the monthly recap). */
  totalsBetween(memberId: number, from: Date, to: Date): { earned: number; spent: number } {
    return this.monthQ.get(memberId, from.getTime(), to.getTime()) as { earned: number; spent: number };
  }

  /**
   * Takes `cost` points if the balance covers it (a conditional update), else throws
   * `points.insufficient`. Returns false when this cause was already charged. Run inside a
   * transaction so a later failure rolls the charge back.
   */
  spend(entry: Omit<LedgerEntry, 'delta' | 'earned'> & { readonly cost: number }): boolean {
    return this.db.transaction(() => {
      const inserted = this.insertLedger.run({
        memberId: entry.memberId,
        delta: -entry.cost,
        reason: entry.reason,
        sourceKey: entry.sourceKey,
        actorMemberId: entry.actorMemberId ?? null,
        note: entry.note ?? null,
        earned: 0,
        at: entry.at.getTime(),
      });
      if (inserted.changes === 0) return false;
      const spent = this.conditionalSpend.run({ memberId: entry.memberId, cost: entry.cost });
      if (spent.changes === 0) {
        throw new UserError('points.insufficient', { cost: entry.cost, balance: this.standing(entry.memberId).balance });
      }
      return true;
    });
  }

  /**
   * Points credited (positive deltas) and debited (negative deltas) per ledger reason for
   * `from <= at < to` (ms): the retention report's daily points rollup.
   */
  flowsBetween(from: number, to: number): { reason: string; credited: number; debited: number }[] {
    return this.db.sqlite
      .prepare(
        `SELECT reason, COALESCE(SUM(CASE WHEN delta > 0 THEN delta END), 0) AS credited, COALESCE(SUM(CASE WHEN delta < 0 THEN -delta END), 0) AS debited
         FROM ledger WHERE at >= ? AND at < ? GROUP BY reason ORDER BY reason`,
      )
      .all(from, to) as { reason: string; credited: number; debited: number }[];
  }

  /** The first ledger row's instant (ms), or null for an empty ledger. */
  firstEntryAt(): number | null {
    return (this.db.sqlite.prepare('SELECT MIN(at) AS at FROM ledger').get() as { at: number | null }).at;
  }

  /**
   * An operator's point adjustment (`/award`, `/deduct`, the dashboard): the ledger row and its
   * audit row, once per `sourceKey`. A deduction never takes the balance below zero
   * (`points.deduct_too_much`). Returns false for a repeat of the same cause (nothing changes).
   */
  adjust(input: {
    readonly actorMemberId: number | null;
    readonly memberId: number;
    readonly kind: 'award' | 'deduct';
    readonly amount: number;
    readonly note: string | null;
    readonly sourceKey: string;
    readonly at: Date;
    /** The member's name, for the refusal. */
    readonly name?: string;
  }): boolean {
    const audit = this.audit;
    if (!audit) throw new Error('PointsService.adjust needs the audit service');
    if (!Number.isInteger(input.amount) || input.amount <= 0) throw new UserError('args.too_small', { arg: 'amount', min: 1 });
    const entry = { memberId: input.memberId, reason: input.kind, sourceKey: input.sourceKey, at: input.at, actorMemberId: input.actorMemberId, note: input.note };
    return this.db.transaction(() => {
      let changed: boolean;
      if (input.kind === 'award') changed = this.credit({ ...entry, delta: input.amount });
      else {
        try {
          changed = this.spend({ ...entry, cost: input.amount });
        } catch (err) {
          if (err instanceof UserError && err.code === 'points.insufficient') throw new UserError('points.deduct_too_much', { name: input.name ?? `#${input.memberId}`, balance: err.params.balance ?? 0 });
          throw err;
        }
      }
      if (changed) audit.record({ at: input.at, actorMemberId: input.actorMemberId, action: `points.${input.kind}`, targetMemberId: input.memberId, detail: { amount: input.amount }, reason: input.note });
      return changed;
    });
  }

  /** The spendable balance alone: no rank, so it costs one primary-key read (check-in replies). */
  balance(memberId: number): number {
    return (this.balanceQ.get(memberId) as { balance: number } | undefined)?.balance ?? 0;
  }

  standing(memberId: number): Standing {
    const row = this.standingQ.get(memberId) as { balance: number; lifetime: number } | undefined;
    if (!row) return { balance: 0, lifetime: 0, rank: null };
    const rank = row.lifetime > 0 ? (this.rankQ.get(row.lifetime) as { rank: number }).rank : null;
    return { balance: row.balance, lifetime: row.lifetime, rank };
  }

  /**
   * Top members by points earned since `since` (all time when omitted), optionally only members of
   * one tier. Spends and refunds never count: a board ranks what was earned.
   */
  leaders(limit: number, since?: Date, tier?: string): LeaderRow[] {
    const byTier = tier === undefined ? '' : 'AND m.tier = @tier';
    if (since === undefined) {
      return this.db.sqlite
        .prepare(
          `SELECT b.member_id AS memberId, m.name AS name, b.lifetime AS points FROM balances b JOIN members m ON m.id = b.member_id
           WHERE b.lifetime > 0 ${byTier} ORDER BY b.lifetime DESC, b.member_id LIMIT @limit`,
        )
        .all({ limit, ...(tier === undefined ? {} : { tier }) }) as LeaderRow[];
    }
    // A board from the start of a local week, with nothing earned after that week (the normal case:
    // this week's board), is one index walk of the weekly totals; anything else sums the ledger.
    const week = weekStart(localDay(since, this.timeZone));
    if (startOfLocalDay(week, this.timeZone).getTime() === since.getTime()) {
      const nextWeek = startOfLocalDay(addDays(week, 7), this.timeZone).getTime();
      if (this.earnedFrom.get(nextWeek) === undefined) {
        return (tier === undefined ? this.weeklyBoard.all({ week, limit }) : this.weeklyTierBoard.all({ week, limit, tier })) as LeaderRow[];
      }
    }
    return this.db.sqlite
      .prepare(
        `SELECT l.member_id AS memberId, m.name AS name, SUM(l.delta) AS points FROM ledger l JOIN members m ON m.id = l.member_id
         WHERE l.at >= @since AND l.earned = 1 ${byTier} GROUP BY l.member_id ORDER BY points DESC, l.member_id LIMIT @limit`,
      )
      .all({ since: since.getTime(), limit, ...(tier === undefined ? {} : { tier }) }) as LeaderRow[];
  }

  /** Balances and lifetime totals for every member that has a balance row. */
  allStandings(): Map<number, { balance: number; lifetime: number }> {
    const rows = this.db.sqlite.prepare('SELECT member_id AS memberId, balance, lifetime FROM balances').all() as {
      memberId: number;
      balance: number;
      lifetime: number;
    }[];
    return new Map(rows.map((r) => [r.memberId, { balance: r.balance, lifetime: r.lifetime }]));
  }

  /** The last ledger rows of a member, newest first. */
  history(memberId: number, limit: number): { delta: number; reason: string; at: number; note: string | null }[] {
    return this.db.sqlite
      .prepare('SELECT delta, reason, at, note FROM ledger WHERE member_id = ? ORDER BY id DESC LIMIT ?')
      .all(memberId, limit) as { delta: number; reason: string; at: number; note: string | null }[];
  }

  /** One page of a member's ledger, newest first, from before ledger row `beforeId` when given. */
  ledgerPage(memberId: number, limit: number, beforeId?: number): { rows: { id: number; delta: number; reason: string; source: string; actor: number | null; note: string | null; at: number }[]; more: boolean } {
    const rows = this.db.sqlite
      .prepare('SELECT id, delta, reason, source_key AS source, actor_member_id AS actor, note, at FROM ledger WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .all(memberId, beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1) as { id: number; delta: number; reason: string; source: string; actor: number | null; note: string | null; at: number }[];
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** The whole ledger, oldest first, for `export`. */
  exportLedger(): { id: number; member: number; delta: number; reason: string; source: string; actor: number | null; note: string | null; at: string }[] {
    const rows = this.db.sqlite
      .prepare('SELECT id, member_id AS member, delta, reason, source_key AS source, actor_member_id AS actor, note, at FROM ledger ORDER BY id')
      .all() as { id: number; member: number; delta: number; reason: string; source: string; actor: number | null; note: string | null; at: number }[];
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }
}
