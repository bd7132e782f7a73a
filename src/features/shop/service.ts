import type Database from 'better-sqlite3';
import { localDay, monthStart, startOfLocalDay, weekStart } from '../../core/clock.ts';
import type { Actor, Choice } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { msg } from '../../core/i18n.ts';
import type { StockLevel } from './schema.ts';
import type { RewardConfig, RewardsConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import { joinLines, type Outbound } from '../../core/outbound.ts';
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
  readonly translator: Translator;
  /** The staff chat (`platform:chat-id`) stock alerts go to; without one there are none. */
  readonly staffChat?: string | undefined;
  /** The language staff alerts are written in (the community's). */
  readonly staffLocale: Locale;
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
  /**
   * What the staff chat is told: a manual redemption to send (with what the member is asked for),
   * and the alert when this redemption took the stock down to the low-stock line or to zero.
   */
  readonly staff: readonly Outbound[];
}

/** What a change of stock did, with the staff alert it caused (if it crossed a line). */
export interface StockChange {
  /** Items left afterwards (null = unlimited). */
  readonly stock: number | null;
  readonly alerts: readonly Outbound[];
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
  /** The shipping details the member sent with `/ship`, if the reward collects them. */
  readonly details: string | null;
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
      get: s.prepare(`SELECT r.id, r.member_id AS memberId, m.name, r.sku, r.qty, r.cost, r.status, r.code, r.chat_key AS chatKey, r.at, r.reason, r.details
        FROM redemptions r JOIN members m ON m.id = r.member_id WHERE r.id = ?`),
      pending: s.prepare(`SELECT r.id, r.member_id AS memberId, m.name, r.sku, r.qty, r.cost, r.status, r.code, r.chat_key AS chatKey, r.at, r.reason, r.details
        FROM redemptions r JOIN members m ON m.id = r.member_id WHERE r.status = 'pending' ORDER BY r.id LIMIT ?`),
      setDetails: s.prepare("UPDATE redemptions SET details = @details, details_at = @at WHERE id = @id AND status = 'pending'"),
      codesOf: s.prepare("SELECT id, sku, code, at FROM redemptions WHERE member_id = ? AND code IS NOT NULL ORDER BY id DESC LIMIT ?"),
      all: s.prepare('SELECT id, member_id AS member, sku, qty, cost, status, code, at, reason FROM redemptions ORDER BY id'),
      alertState: s.prepare('SELECT level, seq FROM stock_alerts WHERE sku = ?'),
      setAlert: s.prepare(
        `INSERT INTO stock_alerts (sku, level, seq, at) VALUES (@sku, @level, @seq, @at)
         ON CONFLICT (sku) DO UPDATE SET level = excluded.level, seq = excluded.seq, at = excluded.at`,
      ),
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

