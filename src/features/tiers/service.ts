import { createHash } from 'node:crypto';
import type { CommunityConfig, TierRule } from '../../config/schema.ts';
import { addDays, localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import type { ChatRef } from '../../core/ids.ts';
import { parseChatKey, parseSpaceKey } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { GroupService } from '../groups/index.ts';
import type { ActivityNote, MembersService } from '../members/index.ts';
import type { TierDoors, TierRole } from './doors.ts';
import { requirementsOf, TierRepo, type InviteRow, type StatsParams, type StatsRow } from './repo.ts';
import { closest, meets, setProgress, type MemberStats, type RequirementProgress } from './rules.ts';
import type { TierService } from './tier-ladder.ts';

const DAY = 86_400_000;

export interface LadderDeps {
  readonly db: Db;
  readonly config: CommunityConfig;
  readonly tiers: TierService;
  readonly members: MembersService;
  readonly groups: GroupService;
  readonly audit: AuditService;
  readonly translator: Translator;
  readonly doors: TierDoors;
  readonly logger: Logger;
  readonly staffChat?: string;
}

export interface Promotion {
  readonly memberId: number;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly met: readonly RequirementProgress[];
}

export interface Warning {
  readonly memberId: number;
  readonly name: string;
  readonly tier: string;
  readonly since: number;
  readonly needs: readonly RequirementProgress[];
}

export interface Demotion {
  readonly memberId: number;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly needs: readonly RequirementProgress[];
}

export interface KeepOk {
  readonly memberId: number;
  readonly tier: string;
  readonly since: number;
  readonly until: number;
}

/** What one review would do, decided before anything is written (the dry run shows it). */
export interface ReviewPlan {
  readonly promotions: readonly Promotion[];
  readonly warnings: readonly Warning[];
  /** Warned members who meet their keep rules again. */
  readonly cleared: readonly { memberId: number; name: string; tier: string }[];
  readonly demotions: readonly Demotion[];
  /** Invites past their time: sent once more, or (already resent) expired. */
  readonly resends: readonly InviteRow[];
  readonly expiries: readonly InviteRow[];
  /** Members who meet their keep rules with a margin: not judged again until then. */
  readonly keepOk: readonly KeepOk[];
  /** Names exactly this plan, so `/tier review <code>` never applies a plan that changed. */
  readonly code: string;
}

/** Where a member stands, for `/tier`. */
/** One member's tier change, as the ladder audited it: by the daily review, or by an operator (`manual`). */
export interface TierMove {
  readonly at: number;
  readonly memberId: number;
  readonly from: string;
  readonly to: string;
  /** Up or down the ladder (a manual move goes either way). */
  readonly direction: 'up' | 'down';
  readonly manual: boolean;
}

export interface TierStatus {
  readonly tier: string;
  readonly since: Date;
  readonly reason: string;
  readonly manualUntil: Date | null;
  readonly graceUntil: Date | null;
  readonly next?: { readonly tier: string; readonly needs: readonly RequirementProgress[] };
  readonly keep?: readonly RequirementProgress[];
}

/**
 * The tier ladder's decisions: who is on which tier, since when and why. The daily review
 * promotes members who meet the next tier's entry rules (opening its door and tracking the
 * invite), warns members who stop meeting their keep rules and demotes them after the grace
 * period; operators move members by hand, and the review leaves that alone for a while. Every
 * change is audited here and mirrored into `members.tier`, which earning, the shop and boards read.
 */
export class LadderService {
  private readonly repo: TierRepo;
  private readonly timeZone: string;

  constructor(private readonly deps: LadderDeps) {
    const list = deps.config.tiers;
    const used = requirementsOf(list.flatMap((t) => [...(t.entry ?? []), ...(t.keep ?? [])]));
    const entry = new Map(list.slice(0, -1).map((t, i) => [t.id, { above: list.slice(i + 1).flatMap((up) => up.entry ?? []), next: list[i + 1]!.entry ?? [] }]));
    const keep = new Map(list.slice(1).flatMap((t) => (t.keep ? [[t.id, t.keep] as const] : [])));
    this.repo = new TierRepo(deps.db, { used, entry, keep });
    this.timeZone = deps.config.community.timezone;
  }

  private params(now: Date): StatsParams {
    const today = localDay(now, this.timeZone);
    return { from: addDays(today, -(this.deps.config.ladder.windowDays - 1)), yesterday: addDays(today, -1) };
  }

  private stats(row: StatsRow): MemberStats {
    return row;
  }

  private tierConfig(id: string) {
    return this.deps.config.tiers.find((t) => t.id === id);
  }

  /** The highest tier above `from` whose entry rules the member meets, climbing one rung at a time. */
  private target(stats: MemberStats, from: string): string | undefined {
    const list = this.deps.config.tiers;
    let reached: string | undefined;
    for (let i = this.deps.tiers.rank(from) + 1; i < list.length; i++) {
      const t = list[i]!;
      if (!t.entry || !meets(stats, t.entry)) break;
      reached = t.id;
    }
    return reached;
  }

  /** The dry run: what a review at `now` would do. Reads only. */
  plan(now: Date): ReviewPlan {
    const params = this.params(now);
    const at = now.getTime();
    const promotions: Promotion[] = [];
    const warnings: Warning[] = [];
    const cleared: { memberId: number; name: string; tier: string }[] = [];
    const demotions: Demotion[] = [];
    const keepOk: KeepOk[] = [];
    const list = this.deps.config.tiers;
    const { windowDays } = this.deps.config.ladder;
    list.forEach((tier, i) => {
      for (const row of this.repo.promotionCandidates(tier.id, params, at)) {
        const stats = this.stats(row);
        const to = this.target(stats, tier.id);
        if (to) promotions.push({ memberId: row.memberId, name: row.name, from: tier.id, to, met: closest(stats, this.tierConfig(to)!.entry!) });
      }
      if (i === 0 || !tier.keep) return;
      const promoted = new Set(promotions.map((p) => p.memberId));
      for (const row of this.repo.keepReview(tier.id, params, at, windowDays)) {
        if (promoted.has(row.memberId)) continue;
        const stats = this.stats(row);
        if (meets(stats, tier.keep)) {
          if (row.warnedAt !== null) cleared.push({ memberId: row.memberId, name: row.name, tier: tier.id });
          const days = keepMargin(stats, tier.keep, windowDays);
          if (days > 0) keepOk.push({ memberId: row.memberId, tier: tier.id, since: row.since ?? row.createdAt, until: at + days * DAY - 60_000 });
          continue;
        }
        const needs = closest(stats, tier.keep);
        if (row.graceUntil === null) warnings.push({ memberId: row.memberId, name: row.name, tier: tier.id, since: row.since ?? row.createdAt, needs });
        else if (row.graceUntil <= at) demotions.push({ memberId: row.memberId, name: row.name, from: tier.id, to: list[i - 1]!.id, needs });
      }
    });
    const due = this.repo.dueInvites(at);
    const resends = due.filter((d) => d.resends === 0);
    const expiries = due.filter((d) => d.resends > 0);
    const code = createHash('sha256')
      .update(JSON.stringify([promotions.map((p) => [p.memberId, p.to]), warnings.map((w) => w.memberId), demotions.map((d) => d.memberId), due.map((d) => d.id)]))
      .digest('hex')
      .slice(0, 6);
    return { promotions, warnings, cleared, demotions, resends, expiries, keepOk, code };
  }

  /**
   * Runs a review as of `now`: the daily job (actor null) or an operator confirming the dry
   * run's code. Writes, audits and returns what to send after the transaction commits.
   */
  review(now: Date, actorMemberId: number | null, code?: string): { plan: ReviewPlan; outs: Outbound[] } {
    return this.deps.db.transaction(() => {
      const plan = this.plan(now);
      if (code !== undefined && code.toLowerCase() !== plan.code) throw new UserError('tiers.review_stale');
      return { plan, outs: this.apply(plan, actorMemberId, now) };
    });
  }

  private apply(plan: ReviewPlan, actor: number | null, now: Date): Outbound[] {
    const outs: Outbound[] = [];
    const at = now.getTime();
    const { audit, config } = this.deps;
    for (const p of plan.promotions) {
      const note = p.met.map((m) => `${m.requirement} ${m.have}/${m.need}`).join(', ');
      this.move(p.memberId, p.to, 'promoted', note, actor, null, now);
      audit.record({ at: now, actorMemberId: actor, action: 'tier.promote', targetMemberId: p.memberId, detail: { from: p.from, to: p.to, met: note }, reason: 'review' });
      outs.push(...this.openDoor(p.memberId, p.to, now));
    }
    for (const w of plan.warnings) {
      const graceUntil = at + this.tierConfig(w.tier)!.graceDays * DAY;
      this.repo.warn(w.memberId, w.tier, w.since, at, graceUntil);
      audit.record({ at: now, actorMemberId: actor, action: 'tier.warn', targetMemberId: w.memberId, detail: { tier: w.tier, graceUntil: new Date(graceUntil).toISOString() }, reason: 'review' });
      outs.push(...this.tell(w.memberId, (locale) => this.t(locale, 'tiers.warning', {
        tier: this.deps.tiers.name(w.tier, locale),
        needs: this.needsText(locale, w.needs, w.tier),
        date: localDay(new Date(graceUntil), this.timeZone),
        lower: this.deps.tiers.name(config.tiers[this.deps.tiers.rank(w.tier) - 1]!.id, locale),
      })));
    }
    for (const k of plan.keepOk) this.repo.keepOk(k.memberId, k.tier, k.since, k.until);
    for (const c of plan.cleared) {
      this.repo.clearWarning(c.memberId);
      outs.push(...this.tell(c.memberId, (locale) => this.t(locale, 'tiers.warning_cleared', { tier: this.deps.tiers.name(c.tier, locale) })));
    }
    for (const d of plan.demotions) {
      this.move(d.memberId, d.to, 'demoted', d.needs.map((m) => `${m.requirement} ${m.have}/${m.need}`).join(', '), actor, null, now);
      audit.record({ at: now, actorMemberId: actor, action: 'tier.demote', targetMemberId: d.memberId, detail: { from: d.from, to: d.to }, reason: 'review' });
      outs.push(...this.tell(d.memberId, (locale) => this.t(locale, 'tiers.demoted', { tier: this.deps.tiers.name(d.to, locale), from: this.deps.tiers.name(d.from, locale) })));
      outs.push(...this.closeDoors(d.memberId, d.from, d.to));
    }
    for (const inv of plan.resends) {
      this.repo.resent(inv.id, at, at + config.ladder.inviteHours * 3_600_000);
      outs.push(...this.resend(inv));
    }
    for (const inv of plan.expiries) {
      this.repo.setInviteStatus(inv.id, 'expired');
      outs.push(...this.staffNote(inv.memberId, 'tiers.staff_invite_expired', inv.tier));
    }
    return outs;
  }

  /** Records a tier change and mirrors it for the other features. */
  private move(memberId: number, tier: string, reason: string, note: string | null, decidedBy: number | null, manualUntil: number | null, now: Date): void {
    this.repo.decide({ memberId, tier, since: now.getTime(), reason, note, decidedBy, manualUntil });
    this.repo.closeOpenInvites(memberId);
    this.deps.members.setTier(memberId, tier);
  }

  /**
   * `/tier @member <tier> [reason]`: an operator's decision, audited, that the review leaves alone
   * for `ladder.manualHoldDays`. Moving up opens the tier's door like a promotion.
   */
  setManual(memberId: number, tier: string, actorMemberId: number, reason: string | null, now: Date): { outs: Outbound[]; from: string; holdUntil: Date } {
    const { tiers, members, audit, config } = this.deps;
    if (!tiers.has(tier)) throw new UserError('tiers.unknown', { tier, tiers: tiers.ids.join(' | ') });
    const row = members.get(memberId);
    if (!row) throw new UserError('args.unknown_member', { arg: 'member', value: `#${memberId}` });
    if (row.tier === tier) throw new UserError('tiers.already', { member: row.name, tier: tiers.name(tier, members.localeOf(row)) });
    const holdUntil = new Date(now.getTime() + config.ladder.manualHoldDays * DAY);
    this.move(memberId, tier, 'manual', reason, actorMemberId, holdUntil.getTime(), now);
    audit.record({ at: now, actorMemberId, action: 'tier.manual', targetMemberId: memberId, detail: { from: row.tier, to: tier, holdUntil: holdUntil.toISOString() }, reason });
    const outs = tiers.rank(tier) > tiers.rank(row.tier)
      ? this.openDoor(memberId, tier, now)
      : this.tell(memberId, (locale) => this.t(locale, 'tiers.moved', { tier: tiers.name(tier, locale) }));
    if (tiers.rank(tier) < tiers.rank(row.tier)) outs.push(...this.closeDoors(memberId, row.tier, tier));
    return { outs, from: row.tier, holdUntil };
  }

  /** A member's tier, what the next one needs and how far they are, and what keeping theirs needs. */
  status(memberId: number, now: Date): TierStatus {
    const row = this.repo.memberStats(memberId, this.params(now), now.getTime());
    if (!row) throw new UserError('args.unknown_member', { arg: 'member', value: `#${memberId}` });
    const stats = this.stats(row);
    const list = this.deps.config.tiers;
    const rank = this.deps.tiers.rank(row.tier);
    const next = list[rank + 1];
    const keep = list[rank]?.keep;
    return {
      tier: row.tier,
      since: new Date(row.since ?? row.createdAt),
      reason: row.reason ?? 'start',
      manualUntil: row.manualUntil !== null && row.manualUntil > now.getTime() ? new Date(row.manualUntil) : null,
      graceUntil: row.graceUntil === null ? null : new Date(row.graceUntil),
      ...(next?.entry ? { next: { tier: next.id, needs: closest(stats, next.entry) } } : {}),
      ...(keep && rank > 0 ? { keep: closest(stats, keep) } : {}),
    };
  }

  /** "3 of 4 orders, 18 of 20 active days" in the member's language. */
  needsText(locale: Locale, needs: readonly RequirementProgress[], tier: string): string {
    return needs
      .map((n) => this.deps.translator.text(locale, `tiers.req.${n.requirement}`, { have: round(n.have), need: n.need, tier: this.deps.tiers.name(tier, locale) }))
      .join(this.deps.translator.text(locale, 'tiers.req_separator'));
  }

  /**
   * A join or any interaction in a group: if that group is on a tier the member holds an open
   * invite to, the invite is marked joined. Runs in the event's transaction.
   */
  noteJoin(memberId: number, chatKeyValue: string, at: Date): void {
    const group = this.deps.groups.get(chatKeyValue);
    if (!group) return;
    // A tier whose role is granted in this group's space is entered by being in the space at all.
    const tiers = this.deps.config.tiers.filter((t) => (t.id === group.tier && t.id !== this.deps.tiers.lowest) || (group.space !== null && t.roles[group.space] !== undefined));
    for (const { id: tier } of tiers) {
      if (this.repo.markJoined(memberId, tier, at.getTime())) {
        this.deps.audit.record({ at, actorMemberId: null, action: 'tier.joined', targetMemberId: memberId, detail: { tier, chat: chatKeyValue } });
      }
    }
  }

  /** The activity hook's form of `noteJoin`. */
  noteActivity(note: ActivityNote): void {
    this.noteJoin(note.memberId, note.chatKey, note.at);
  }

  /** The tier's group on the member's platform (the first bound one), if any. */
  private groupFor(tier: string, platform: string): ChatRef | undefined {
    const bound = this.deps.groups.all().filter((g) => g.tier === tier && g.platform === platform && g.chatKey !== this.deps.staffChat);
    const configured = this.deps.config.groups.find((g) => g.tier === tier && g.chat.startsWith(`${platform}:`));
    const key = configured?.chat ?? bound[0]?.chatKey;
    return key ? parseChatKey(key) : undefined;
  }

  private openDoor(memberId: number, tier: string, now: Date, again = false): Outbound[] {
    const target = this.deps.members.dmTarget(memberId, this.deps.staffChat);
    if (!target) return [];
    const { locale } = target;
    const tc = this.tierConfig(tier)!;
    const tierName = this.deps.tiers.name(tier, locale);
    const perks = tc.perks === undefined ? undefined : typeof tc.perks === 'string' ? tc.perks : tc.perks[locale];
    const message = joinLines([
      this.t(locale, again ? 'tiers.invite_again' : 'tiers.promoted', { name: target.name, tier: tierName }),
      ...(perks && !again ? [[seg.text(perks)]] : []),
    ]);
    const chat = this.groupFor(tier, target.user.platform);
    const role = this.roleFor(tier, target.user.platform);
    const opening = this.deps.doors.open({ user: target.user, name: target.name, locale, tierName, ...(chat ? { chat } : {}), ...(role ? { role } : {}), message });
    if (!again) {
      this.repo.insertInvite({ memberId, tier, chatKey: opening.chatKey, via: opening.via, at: now.getTime(), expiresAt: now.getTime() + this.deps.config.ladder.inviteHours * 3_600_000 });
    }
    return opening.outs;
  }

  private resend(inv: InviteRow): Outbound[] {
    return this.openDoor(inv.memberId, inv.tier, new Date(inv.sentAt), true);
  }

  /**
   * After a move from `from` down to `to`: the roles of every tier left are removed (a tier's role
   * is the tier, like its multiplier); the group of `from` is closed only when
   * `ladder.closeDoorOnDemotion` asks for it.
   */
  private closeDoors(memberId: number, from: string, to: string): Outbound[] {
    const { tiers, config } = this.deps;
    const target = this.deps.members.dmTarget(memberId, this.deps.staffChat);
    if (!target) return [];
    const platform = target.user.platform;
    return config.tiers
      .filter((t) => tiers.rank(t.id) > tiers.rank(to) && tiers.rank(t.id) <= tiers.rank(from))
      .flatMap((t) => {
        const chat = t.id === from && config.ladder.closeDoorOnDemotion ? this.groupFor(t.id, platform) : undefined;
        const role = this.roleFor(t.id, platform);
        if (!chat && !role) return [];
        return this.deps.doors.close({ user: target.user, name: target.name, locale: target.locale, tierName: tiers.name(t.id, config.community.locale), ...(chat ? { chat } : {}), ...(role ? { role } : {}) });
      });
  }

  /** The tier's role in a space on the member's platform (`tiers[].roles`, the first listed), if any. */
  private roleFor(tier: string, platform: string): TierRole | undefined {
    const roles = this.tierConfig(tier)?.roles ?? {};
    const key = Object.keys(roles).find((k) => k.startsWith(`${platform}:`));
    return key === undefined ? undefined : { space: parseSpaceKey(key), roleId: roles[key]! };
  }

  private staffNote(memberId: number, key: string, tier: string): Outbound[] {
    const { staffChat, translator, config, members } = this.deps;
    const target = members.dmTarget(memberId, staffChat);
    if (!staffChat || !target) return [];
    const locale = config.community.locale;
    return [{ type: 'send', chat: parseChatKey(staffChat), body: translator.t(locale, key, { member: seg.mention(target.user, target.name), tier: this.deps.tiers.name(tier, locale) }) }];
  }

  private tell(memberId: number, body: (locale: Locale) => Body): Outbound[] {
    const target = this.deps.members.dmTarget(memberId, this.deps.staffChat);
    if (!target) return [];
    return [{ type: 'dm', user: target.user, name: target.name, body: body(target.locale), ...(target.fallbackChat ? { fallbackChat: target.fallbackChat } : {}) }];
  }

  private t(locale: Locale, key: string, params: Parameters<Translator['t']>[2]): Body {
    return this.deps.translator.t(locale, key, params);
  }

  /**
   * Every promotion, demotion and operator move with `from <= at < to` (ms), oldest first, read
   * back from the audit log the ladder writes: the retention report's tier movement.
   */
  movesBetween(from: number, to: number): TierMove[] {
    const { tiers } = this.deps;
    return this.deps.audit.actionsBetween(['tier.promote', 'tier.demote', 'tier.manual'], from, to).flatMap((r) => {
      const was = r.detail['from'];
      const now = r.detail['to'];
      if (r.target === null || typeof was !== 'string' || typeof now !== 'string') return [];
      const up = tiers.has(was) && tiers.has(now) ? tiers.rank(now) > tiers.rank(was) : r.action === 'tier.promote';
      return [{ at: r.at, memberId: r.target, from: was, to: now, direction: up ? 'up' : 'down', manual: r.action === 'tier.manual' } as const];
    });
  }

  /** Tier decisions and invites, for `export`. */
  exportAll(): { decisions: unknown[]; invites: unknown[] } {
    return { decisions: this.repo.exportDecisions(), invites: this.repo.exportInvites() };
  }
}

/**
 * Days from now on which the member surely still meets the rules, so the review can skip them:
 * active days fall by at most one a day (one day leaves the window), points, orders, spend and
 * days in the tier never fall; a streak or a window's posts and shares may fall at once.
 */
export function keepMargin(stats: MemberStats, rules: readonly TierRule[], windowDays: number): number {
  let best = 0;
  for (const rule of rules) {
    let margin = windowDays;
    for (const p of setProgress(stats, rule)) {
      if (!p.met) margin = -1;
      else if (p.requirement === 'activeDays') margin = Math.min(margin, p.have - p.need + 1);
      else if (p.requirement === 'streak' || p.requirement === 'posts' || p.requirement === 'shares') margin = Math.min(margin, 0);
    }
    best = Math.max(best, margin);
  }
  return best;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
