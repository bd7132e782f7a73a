import type Database from 'better-sqlite3';
import type { TierRule } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { Requirement } from './rules.ts';

/** A member with the figures their tier rules need, as one review statement reads them. */
export interface StatsRow {
  readonly memberId: number;
  readonly name: string;
  readonly locale: string | null;
  readonly tier: string;
  readonly createdAt: number;
  readonly since: number | null;
  readonly reason: string | null;
  readonly manualUntil: number | null;
  readonly warnedAt: number | null;
  readonly graceUntil: number | null;
  readonly keepOkUntil: number | null;
  readonly lifetimePoints: number;
  readonly activeDays: number;
  readonly posts: number;
  readonly shares: number;
  readonly streak: number;
  readonly orders: number;
  readonly spend: number;
  readonly daysInTier: number;
}

/** What a review statement is given: the window's first local day, yesterday, and the tier. */
export interface StatsParams {
  readonly from: string;
  readonly yesterday: string;
}

export interface InviteRow {
  readonly id: number;
  readonly memberId: number;
  readonly tier: string;
  readonly chatKey: string | null;
  readonly via: string;
  readonly status: string;
  readonly sentAt: number;
  readonly expiresAt: number;
  readonly resends: number;
  readonly joinedAt: number | null;
}

/** Each requirement's figure as a column, or 0 when no rule reads it (so the review never computes it). */
function statColumns(used: ReadonlySet<Requirement>): string {
  const col = (r: Requirement, sql: string) => (used.has(r) ? `${sql} AS ${r}` : `0 AS ${r}`);
  return [
    col('lifetimePoints', 'COALESCE(b.lifetime, 0)'),
    col('activeDays', '(SELECT COUNT(DISTINCT a.day) FROM activity_days a WHERE a.member_id = m.id AND a.day >= @from)'),
    col('posts', '(SELECT COALESCE(SUM(a.messages), 0) FROM activity_days a WHERE a.member_id = m.id AND a.day >= @from)'),
    col('shares', '(SELECT COALESCE(SUM(a.shares), 0) FROM activity_days a WHERE a.member_id = m.id AND a.day >= @from)'),
    col('streak', 'COALESCE((SELECT k.streak FROM checkins k WHERE k.member_id = m.id AND k.day >= @yesterday ORDER BY k.day DESC LIMIT 1), 0)'),
    col('orders', '(SELECT COALESCE(SUM(p.orders), 0) FROM purchases p WHERE p.member_id = m.id)'),
    col('spend', '(SELECT COALESCE(SUM(p.amount), 0) FROM purchases p WHERE p.member_id = m.id)'),
  ].join(',\n  ');
}

/** The requirements a list of rule sets reads. */
export function requirementsOf(rules: readonly TierRule[]): Set<Requirement> {
  const used = new Set<Requirement>();
  for (const r of rules) for (const k of Object.keys(r) as Requirement[]) if (r[k] !== undefined) used.add(k);
  return used;
}

/**
 * The rules as a SQL condition over the stat columns: the same test `meets` makes, so the database
 * returns only the members a rule decides about. The numbers come from validated config.
 */
function rulesSql(rules: readonly TierRule[]): string {
  return rules
    .map((r) => `(${(Object.keys(r) as Requirement[]).filter((k) => r[k] !== undefined).map((k) => `s.${k} >= ${Number(r[k])}`).join(' AND ')})`)
    .join(' OR ');
}

/**
 * Members who might meet one requirement set, from its most selective requirement: recorded
 * purchases (a small table), lifetime points (an index), the live streaks (an index on the day), or
 * activity in the window. Undefined when
 * the set can only be judged member by member (`daysInTier` alone).
 */
function seedFor(rule: TierRule): string | undefined {
  const n = (v: number | undefined) => (v !== undefined && v > 0 ? v : undefined);
  const activity = (having: string) => `SELECT member_id FROM activity_days WHERE day >= @from GROUP BY member_id HAVING ${having}`;
  if (n(rule.orders)) return `SELECT member_id FROM purchases GROUP BY member_id HAVING SUM(orders) >= ${rule.orders}`;
  if (n(rule.spend)) return `SELECT member_id FROM purchases GROUP BY member_id HAVING SUM(amount) >= ${rule.spend}`;
  if (n(rule.lifetimePoints)) return `SELECT member_id FROM balances WHERE lifetime >= ${rule.lifetimePoints}`;
  if (n(rule.activeDays)) return activity(`COUNT(DISTINCT day) >= ${rule.activeDays}`);
  // Not from active days: a make-up card carries a streak over a day with no activity.
  if (n(rule.streak)) return `SELECT member_id FROM checkins WHERE day >= @yesterday AND streak >= ${rule.streak}`;
  if (n(rule.posts)) return activity(`SUM(messages) >= ${rule.posts}`);
  if (n(rule.shares)) return activity(`SUM(shares) >= ${rule.shares}`);
  return undefined;
}