  /**
   * The cheapest reward a member of `tier` could redeem now: visible to the tier, in stock, and
   * not a make-up card (which only mends yesterday). What a recall offers a member coming back.
   */
  cheapestFor(tier: string, locale: Locale): { name: string; cost: number } | undefined {
    const reward = this.visible(tier)
      .filter((r) => r.kind !== 'streak-repair' && this.stockOf(r.sku) !== 0)
      .sort((a, b) => a.cost - b.cost)[0];
    return reward && { name: typeof reward.name === 'string' ? reward.name : reward.name[locale], cost: reward.cost };
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
      const { alerts } = this.stockChanged(reward.sku, req.at);
      let staff = alerts;
      if (status === 'pending') {
        const params = { ...this.staffParams(id, req.actor.name, reward, req.qty), cost };
        const asked = reward.collect.length > 0 ? [['shop.new_redemption_asked', params] as const] : [];
        staff = [...this.toStaff(['shop.new_redemption', params], ...asked), ...alerts];
      }
      return { id, reward, status, cost, codes: codes.map((c) => c.code), balance: points.standing(req.actor.memberId).balance, staff };
    });
  }

  /**
   * The member sends what their manual reward needs to be sent (`collect`: name, address, …).
   * Only their own pending redemption of a reward that collects details; sending again replaces
   * it (a corrected address). The staff chat is told, with the details, in the same transaction.
   * Audited.
   */
  submitDetails(id: number, memberId: number, details: string, at: Date): { row: RedemptionRow; staff: readonly Outbound[] } {
    return this.deps.db.transaction(() => {
      const row = this.get(id);
      if (!row || row.memberId !== memberId) throw new UserError('shop.redemption_unknown', { id });
      const reward = this.bySku.get(row.sku);
      if (!reward || reward.collect.length === 0) throw new UserError('shop.details_not_needed', { id });
      if (this.q.setDetails!.run({ id, details: details.trim(), at: at.getTime() }).changes === 0) {
        throw new UserError('shop.redemption_decided', { id, status: msg(`shop.status.${row.status}`) });
      }
      this.deps.audit.record({ at, actorMemberId: memberId, action: 'redemption.details', targetMemberId: memberId, detail: { redemption: id, sku: row.sku } });
      const staff = this.toStaff(['shop.details_received', { ...this.staffParams(id, row.name, reward, row.qty), details: details.trim() }]);
      return { row: { ...row, details: details.trim() }, staff };
    });
  }

  /** The parameters staff messages about a redemption share, in the staff's language. */
  private staffParams(id: number, member: string, reward: RewardConfig, qty: number): Record<string, string | number> {
    const { staffLocale } = this.deps;
    return { id, member, name: typeof reward.name === 'string' ? reward.name : reward.name[staffLocale], sku: reward.sku, qty, needs: this.needsOf(reward, staffLocale) };
  }

  /** What a reward collects to be sent, in a reader's language: "name, postal address, phone". */
  needsOf(reward: RewardConfig, locale: Locale): string {
    const { translator } = this.deps;
    return reward.collect.map((f) => translator.text(locale, `shop.collect.${f}`)).join(translator.text(locale, 'shop.collect_separator'));
  }

  /** One message to the staff chat, a line per key, in the staff's language; none without a staff chat. */
  private toStaff(...lines: readonly (readonly [key: string, params: Record<string, string | number>])[]): Outbound[] {
    const { staffChat, translator, staffLocale } = this.deps;
    if (!staffChat || lines.length === 0) return [];
    return [{ type: 'send', chat: parseChatKey(staffChat), body: joinLines(lines.map(([key, params]) => translator.t(staffLocale, key, params))) }];
  }

  /**
   * Hands a reward to a member as a prize (a campaign's winner): no points are spent and no limit
   * applies, but stock is taken (or a code) as for a redemption, and a manual reward waits for a
   * moderator. Once per `key`: a repeat returns undefined and changes nothing. Throws
   * `shop.out_of_stock` when none is left, rolling back nothing but itself (a savepoint).
   */
  grant(input: { readonly memberId: number; readonly name: string; readonly sku: string; readonly chatKey: string; readonly key: string; readonly at: Date; readonly actorMemberId: number | null }): RedeemResult | undefined {
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
      const { alerts } = this.stockChanged(reward.sku, input.at);
      let staff = alerts;
      if (status === 'pending') {
        const params = { ...this.staffParams(id, input.name, reward, 1), cost: 0 };
        const asked = reward.collect.length > 0 ? [['shop.new_redemption_asked', params] as const] : [];
        staff = [...this.toStaff(['shop.new_redemption', params], ...asked), ...alerts];
      }
      return { id, reward, status, cost: 0, codes: codes.map((c) => c.code), balance: this.deps.points.standing(input.memberId).balance, staff };
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
    return this.deps.db.transaction(() => {
      const row = this.decide(id, 'rejected', actorMemberId, at, reason);
      this.deps.points.credit({ memberId: row.memberId, delta: row.cost, reason: 'refund', sourceKey: `redemption:${id}`, at, actorMemberId, note: reason, earned: false });
      this.q.adjust!.run(row.qty, row.sku);
      // Stock coming back can lift it above the line: the next fall is announced again.
      this.stockChanged(row.sku, at);
      this.deps.audit.record({ at, actorMemberId, action: 'redemption.reject', targetMemberId: row.memberId, detail: { redemption: id, sku: row.sku, qty: row.qty, refund: row.cost }, reason });
      return row;
    });
  }

  /** `/stock sku +N`: changes a limited reward's stock; a change below zero is refused with the current stock. Audited. */
  adjustStock(sku: string, delta: number, actorMemberId: number, at: Date): StockChange {
    const reward = this.bySku.get(sku);
    if (!reward) throw new UserError('shop.unknown', { sku });
    if (reward.kind === 'code') throw new UserError('shop.stock_is_codes', { sku });
    return this.deps.db.transaction(() => {
      if (this.q.change!.run({ delta, sku }).changes === 0) {
        const current = this.stockOf(sku);
        if (current === null) throw new UserError('shop.stock_unlimited', { sku });
        throw new UserError('shop.stock_below_zero', { sku, stock: current, change: delta });
      }
      const change = this.stockChanged(sku, at);
      this.deps.audit.record({ at, actorMemberId, action: 'stock.adjust', detail: { sku, delta, stock: change.stock } });
      return change;
    });
  }

  /**
   * Compares a reward's stock with the level staff were last told about, after any change to it
   * (a sale, a refund, `/stock`, an import), and writes the staff alert when it has just fallen to
   * the `lowStock` line or to zero. Each level is announced once until stock rises above the line
   * again; a jump straight to zero is one alert (sold out), and restocking that stays at or below
   * the line says so. Runs inside the caller's transaction.
   */
  private stockChanged(sku: string, at: Date): StockChange {
    const stock = this.stockOf(sku);
    if (stock === null) return { stock, alerts: [] };
    const threshold = this.deps.catalogue.lowStock;
    const level: StockLevel = stock === 0 ? 'out' : stock <= threshold ? 'low' : 'ok';
    const last = this.q.alertState!.get(sku) as { level: StockLevel; seq: number } | undefined;
    if ((last?.level ?? 'ok') === level) return { stock, alerts: [] };
    const seq = (last?.seq ?? 0) + (level === 'ok' ? 0 : 1);
    this.q.setAlert!.run({ sku, level, seq, at: at.getTime() });
    if (level === 'ok') return { stock, alerts: [] };
    const reward = this.bySku.get(sku);
    const { staffLocale } = this.deps;
    const name = reward ? (typeof reward.name === 'string' ? reward.name : reward.name[staffLocale]) : sku;
    const restock = reward?.kind === 'code' ? 'codes' : 'stock';
    const key = level === 'out' ? `shop.sold_out_alert_${restock}` : `shop.low_stock_${restock}`;
    return { stock, alerts: this.toStaff([key, { sku, name, left: stock, line: threshold }]) };
  }

  /**
   * Adds codes to a `code` reward's pool; codes already in the pool are skipped. Audited.
   * Runs in its own transaction.
   */
  importCodes(sku: string, codes: readonly string[], actorMemberId: number | null, at: Date): StockChange & { added: number; skipped: number } {
    const reward = this.bySku.get(sku);
    if (!reward) throw new UserError('shop.unknown', { sku });
    if (reward.kind !== 'code') throw new UserError('shop.not_code', { sku });
    return this.deps.db.transaction(() => {
      let added = 0;
      for (const code of codes) added += this.q.insertCode!.run(sku, code, at.getTime()).changes;
      const change = this.stockChanged(sku, at);
      this.deps.audit.record({ at, actorMemberId, action: 'codes.import', detail: { sku, added, skipped: codes.length - added } });
      return { added, skipped: codes.length - added, ...change };
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
