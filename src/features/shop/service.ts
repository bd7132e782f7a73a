import type Database from 'better-sqlite3';
import { localDay, monthStart, startOfLocalDay, weekStart } from '../../core/clock.ts';
import type { Actor, Choice } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { msg } from '../../core/i18n.ts';
import type { RewardConfig, RewardsConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { CheckinService } from '../checkin/index.ts';
import type { PointsService } from '../points/index.ts';
import type { TierService } from '../tiers/index.ts';

export interface ShopDeps {
  readonly db: Db;
  readonly catalogue: RewardsConfig;
  readonly points: PointsService;
  readonly tiers: TierService;
  readonly checkins: CheckinService;
  readonly audit: AuditService;
}

export interface RedeemRequest {
  readonly actor: Actor;
  readonly sku: string;
  readonly qty: number;
  readonly chatKey: string;
  /** The zone the per-member limit's periods and the make-up card's "yesterday" use. */
  readonly timeZone: string;
  readonly at: Date;
  /** The `/redeem` event: the spend's source key, so a redelivered command never charges twice. */
  readonly eventKey: string;
}

export interface RedeemResult {
  readonly id: number;
  readonly reward: RewardConfig;
  readonly status: 'fulfilled' | 'pending';
  readonly cost: number;
  readonly codes: readonly string[];
  readonly balance: number;
  /** Set when this redemption took the stock down to the low-stock threshold. */
  readonly lowStock: number | null;
}

export interface RedemptionRow {
  readonly id: number;
  readonly memberId: number;
  readonly name: string;
  readonly sku: string;
  readonly qty: number;
  readonly cost: number;
  readonly status: string;
  readonly code: string | null;
  readonly chatKey: string;
  readonly at: number;
  readonly reason: string | null;
}

/**
 * The reward shop: catalogue from `rewards.yaml`, stock and code pools in the database, and
 * redemptions that check eligibility, the per-member limit, stock and balance in one synchronous
 * transaction, so a failure at any step leaves nothing changed.
 */
export class ShopService {
  private readonly bySku: Map<string, RewardConfig>;
  private readonly q: Record<string, Database.Statement>;

  constructor(private readonly deps: ShopDeps) {
    this.bySku = new Map(deps.catalogue.rewards.map((r) => [r.sku, r]));
    const s = deps.db.sqlite;
    this.q = {
      seed: s.prepare('INSERT OR IGNORE INTO reward_stock (sku, stock) VALUES (?, ?)'),
      // Switching a reward between limited and unlimited in rewards.yaml takes effect; a count already in the database stays (use /stock).
      reseed: s.prepare('UPDATE reward_stock SET stock = @stock WHERE sku = @sku AND (stock IS NULL) != (@stock IS NULL)'),
      stock: s.prepare('SELECT stock FROM reward_stock WHERE sku = ?'),
      freeCodes: s.prepare('SELECT id, code FROM reward_codes WHERE sku = ? AND redemption_id IS NULL ORDER BY id LIMIT ?'),
      countFree: s.prepare('SELECT COUNT(*) AS n FROM reward_codes WHERE sku = ? AND redemption_id IS NULL'),
      takeCode: s.prepare('UPDATE reward_codes SET redemption_id = ? WHERE id = ? AND redemption_id IS NULL'),
      insertCode: s.prepare('INSERT OR IGNORE INTO reward_codes (sku, code, imported_at) VALUES (?, ?, ?)'),
      take: s.prepare('UPDATE reward_stock SET stock = stock - @qty WHERE sku = @sku AND (stock IS NULL OR stock >= @qty)'),
      adjust: s.prepare('UPDATE reward_stock SET stock = MAX(0, stock + ?) WHERE sku = ? AND stock IS NOT NULL'),
      // An operator's change that would take stock below zero is refused, not clamped.
      change: s.prepare('UPDATE reward_stock SET stock = stock + @delta WHERE sku = @sku AND stock IS NOT NULL AND stock + @delta >= 0'),
      used: s.prepare("SELECT COALESCE(SUM(qty), 0) AS n FROM redemptions WHERE member_id = ? AND sku = ? AND at >= ? AND status != 'rejected'"),
      usedKind: s.prepare(`SELECT COUNT(*) AS n FROM redemptions WHERE member_id = ? AND sku IN (SELECT value FROM json_each(?)) AND at >= ? AND status != 'rejected'`),
      insert: s.prepare(
        `INSERT INTO redemptions (member_id, sku, qty, cost, status, code, chat_key, event_key, at)
         VALUES (@memberId, @sku, @qty, @cost, @status, NULL, @chatKey, @eventKey, @at)`,
      ),
      setCode: s.prepare('UPDATE redemptions SET code = ? WHERE id = ?'),
      byEvent: s.prepare('SELECT id FROM redemptions WHERE event_key = ?'),
      decide: s.prepare("UPDATE redemptions SET status = @status, decided_by = @by, decided_at = @at, reason = @reason WHERE id = @id AND status = 'pending'"),
      get: s.prepare(`SELECT r.id, r.member_id AS memberId, m.name, r.sku, r.qty, r.cost, r.status, r.code, r.chat_key AS chatKey, r.at, r.reason
        FROM redemptions r JOIN members m ON m.id = r.member_id WHERE r.id = ?`),
      pending: s.prepare(`SELECT r.id, r.member_id AS memberId, m.name, r.sku, r.qty, r.cost, r.status, r.code, r.chat_key AS chatKey, r.at, r.reason
        FROM redemptions r JOIN members m ON m.id = r.member_id WHERE r.status = 'pending' ORDER BY r.id LIMIT ?`),
      codesOf: s.prepare("SELECT id, sku, code, at FROM redemptions WHERE member_id = ? AND code IS NOT NULL ORDER BY id DESC LIMIT ?"),
      all: s.prepare('SELECT id, member_id AS member, sku, qty, cost, status, code, at, reason FROM redemptions ORDER BY id'),
    };
    deps.db.transaction(() => {
      for (const r of deps.catalogue.rewards) {
        if (r.kind === 'code') continue;
        this.q.seed!.run(r.sku, r.stock ?? null);
        this.q.reseed!.run({ sku: r.sku, stock: r.stock ?? null });
      }
    });
  }

  /** The catalogue's SKUs in file order (for usage examples). */
  skus(): string[] {
    return this.deps.catalogue.rewards.map((r) => r.sku);
  }

  reward(sku: string): RewardConfig | undefined {
    return this.bySku.get(sku);
  }

  /** The enabled rewards a member of `tier` may see and redeem. */
  /** The rewards as choices of a `sku` argument: typed by SKU or by their name in any language (`兑换 补签卡`). */
  choices(): Choice[] {
    return this.deps.catalogue.rewards.filter((r) => r.enabled).map((r) => (typeof r.name === 'string' ? { value: r.sku, words: [r.name] } : { value: r.sku, labels: r.name }));
  }

  visible(tier: string): RewardConfig[] {
    const rank = this.deps.tiers.rank(tier);
    return this.deps.catalogue.rewards.filter((r) => r.enabled && (r.minTier === undefined || this.deps.tiers.rank(r.minTier) <= rank));
  }

  /** Items left (null = unlimited): unused codes for `code` rewards, the stock row otherwise. */
  stockOf(sku: string): number | null {
    const reward = this.bySku.get(sku);
    if (reward?.kind === 'code') return (this.q.countFree!.get(sku) as { n: number }).n;
    const row = this.q.stock!.get(sku) as { stock: number | null } | undefined;
    return row ? row.stock : null;
  }

  private periodStart(period: NonNullable<RewardConfig['limit']>['period'], at: Date, timeZone: string): number {
    if (period === 'ever') return 0;
    const today = localDay(at, timeZone);
    const day = period === 'day' ? today : period === 'week' ? weekStart(today) : monthStart(today);
    return startOfLocalDay(day, timeZone).getTime();
  }

  /**
   * Redeems in one synchronous transaction (a savepoint inside the event's): eligibility, the
   * per-member limit, stock (a conditional update, or unused codes), the conditional spend, the
   * redemption row, then the reward itself (codes taken, or yesterday's check-in restored).
   */
  redeem(req: RedeemRequest): RedeemResult {
    const { points, tiers, checkins } = this.deps;
    return this.deps.db.transaction(() => {
      const reward = this.bySku.get(req.sku);
      if (!reward || !reward.enabled) throw new UserError('shop.unknown', { sku: req.sku });
      if (reward.minTier !== undefined && tiers.rank(req.actor.tier) < tiers.rank(reward.minTier)) {
        throw new UserError('shop.tier_too_low', { tier: tiers.name(reward.minTier, req.actor.locale) });
      }
      if (reward.kind === 'streak-repair') {
        if (req.qty !== 1) throw new UserError('shop.one_at_a_time');
        // At most one make-up card a week, whichever sku sells it.
        const cards = JSON.stringify(this.deps.catalogue.rewards.filter((r) => r.kind === 'streak-repair').map((r) => r.sku));
        if ((this.q.usedKind!.get(req.actor.memberId, cards, this.periodStart('week', req.at, req.timeZone)) as { n: number }).n > 0) {
          throw new UserError('shop.repair_weekly');
        }
        if (!checkins.canRestoreYesterday(req.actor.memberId, req.at, req.timeZone)) throw new UserError('checkin.nothing_to_restore');
      }
      if (reward.limit) {
        const used = (this.q.used!.get(req.actor.memberId, reward.sku, this.periodStart(reward.limit.period, req.at, req.timeZone)) as { n: number }).n;
        if (used + req.qty > reward.limit.count) throw new UserError(`shop.limit_${reward.limit.period}`, { count: reward.limit.count, used });
      }
      const before = this.stockOf(reward.sku);
      let codes: { id: number; code: string }[] = [];
      if (reward.kind === 'code') {
        codes = this.q.freeCodes!.all(reward.sku, req.qty) as { id: number; code: string }[];
        if (codes.length < req.qty) throw new UserError('shop.out_of_stock', { name: reward.sku });
      } else if (this.q.take!.run({ sku: reward.sku, qty: req.qty }).changes === 0) {
        throw new UserError('shop.out_of_stock', { name: reward.sku });
      }
      const cost = reward.cost * req.qty;
      points.spend({ memberId: req.actor.memberId, cost, reason: 'redeem', sourceKey: req.eventKey, at: req.at, note: `${reward.sku} x${req.qty}` });
      const status = reward.kind === 'manual' ? 'pending' : 'fulfilled';
      const id = Number(
        this.q.insert!.run({ memberId: req.actor.memberId, sku: reward.sku, qty: req.qty, cost, status, chatKey: req.chatKey, eventKey: req.eventKey, at: req.at.getTime() }).lastInsertRowid,
      );
      for (const c of codes) {
        if (this.q.takeCode!.run(id, c.id).changes === 0) throw new Error(`code ${c.id} was taken twice`);
      }
      if (codes.length > 0) this.q.setCode!.run(codes.map((c) => c.code).join('\n'), id);
      if (reward.kind === 'streak-repair') checkins.restoreYesterday(req.actor.memberId, req.chatKey, req.at, req.timeZone, req.eventKey);
      const after = this.stockOf(reward.sku);
      const threshold = this.deps.catalogue.lowStock;
      const lowStock = before !== null && after !== null && before > threshold && after <= threshold ? after : null;
      return { id, reward, status, cost, codes: codes.map((c) => c.code), balance: points.standing(req.actor.memberId).balance, lowStock };
    });
  }

  /**
   * Hands a reward to a member as a prize (a campaign's winner): no points are spent and no limit
   * applies, but stock is taken (or a code) as for a redemption, and a manual reward waits for a
   * moderator. Once per `key`: a repeat returns undefined and changes nothing. Throws
   * `shop.out_of_stock` when none is left, rolling back nothing but itself (a savepoint).
   */
  grant(input: { readonly memberId: number; readonly sku: string; readonly chatKey: string; readonly key: string; readonly at: Date; readonly actorMemberId: number | null }): RedeemResult | undefined {
    return this.deps.db.transaction(() => {
      const reward = this.bySku.get(input.sku);
      if (!reward) throw new UserError('shop.unknown', { sku: input.sku });
      if (this.q.byEvent!.get(input.key) !== undefined) return undefined;
      let codes: { id: number; code: string }[] = [];
      if (reward.kind === 'code') {
        codes = this.q.freeCodes!.all(reward.sku, 1) as { id: number; code: string }[];
        if (codes.length < 1) throw new UserError('shop.out_of_stock', { name: reward.sku });
      } else if (this.q.take!.run({ sku: reward.sku, qty: 1 }).changes === 0) {
        throw new UserError('shop.out_of_stock', { name: reward.sku });
      }
      const status = reward.kind === 'manual' ? 'pending' : 'fulfilled';
      const id = Number(this.q.insert!.run({ memberId: input.memberId, sku: reward.sku, qty: 1, cost: 0, status, chatKey: input.chatKey, eventKey: input.key, at: input.at.getTime() }).lastInsertRowid);
      for (const c of codes) {
        if (this.q.takeCode!.run(id, c.id).changes === 0) throw new Error(`code ${c.id} was taken twice`);
      }
      if (codes.length > 0) this.q.setCode!.run(codes.map((c) => c.code).join('\n'), id);
      this.deps.audit.record({ at: input.at, actorMemberId: input.actorMemberId, action: 'reward.grant', targetMemberId: input.memberId, detail: { redemption: id, sku: reward.sku, key: input.key } });
      return { id, reward, status, cost: 0, codes: codes.map((c) => c.code), balance: this.deps.points.standing(input.memberId).balance, lowStock: null };
    });
  }

  /** Manual redemptions waiting for a moderator, oldest first. */
  pending(limit = 20): RedemptionRow[] {
    return this.q.pending!.all(limit) as RedemptionRow[];
  }

  /** How many manual redemptions wait for a moderator. */
  pendingCount(): number {
    return (this.deps.db.sqlite.prepare("SELECT COUNT(*) AS n FROM redemptions WHERE status = 'pending'").get() as { n: number }).n;
  }

  get(id: number): RedemptionRow | undefined {
    return this.q.get!.get(id) as RedemptionRow | undefined;
  }

  private decide(id: number, status: 'fulfilled' | 'rejected', actorMemberId: number, at: Date, reason: string | null): RedemptionRow {
    const row = this.get(id);
    if (!row) throw new UserError('shop.redemption_unknown', { id });
    if (this.q.decide!.run({ id, status, by: actorMemberId, at: at.getTime(), reason }).changes === 0) {
      throw new UserError('shop.redemption_decided', { id, status: msg(`shop.status.${row.status}`) });
    }
    return row;
  }

  /** A moderator marks a manual redemption sent. Only a pending one can be fulfilled. Audited. */
  fulfil(id: number, actorMemberId: number, at: Date): RedemptionRow {
    const row = this.decide(id, 'fulfilled', actorMemberId, at, null);
    this.deps.audit.record({ at, actorMemberId, action: 'redemption.fulfil', targetMemberId: row.memberId, detail: { redemption: id, sku: row.sku, qty: row.qty } });
    return row;
  }

  /**
   * A moderator rejects a pending redemption: refunds the points with a new ledger row keyed by the
   * redemption (so the refund can happen once however often the command arrives) and puts the
   * stock back. Audited.
   */
  reject(id: number, actorMemberId: number, at: Date, reason: string): RedemptionRow {
    const row = this.decide(id, 'rejected', actorMemberId, at, reason);
    this.deps.points.credit({ memberId: row.memberId, delta: row.cost, reason: 'refund', sourceKey: `redemption:${id}`, at, actorMemberId, note: reason, earned: false });
    this.q.adjust!.run(row.qty, row.sku);
    this.deps.audit.record({ at, actorMemberId, action: 'redemption.reject', targetMemberId: row.memberId, detail: { redemption: id, sku: row.sku, qty: row.qty, refund: row.cost }, reason });
    return row;
  }

  /** `/stock sku +N`: changes a limited reward's stock; a change below zero is refused with the current stock. Audited. */
  adjustStock(sku: string, delta: number, actorMemberId: number, at: Date): number {
    const reward = this.bySku.get(sku);
    if (!reward) throw new UserError('shop.unknown', { sku });
    if (reward.kind === 'code') throw new UserError('shop.stock_is_codes', { sku });
    if (this.q.change!.run({ delta, sku }).changes === 0) {
      const current = this.stockOf(sku);
      if (current === null) throw new UserError('shop.stock_unlimited', { sku });
      throw new UserError('shop.stock_below_zero', { sku, stock: current, change: delta });
    }
    const stock = this.stockOf(sku) ?? 0;
    this.deps.audit.record({ at, actorMemberId, action: 'stock.adjust', detail: { sku, delta, stock } });
    return stock;
  }

  /**
   * Adds codes to a `code` reward's pool; codes already in the pool are skipped. Audited.
   * Runs in its own transaction.
   */
  importCodes(sku: string, codes: readonly string[], actorMemberId: number | null, at: Date): { added: number; skipped: number } {
    const reward = this.bySku.get(sku);
    if (!reward) throw new UserError('shop.unknown', { sku });
    if (reward.kind !== 'code') throw new UserError('shop.not_code', { sku });
    return this.deps.db.transaction(() => {
      let added = 0;
      for (const code of codes) added += this.q.insertCode!.run(sku, code, at.getTime()).changes;
      this.deps.audit.record({ at, actorMemberId, action: 'codes.import', detail: { sku, added, skipped: codes.length - added } });
      return { added, skipped: codes.length - added };
    });
  }

  /** A member's own codes, newest first (to read again in a direct chat). */
  codesOf(memberId: number, limit = 10): { id: number; sku: string; code: string; at: number }[] {
    return this.q.codesOf!.all(memberId, limit) as { id: number; sku: string; code: string; at: number }[];
  }

  /** Every redemption, oldest first, for `export`. */
  exportAll(): { id: number; member: number; sku: string; qty: number; cost: number; status: string; code: string | null; at: string; reason: string | null }[] {
    return (this.q.all!.all() as { id: number; member: number; sku: string; qty: number; cost: number; status: string; code: string | null; at: number; reason: string | null }[]).map((r) => ({
      ...r,
      at: new Date(r.at).toISOString(),
    }));
  }
}

/** Codes from CSV text: the first column of each line, without quotes; a header line `code` is skipped. */
export function parseCodesCsv(text: string): string[] {
  const codes: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const first = line.split(',')[0]!.trim().replace(/^"(.*)"$/, '$1').trim();
    if (first === '' || (codes.length === 0 && first.toLowerCase() === 'code')) continue;
    codes.push(first);
  }
  return [...new Set(codes)];
}