export interface TierRepoOptions {
  /** Every requirement some tier's entry or keep rules read (what `/tier` shows). */
  readonly used: ReadonlySet<Requirement>;
  /** Per tier id (not the top one): the entry rules of every tier above it, and of the next one. */
  readonly entry: ReadonlyMap<string, { readonly above: readonly TierRule[]; readonly next: readonly TierRule[] }>;
  /** Per tier id with keep rules. */
  readonly keep: ReadonlyMap<string, readonly TierRule[]>;
}

/** The tiers feature's SQL: review reads over the whole community, and its own tables' writes. */
export class TierRepo {
  private readonly keepOf = new Map<string, Database.Statement>();
  private readonly candidatesOf = new Map<string, Database.Statement>();
  private readonly statsOfMember: Database.Statement;
  private readonly upsertQ: Database.Statement;
  private readonly warnQ: Database.Statement;
  private readonly clearQ: Database.Statement;
  private readonly keepOkQ: Database.Statement;
  private readonly insertInviteQ: Database.Statement;
  private readonly joinedQ: Database.Statement;
  private readonly dueInvitesQ: Database.Statement;
  private readonly resentQ: Database.Statement;
  private readonly inviteStatusQ: Database.Statement;
  private readonly openInvitesQ: Database.Statement<[number]>;

  constructor(
    private readonly db: Db,
    options: TierRepoOptions,
  ) {
    const s = db.sqlite;
    // The figures are computed for the tier's members in one pass (members by the tier index, in
    // id order, so every probe of activity, purchases and balances walks forward); only the rows
    // the rules decide about reach JavaScript, with their names joined last.
    const stats = (used: ReadonlySet<Requirement>, where: string, having: string) => `
      WITH s AS (
        SELECT m.id AS memberId, m.tier AS tier, m.created_at AS createdAt,
          t.since AS since, t.reason AS reason, t.manual_until AS manualUntil, t.warned_at AS warnedAt, t.grace_until AS graceUntil, t.keep_ok_until AS keepOkUntil,
          CAST((@now - COALESCE(t.since, m.created_at)) / 86400000 AS INTEGER) AS daysInTier,
          ${statColumns(used)}
        FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id LEFT JOIN balances b ON b.member_id = m.id
        WHERE ${where}
      )
      SELECT s.*, n.name AS name, n.locale AS locale FROM s JOIN members n ON n.id = s.memberId WHERE ${having}`;
    const open = 'm.tier = @tier AND m.merged_into IS NULL AND (t.manual_until IS NULL OR t.manual_until <= @now)';
    for (const [tier, rules] of options.keep) {
      // Keep rules judge a full window in the tier: a member promoted last week, or one the bot
      // first met in this tier's group, is not warned over days before they held it.
      // Members known to meet them until later (`keep_ok_until`) are skipped.
      this.keepOf.set(
        tier,
        s.prepare(
          stats(requirementsOf(rules), `${open} AND COALESCE(t.since, m.created_at) <= @judgedBefore AND (t.keep_ok_until IS NULL OR t.keep_ok_until <= @now)`, 'true'),
        ),
      );
    }
    for (const [tier, { above, next }] of options.entry) {
      if (next.length === 0) continue;
      const seeds = above.map((r) => seedFor(r));
      // One unseedable set means every member of the tier is a candidate.
      const seeded = seeds.every((x) => x !== undefined) ? `AND m.id IN (${[...new Set(seeds)].join(' UNION ALL ')})` : '';
      this.candidatesOf.set(tier, s.prepare(stats(requirementsOf(above), `${open} ${seeded}`, rulesSql(next))));
    }
    this.statsOfMember = s.prepare(stats(options.used, 'm.id = @memberId', 'true'));
    this.upsertQ = s.prepare(
      `INSERT INTO member_tiers (member_id, tier, since, reason, note, decided_by, manual_until, warned_at, grace_until)
       VALUES (@memberId, @tier, @since, @reason, @note, @decidedBy, @manualUntil, NULL, NULL)
       ON CONFLICT (member_id) DO UPDATE SET tier = @tier, since = @since, reason = @reason, note = @note, decided_by = @decidedBy,
         manual_until = @manualUntil, warned_at = NULL, grace_until = NULL, keep_ok_until = NULL`,
    );
    this.warnQ = s.prepare(
      `INSERT INTO member_tiers (member_id, tier, since, reason, warned_at, grace_until) VALUES (@memberId, @tier, @since, 'start', @at, @graceUntil)
       ON CONFLICT (member_id) DO UPDATE SET warned_at = @at, grace_until = @graceUntil, keep_ok_until = NULL`,
    );
    this.keepOkQ = s.prepare(
      `INSERT INTO member_tiers (member_id, tier, since, reason, keep_ok_until) VALUES (@memberId, @tier, @since, 'start', @until)
       ON CONFLICT (member_id) DO UPDATE SET keep_ok_until = @until`,
    );
    this.clearQ = s.prepare('UPDATE member_tiers SET warned_at = NULL, grace_until = NULL WHERE member_id = ?');
    this.insertInviteQ = s.prepare(
      `INSERT INTO tier_invites (member_id, tier, chat_key, via, status, sent_at, expires_at, resends)
       VALUES (@memberId, @tier, @chatKey, @via, 'sent', @at, @expiresAt, 0)`,
    );
    this.joinedQ = s.prepare(`UPDATE tier_invites SET status = 'joined', joined_at = @at WHERE member_id = @memberId AND status = 'sent' AND tier = @tier`);
    this.dueInvitesQ = s.prepare(
      `SELECT id, member_id AS memberId, tier, chat_key AS chatKey, via, status, sent_at AS sentAt, expires_at AS expiresAt, resends, joined_at AS joinedAt
       FROM tier_invites WHERE status = 'sent' AND expires_at <= ? ORDER BY id`,
    );
    this.resentQ = s.prepare(`UPDATE tier_invites SET resends = resends + 1, sent_at = @at, expires_at = @expiresAt WHERE id = @id`);
    this.inviteStatusQ = s.prepare('UPDATE tier_invites SET status = ? WHERE id = ?');
    this.openInvitesQ = s.prepare(`SELECT id FROM tier_invites WHERE member_id = ? AND status = 'sent'`);
  }

