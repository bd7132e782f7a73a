import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { startOfLocalDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { parseUserKey } from '../../core/ids.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { MembersService } from '../members/index.ts';

/** One purchase to record. */
export interface PurchaseInput {
  readonly memberId: number;
  readonly orders: number;
  readonly amount: number;
  readonly at: Date;
  readonly note?: string | null;
}

/** A member's recorded purchases, lifetime. */
export interface PurchaseTotals {
  readonly orders: number;
  readonly spend: number;
}

/** What an import did: rows added, rows already recorded (a re-import), and rows it could not use. */
export interface ImportResult {
  readonly added: number;
  readonly duplicates: number;
  readonly problems: readonly { line: number; message: string }[];
}

export interface PurchasesDeps {
  readonly db: Db;
  readonly members: MembersService;
  readonly audit: AuditService;
  /** The community's zone: a bare `YYYY-MM-DD` date is that local day. */
  readonly timeZone: string;
}

/**
 * Purchases operators record, since the bot cannot see the shop: `/purchase` and
 * `import-purchases`. Each row has a unique source key, so a redelivered command or a re-imported
 * file records nothing twice. Both are audited here.
 */
export class PurchasesService {
  private readonly insert: Database.Statement;
  private readonly totalsQ: Database.Statement<[number]>;

  constructor(private readonly deps: PurchasesDeps) {
    const s = deps.db.sqlite;
    this.insert = s.prepare(
      `INSERT OR IGNORE INTO purchases (member_id, orders, amount, at, note, source, source_key, actor_member_id, recorded_at)
       VALUES (@memberId, @orders, @amount, @at, @note, @source, @sourceKey, @actor, @recordedAt)`,
    );
    this.totalsQ = s.prepare('SELECT COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(amount), 0) AS spend FROM purchases WHERE member_id = ?');
  }

  /** `/purchase @member <amount> [note]`: one order, audited. Returns the member's new totals. */
  record(input: PurchaseInput, actorMemberId: number | null, sourceKey: string, at: Date): PurchaseTotals {
    return this.deps.db.transaction(() => {
      const added = this.write(input, 'command', `command:${sourceKey}`, actorMemberId, at);
      if (added) {
        this.deps.audit.record({
          at,
          actorMemberId,
          action: 'purchase.record',
          targetMemberId: input.memberId,
          detail: { orders: input.orders, amount: input.amount },
          reason: input.note ?? null,
        });
      }
      return this.totals(input.memberId);
    });
  }

  /**
   * `import-purchases`: a CSV with a header naming `member` (member id) or `identity`
   * (`platform:user-id`), and any of `orders` (default 1), `amount` (default 0), `date`
   * (`YYYY-MM-DD` in the community's zone, or an ISO time), `order` (the shop's order id) and
   * `note`. A row's key is its order id, else its content (and how many identical rows came
   * before it), so the same file imported again adds nothing. Rows naming nobody the bot knows
   * are reported, not guessed. One audit row per import.
   */
  importCsv(text: string, file: string, actorMemberId: number | null, now: Date): ImportResult {
    let rows: Record<string, string>[];
    try {
      rows = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
    } catch (err) {
      throw new UserError('purchases.bad_csv', { problem: (err as Error).message });
    }
    const first = rows[0];
    if (first !== undefined && !('member' in first) && !('identity' in first)) throw new UserError('purchases.no_member_column');
    const problems: { line: number; message: string }[] = [];
    const seen = new Map<string, number>();
    let added = 0;
    let duplicates = 0;
    this.deps.db.transaction(() => {
      rows.forEach((row, i) => {
        const line = i + 2;
        const parsed = this.parseRow(row);
        if (typeof parsed === 'string') {
          problems.push({ line, message: parsed });
          return;
        }
        const content = [parsed.memberId, parsed.orders, parsed.amount, parsed.at.getTime(), parsed.note ?? ''].join('|');
        const nth = (seen.get(content) ?? 0) + 1;
        seen.set(content, nth);
        const key = row.order ? `import:order:${row.order}` : `import:${createHash('sha256').update(content).digest('hex').slice(0, 24)}#${nth}`;
        if (this.write(parsed, 'import', key, actorMemberId, now)) added++;
        else duplicates++;
      });
      this.deps.audit.record({ at: now, actorMemberId, action: 'purchase.import', detail: { file, rows: rows.length, added, duplicates, problems: problems.length } });
    });
    return { added, duplicates, problems };
  }

  private parseRow(row: Record<string, string>): PurchaseInput | string {
    let memberId: number | undefined;
    if (row.member) {
      const id = Number(row.member.replace(/^#/, ''));
      if (!Number.isInteger(id) || !this.deps.members.get(id)) return `unknown member "${row.member}"`;
      memberId = id;
    } else if (row.identity) {
      let user;
      try {
        user = parseUserKey(row.identity);
      } catch (err) {
        return (err as Error).message;
      }
      memberId = this.deps.members.findByIdentity(user);
      if (memberId === undefined) return `unknown identity "${row.identity}"`;
    } else return 'no member or identity';
    const orders = row.orders ? Number(row.orders) : 1;
    if (!Number.isInteger(orders) || orders < 0) return `orders must be a whole number, not "${row.orders}"`;
    const amount = row.amount ? Number(row.amount) : 0;
    if (!Number.isFinite(amount) || amount < 0) return `amount must be a number, not "${row.amount}"`;
    if (!row.date) return 'no date';
    const at = /^\d{4}-\d{2}-\d{2}$/.test(row.date) ? startOfLocalDay(row.date, this.deps.timeZone) : new Date(row.date);
    if (Number.isNaN(at.getTime())) return `date must be YYYY-MM-DD, not "${row.date}"`;
    return { memberId, orders, amount, at, note: row.note || null };
  }

  private write(input: PurchaseInput, source: 'import' | 'command', sourceKey: string, actor: number | null, recordedAt: Date): boolean {
    return (
      this.insert.run({
        memberId: input.memberId,
        orders: input.orders,
        amount: input.amount,
        at: input.at.getTime(),
        note: input.note ?? null,
        source,
        sourceKey,
        actor,
        recordedAt: recordedAt.getTime(),
      }).changes > 0
    );
  }

  totals(memberId: number): PurchaseTotals {
    return this.totalsQ.get(memberId) as PurchaseTotals;
  }

  /** Every recorded purchase, oldest first, for `export`. */
  exportAll(): { id: number; member: number; orders: number; amount: number; at: string; note: string | null; source: string; actor: number | null }[] {
    const rows = this.deps.db.sqlite
      .prepare('SELECT id, member_id AS member, orders, amount, at, note, source, actor_member_id AS actor FROM purchases ORDER BY id')
      .all() as { id: number; member: number; orders: number; amount: number; at: number; note: string | null; source: string; actor: number | null }[];
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }
}