  /** The members of a tier to judge on its keep rules today (a full window in it, not known to be fine). */
  keepReview(tier: string, params: StatsParams, now: number, windowDays: number): StatsRow[] {
    return (this.keepOf.get(tier)?.all({ ...params, tier, now, judgedBefore: now - windowDays * 86_400_000 }) ?? []) as StatsRow[];
  }

  /** The members of a tier who meet the next tier's entry rules, with their figures. */
  promotionCandidates(tier: string, params: StatsParams, now: number): StatsRow[] {
    return (this.candidatesOf.get(tier)?.all({ ...params, tier, now }) ?? []) as StatsRow[];
  }

  memberStats(memberId: number, params: StatsParams, now: number): StatsRow | undefined {
    return this.statsOfMember.get({ ...params, memberId, now }) as StatsRow | undefined;
  }

  /** Records a new tier decision; clears any warning. */
  decide(d: { memberId: number; tier: string; since: number; reason: string; note: string | null; decidedBy: number | null; manualUntil: number | null }): void {
    this.upsertQ.run(d);
  }

  warn(memberId: number, tier: string, since: number, at: number, graceUntil: number): void {
    this.warnQ.run({ memberId, tier, since, at, graceUntil });
  }

  /** Records that the member meets their keep rules until `until`. */
  keepOk(memberId: number, tier: string, since: number, until: number): void {
    this.keepOkQ.run({ memberId, tier, since, until });
  }

  clearWarning(memberId: number): void {
    this.clearQ.run(memberId);
  }

  insertInvite(i: { memberId: number; tier: string; chatKey: string | null; via: string; at: number; expiresAt: number }): void {
    this.insertInviteQ.run(i);
  }

  /** Marks the member's open invite to a tier joined; true when there was one. */
  markJoined(memberId: number, tier: string, at: number): boolean {
    return this.joinedQ.run({ memberId, tier, at }).changes > 0;
  }

  dueInvites(now: number): InviteRow[] {
    return this.dueInvitesQ.all(now) as InviteRow[];
  }

  resent(id: number, at: number, expiresAt: number): void {
    this.resentQ.run({ id, at, expiresAt });
  }

  setInviteStatus(id: number, status: 'expired' | 'closed'): void {
    this.inviteStatusQ.run(status, id);
  }

  /** Closes every open invite of a member (after a demotion or a manual move). */
  closeOpenInvites(memberId: number): void {
    for (const r of this.openInvitesQ.all(memberId) as { id: number }[]) this.inviteStatusQ.run('closed', r.id);
  }

  exportDecisions(): unknown[] {
    return this.db.sqlite
      .prepare(
        `SELECT member_id AS member, tier, since, reason, note, decided_by AS decidedBy, manual_until AS manualUntil, warned_at AS warnedAt,
         grace_until AS graceUntil, keep_ok_until AS keepOkUntil FROM member_tiers ORDER BY member_id`,
      )
      .all()
      .map((r) => isoTimes(r as Record<string, unknown>, ['since', 'manualUntil', 'warnedAt', 'graceUntil', 'keepOkUntil']));
  }

  exportInvites(): unknown[] {
    return this.db.sqlite
      .prepare(
        `SELECT id, member_id AS member, tier, chat_key AS chat, via, status, sent_at AS sentAt, expires_at AS expiresAt, resends, joined_at AS joinedAt
         FROM tier_invites ORDER BY id`,
      )
      .all()
      .map((r) => isoTimes(r as Record<string, unknown>, ['sentAt', 'expiresAt', 'joinedAt']));
  }
}

function isoTimes(row: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...row };
  for (const f of fields) if (typeof out[f] === 'number') out[f] = new Date(out[f]).toISOString();
  return out;
}
