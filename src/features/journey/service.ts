import type { CommunityConfig, Stage } from '../../config/schema.ts';
import { addDays, localDay, monthStart, startOfLocalDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { msg, type Locale, type MessageParams, type Translator } from '../../core/i18n.ts';
import { parseChatKey, type ChatRef } from '../../core/ids.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { Delivery } from '../../core/outbox.ts';
import { notice } from '../../core/notices.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { CheckinService } from '../checkin/index.ts';
import { renderBody } from '../content/index.ts';
import type { EarningService } from '../earning/index.ts';
import { stageAt, type MembersService } from '../members/index.ts';
import type { LedgerEntry, PointsService } from '../points/index.ts';
import type { ShopService } from '../shop/index.ts';
import type { JourneyStep } from './pack.ts';
import { JourneyRepo, type BirthdayRow } from './repo.ts';

export interface JourneyDeps {
  readonly db: Db;
  readonly config: CommunityConfig;
  readonly members: MembersService;
  readonly points: PointsService;
  readonly checkins: CheckinService;
  readonly earning: EarningService;
  /** Where a welcome coupon's code comes from (`journey.welcome.giftCoupon`). */
  readonly shop: ShopService;
  readonly audit: AuditService;
  readonly translator: Translator;
  /** Where milestones, reached inside other features' transactions, record their messages. */
  readonly delivery: Delivery;
  readonly steps: readonly JourneyStep[];
  readonly staffChat?: string;
}

/** What a member did in one month, for `/me` and the monthly recap. */
export interface MonthFigures {
  readonly activeDays: number;
  readonly checkins: number;
  readonly earned: number;
  readonly spent: number;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `MM-DD` (also `M/D`, `M.D`; 29 February allowed), or undefined when it is not a calendar day. */
export function parseMonthDay(text: string): string | undefined {
  const m = /^(\d{1,2})[-/.](\d{1,2})$/.exec(text.normalize('NFKC').trim());
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return undefined;
  return `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The local days a stage begins after joining, for the stage message (days since the join, as `stageAt` counts). */
const STAGE_STARTS: readonly [Stage, number][] = [
  ['growing', 8],
  ['established', 31],
];

/**
 * The member journey: one welcome per newcomer (a DM with the guide and gift at once, and a group
 * welcome that greets everyone who joined within a few minutes together), the journey calendar by
 * day since joining, stage perks, join anniversaries, milestones, opted-in birthdays on the right
 * day in the member's own zone, and the opt-in monthly recap. Each moment is claimed in
 * `journey_sent` in the transaction that records its message in the outbox, so nothing is sent
 * twice across restarts, double fires and redelivered events.
 */
export class JourneyService {
  private readonly repo: JourneyRepo;
  private readonly welcomeObservers: ((dueAt: number) => void)[] = [];

  constructor(private readonly deps: JourneyDeps) {
    this.repo = new JourneyRepo(deps.db);
  }

  private get community(): string {
    return this.deps.config.community.timezone;
  }

  private get journey(): CommunityConfig['journey'] {
    return this.deps.config.journey;
  }

  /** Told when a newcomer starts waiting for a group welcome, with the time it is due (the welcome timer). */
  onWelcomeQueued(observer: (dueAt: number) => void): void {
    this.welcomeObservers.push(observer);
  }

  /**
   * Someone joined a group (runs in the event's transaction). The group welcome is queued once per
   * member and group; a person the bot had not seen before this join is a newcomer: their journey
   * starts, and the DM with the guide (and the gift, paid once) is returned to send now.
   */
  noteJoin(memberId: number, chatKey: string, zone: string, at: Date): Outbound[] {
    if (chatKey === this.deps.staffChat) return [];
    const { welcome } = this.journey;
    const t = at.getTime();
    if (welcome.group && this.repo.claim(memberId, `welcome:${chatKey}`, t)) {
      this.repo.queueWelcome(chatKey, memberId, t);
      for (const observe of this.welcomeObservers) observe(t + welcome.batchMinutes * 60_000);
    }
    const firstSeen = this.deps.members.firstSeenAt(memberId);
    if (firstSeen !== null && firstSeen < t) return [];
    if (!this.repo.start(memberId, chatKey, t, localDay(at, zone), zone) || !this.repo.claim(memberId, 'welcome', t) || !welcome.dm) return [];
    const name = this.deps.config.community.name;
    if (welcome.giftPoints > 0) this.deps.points.credit({ memberId, delta: welcome.giftPoints, reason: 'welcome', sourceKey: `welcome:${memberId}`, at });
    const coupon = this.welcomeCoupon(memberId, chatKey, at);
    const dm = this.dm(memberId, (l) =>
      joinLines([
        this.t(l, 'journey.welcome_dm', { community: name }),
        ...(welcome.giftPoints > 0 ? [this.t(l, 'journey.welcome_gift', { points: welcome.giftPoints })] : []),
        ...(coupon ? [coupon.line(l)] : []),
      ]),
    );
    return [...dm, ...(coupon?.staff ?? [])];
  }

  /**
   * The welcome coupon, once per member: a code from the shop's pool (stock, audit and alerts by
   * the shop), or, when the pool is empty, the configured fallback points and a word to staff, or
   * a staff task to send a code by hand. Audited either way, so a gift is never lost silently.
   */
  private welcomeCoupon(memberId: number, chatKey: string, at: Date): { line: (l: Locale) => Body; staff: readonly Outbound[] } | undefined {
    const coupon = this.journey.welcome.giftCoupon;
    if (!coupon) return undefined;
    const { shop, members, audit, points } = this.deps;
    const member = members.get(memberId);
    const reward = shop.reward(coupon.sku);
    if (!member || !reward) return undefined;
    const rewardName = (l: Locale) => (typeof reward.name === 'string' ? reward.name : reward.name[l]);
    try {
      const granted = shop.grant({ memberId, name: member.name, sku: coupon.sku, chatKey, key: `welcome:${memberId}`, at, actorMemberId: null });
      if (!granted) return undefined;
      return { line: (l) => this.t(l, 'journey.welcome_coupon', { reward: rewardName(l), code: granted.codes.join(', ') }), staff: granted.staff };
    } catch (e) {
      if (!(e instanceof UserError) || e.code !== 'shop.out_of_stock') throw e;
    }
    const fallback = coupon.fallbackPoints;
    if (fallback > 0) points.credit({ memberId, delta: fallback, reason: 'welcome', sourceKey: `welcome-coupon:${memberId}`, at });
    audit.record({ at, actorMemberId: null, action: fallback > 0 ? 'journey.welcome_coupon_points' : 'journey.welcome_coupon_owed', targetMemberId: memberId, detail: { sku: coupon.sku, points: fallback } });
    const staffLocale = this.deps.config.community.locale;
    const target = members.dmTarget(memberId, this.deps.staffChat);
    const staff: Outbound[] = this.deps.staffChat
      ? [{
          type: 'send',
          chat: parseChatKey(this.deps.staffChat),
          body: this.t(staffLocale, fallback > 0 ? 'journey.staff_welcome_coupon_points' : 'journey.staff_welcome_coupon_owed', {
            member: target ? seg.mention(target.user, target.name) : member.name,
            reward: rewardName(staffLocale),
            sku: coupon.sku,
            points: fallback,
          }),
        }]
      : [];
    return {
      line: (l) => (fallback > 0 ? this.t(l, 'journey.welcome_gift', { points: fallback }) : this.t(l, 'journey.welcome_coupon_later', { reward: rewardName(l) })),
      staff,
    };
  }

  /** When the next group welcome is due (ms), if anyone is waiting. */
  nextWelcomeAt(): number | undefined {
    const first = this.repo.firstWaitingAt();
    return first === undefined ? undefined : first + this.journey.welcome.batchMinutes * 60_000;
  }

  /**
   * The group welcomes whose first waiting newcomer has waited `batchMinutes`: one message per
   * group greeting everyone waiting there. Run inside a transaction.
   */
  flushWelcomes(now: Date): Outbound[] {
    const outs: Outbound[] = [];
    for (const key of this.repo.dueWelcomeChats(now.getTime() - this.journey.welcome.batchMinutes * 60_000)) {
      const chat = parseChatKey(key);
      const names: Body[] = [];
      for (const w of this.repo.takeWelcomes(key)) {
        const target = this.deps.members.dmTarget(w.memberId);
        if (target) names.push(target.user.platform === chat.platform ? [seg.mention(target.user, target.name)] : [seg.bold(target.name)]);
      }
      if (names.length === 0) continue;
      const locale = this.groupLocale(key);
      const separator = this.deps.translator.text(locale, 'journey.name_separator');
      const list: Body = names.flatMap((n, i) => (i === 0 ? n : [seg.text(separator), ...n]));
      outs.push({ type: 'send', chat, body: this.t(locale, 'journey.welcome_group', { names: list, count: names.length, community: this.deps.config.community.name }) });
    }
    return outs;
  }

  /** Every zone a member's days may be counted in: the community's and every configured group's own. */
  zones(): string[] {
    return [...new Set([this.community, ...this.deps.config.groups.flatMap((g) => (g.timezone ? [g.timezone] : []))])];
  }

  /**
   * The daily pass of one zone, at `journey.sendAt` there: the calendar messages, stage messages
   * and anniversaries of members who joined in that zone the right number of days ago, the
   * birthdays of the day and (on the 1st, community zone) the monthly recaps. A moment is claimed
   * before its message is recorded, so a double fire or a restart sends nothing twice. Run
   * inside a transaction.
   */
  momentsIn(zone: string, now: Date): Outbound[] {
    const today = localDay(now, zone);
    const outs = [...this.calendar(zone, today, now), ...this.birthdays(zone, today, now)];
    if (zone === this.community && today.endsWith('-01') && this.journey.recap) outs.push(...this.recaps(today, now));
    return outs;
  }

  /**
   * On start after downtime (inside a transaction): the moments of every day whose `sendAt` passed
   * in the last `catchUp.sendDays` days are sent (claims make a day the job already did send
   * nothing); the older ones up to `catchUp.recordDays` back are expired: claimed, audited one by
   * one and counted to staff, so nothing falls due silently. Recaps are not caught up.
   */
  catchUp(now: Date, cron: (zone: string) => Date | undefined): Outbound[] {
    const { sendDays, recordDays } = this.journey.catchUp;
    const outs: Outbound[] = [];
    let expired = 0;
    for (const zone of this.zones()) {
      const slot = cron(zone);
      if (!slot) continue;
      const lastDue = localDay(slot, zone);
      for (let back = Math.max(recordDays, sendDays) - 1; back >= 0; back--) {
        const day = addDays(lastDue, -back);
        if (back < sendDays) {
          outs.push(...this.calendar(zone, day, now), ...this.birthdays(zone, day, now));
          continue;
        }
        const expire = (memberId: number, moment: string) => {
          this.deps.audit.record({ at: now, actorMemberId: null, action: 'journey.moment_expired', targetMemberId: memberId, detail: { moment, due: day } });
          expired++;
        };
        this.calendar(zone, day, now, expire);
        this.birthdays(zone, day, now, expire);
      }
    }
    if (expired > 0 && this.deps.staffChat) {
      const locale = this.deps.config.community.locale;
      outs.push({ type: 'send', chat: parseChatKey(this.deps.staffChat), body: this.t(locale, 'journey.staff_moments_expired', { count: expired, days: this.journey.catchUp.sendDays }) });
    }
    return outs;
  }

  /** The calendar moments due on `today`, each claimed and then sent, or handed to `expire` instead. */
  private calendar(zone: string, today: string, at: Date, expire?: (memberId: number, moment: string) => void): Outbound[] {
    const { steps, earning, config } = this.deps;
    const outs: Outbound[] = [];
    const t = at.getTime();
    const send = (memberId: number, moment: string, body: (l: Locale) => Body) => {
      if (!this.inCommunity(memberId) || !this.repo.claim(memberId, moment, t)) return;
      if (expire) expire(memberId, moment);
      else outs.push(...this.dm(memberId, body));
    };
    const community = [seg.text(config.community.name)];
    for (const step of steps) {
      for (const id of this.repo.joinedOn(zone, addDays(today, -step.day))) {
        if (step.skipIfDone && earning.taskDone(id, step.skipIfDone)) continue;
        send(id, `calendar:${step.id}`, (l) => renderBody(step.bodies[l] ?? step.bodies[step.defaultLocale]!, { community }));
      }
    }
    for (const [stage, day] of STAGE_STARTS) {
      const perks = this.journey.stages[stage]?.perks;
      if (perks === undefined) continue;
      for (const id of this.repo.joinedOn(zone, addDays(today, -day))) {
        send(id, `stage:${stage}`, (l) => this.t(l, 'journey.stage_begins', { stage: msg(`journey.stage.${stage}`), perks: typeof perks === 'string' ? perks : perks[l] }));
      }
    }
    for (const days of this.journey.anniversaries) {
      for (const id of this.repo.joinedOn(zone, addDays(today, -days))) {
        send(id, `anniversary:${days}`, (l) => this.t(l, days % 365 === 0 ? 'journey.anniversary_years' : 'journey.anniversary', { days, years: days / 365, community: config.community.name }));
      }
    }
    return outs;
  }

  /** The birthdays of `today`, each claimed and then greeted (with the gift), or handed to `expire` instead. */
  private birthdays(zone: string, today: string, at: Date, expire?: (memberId: number, moment: string) => void): Outbound[] {
    const outs: Outbound[] = [];
    const monthDay = today.slice(5);
    const year = today.slice(0, 4);
    // Members born on 29 February are greeted on the 28th in other years.
    const days = monthDay === '02-28' && addDays(today, 1).slice(5) !== '02-29' ? [monthDay, '02-29'] : [monthDay];
    const points = this.journey.birthdayPoints;
    for (const md of days) {
      for (const memberId of this.repo.birthdaysOn(zone, md)) {
        if (!this.inCommunity(memberId) || !this.repo.claim(memberId, `birthday:${year}`, at.getTime())) continue;
        if (expire) {
          expire(memberId, `birthday:${year}`);
          continue;
        }
        if (points > 0) this.deps.points.credit({ memberId, delta: points, reason: 'birthday', sourceKey: `birthday:${memberId}:${year}`, at });
        outs.push(...this.dm(memberId, (l) => this.t(l, points > 0 ? 'journey.birthday_gift' : 'journey.birthday', { points, community: this.deps.config.community.name })));
      }
    }
    return outs;
  }

  private recaps(today: string, at: Date): Outbound[] {
    const outs: Outbound[] = [];
    const from = addDays(today, -1).slice(0, 7);
    const figuresFrom = `${from}-01`;
    for (const memberId of this.repo.recapMembers()) {
      if (!this.inCommunity(memberId) || !this.repo.claim(memberId, `recap:${from}`, at.getTime())) continue;
      const f = this.figures(memberId, figuresFrom, today);
      const standing = this.deps.points.standing(memberId);
      outs.push(
        ...this.dm(memberId, (l) =>
          this.t(l, 'journey.recap', {
            month: from,
            community: this.deps.config.community.name,
            activeDays: f.activeDays,
            checkins: f.checkins,
            earned: f.earned,
            spent: f.spent,
            balance: standing.balance,
            rank: standing.rank ?? '-',
          }),
        ),
      );
    }
    return outs;
  }

  /**
   * What a member did between two local days of the community (`from` inclusive, `to` exclusive):
   * active days, check-ins, points earned and spent.
   */
  figures(memberId: number, from: string, to: string): MonthFigures {
    const tz = this.community;
    const totals = this.deps.points.totalsBetween(memberId, startOfLocalDay(from, tz), startOfLocalDay(to, tz));
    return { activeDays: this.deps.members.activeDaysBetween(memberId, from, to), checkins: this.deps.checkins.countBetween(memberId, from, to), ...totals };
  }

  /** This month so far in the community's zone: `from` and `to` for `figures`. */
  thisMonth(now: Date): { from: string; to: string } {
    const today = localDay(now, this.community);
    return { from: monthStart(today), to: addDays(today, 1) };
  }

  /** The member's lifecycle stage now, from when the bot first saw them. */
  stageOf(memberId: number, now: Date): Stage {
    const firstSeen = this.deps.members.firstSeenAt(memberId);
    return firstSeen === null ? 'new' : stageAt(firstSeen, now.getTime());
  }

  /** What the member's stage gives, in their language, if the config says. */
  stagePerks(stage: Stage, locale: Locale): string | undefined {
    const perks = this.journey.stages[stage]?.perks;
    return perks === undefined ? undefined : typeof perks === 'string' ? perks : perks[locale];
  }

  /** The check-in multiplier of the member's stage (1 without stage perks). */
  checkinFactor(memberId: number, at: Date): number {
    const stages = this.journey.stages;
    if (!Object.values(stages).some((s) => s && s.checkinMultiplier !== 1)) return 1;
    return stages[this.stageOf(memberId, at)]?.checkinMultiplier ?? 1;
  }

  /** After a new check-in (in its transaction): the check-in count and streak milestones. */
  noteCheckIn(memberId: number, at: Date, chatKey: string, streak: number): void {
    const { milestones } = this.journey;
    if (milestones.streak.includes(streak)) this.milestone(memberId, 'streak', streak, at, chatKey);
    if (milestones.checkins.length > 0) {
      const n = this.deps.checkins.countFor(memberId);
      if (milestones.checkins.includes(n)) this.milestone(memberId, 'checkins', n, at, chatKey);
    }
  }

  /** After points were earned (in that transaction): lifetime thresholds crossed by this credit. */
  noteEarned(entry: LedgerEntry, lifetime: number): void {
    for (const n of this.journey.milestones.lifetimePoints) {
      if (lifetime - entry.delta < n && n <= lifetime) this.milestone(entry.memberId, 'lifetimePoints', n, entry.at);
    }
  }

  private milestone(memberId: number, kind: 'checkins' | 'lifetimePoints' | 'streak', n: number, at: Date, chatKey?: string): void {
    const moment = `milestone:${kind}:${n}`;
    if (!this.repo.claim(memberId, moment, at.getTime())) return;
    const told = this.dm(memberId, (l) => this.t(l, `journey.milestone.${kind}`, { n }));
    const target = this.deps.members.dmTarget(memberId, this.deps.staffChat);
    const chat: ChatRef | undefined = chatKey && chatKey !== this.deps.staffChat ? parseChatKey(chatKey) : target?.fallbackChat;
    let outs: Outbound[] = told;
    if (chat && target) {
      // In the group or by DM, as the group's notice mode says (see `withNotices`).
      const key = `${chat.platform}:${chat.chatId}`;
      const who = target.user.platform === chat.platform ? seg.mention(target.user, target.name) : seg.bold(target.name);
      const inGroup: Outbound = { type: 'send', chat, body: this.t(this.groupLocale(key), `journey.milestone_group.${kind}`, { member: who, n }) };
      outs = [notice({ kind: 'milestones', chatKey: key, public: inGroup, private: told })];
    }
    this.deps.delivery.record(`journey:${memberId}:${moment}`, outs);
  }

  /**
   * `/birthday MM-DD`: keeps the month and day only, in the zone the member is greeted in (the
   * group they wrote from, else the group they joined, else the community's). `off` forgets it.
   * Returns the stored month-day, or null after `off`.
   */
  setBirthday(memberId: number, text: string, zone: string | undefined, at: Date): string | null {
    if (['off', '关闭', '取消'].includes(text.trim().toLowerCase())) {
      this.repo.deleteBirthday(memberId);
      return null;
    }
    const md = parseMonthDay(text);
    if (!md) throw new UserError('journey.birthday_bad', { value: text });
    this.repo.setBirthday(memberId, md, zone ?? this.zoneOf(memberId), at.getTime());
    return md;
  }

  /** A member's birthday as stored (month-day and zone), for `/me` and data exports. */
  birthdayOf(memberId: number): BirthdayRow | undefined {
    return this.repo.birthdayOf(memberId);
  }

  /** Erases a member's birthday (data rights); true when there was one. */
  deleteBirthday(memberId: number): boolean {
    return this.repo.deleteBirthday(memberId);
  }

  /** `/recap on|off`: the monthly recap DM. */
  setRecap(memberId: number, on: boolean, at: Date): void {
    this.repo.setRecap(memberId, on, at.getTime());
  }

  wantsRecap(memberId: number): boolean {
    return this.repo.wantsRecap(memberId);
  }

  /** The zone a member's journey counts in: where they joined, else the community's. */
  private zoneOf(memberId: number): string {
    const row = this.deps.db.sqlite.prepare('SELECT zone FROM journey_members WHERE member_id = ?').get(memberId) as { zone: string } | undefined;
    return row?.zone ?? this.community;
  }

  /** Whether the member is still in some group (journey messages stop for those who left). */
  private inCommunity(memberId: number): boolean {
    return this.deps.members.dmTarget(memberId, this.deps.staffChat)?.fallbackChat !== undefined;
  }

  private groupLocale(key: string): Locale {
    return this.deps.config.posts.groupLocales[key] ?? this.deps.config.community.locale;
  }

  private dm(memberId: number, body: (locale: Locale) => Body): Outbound[] {
    const target = this.deps.members.dmTarget(memberId, this.deps.staffChat);
    if (!target) return [];
    return [{ type: 'dm', user: target.user, name: target.name, body: body(target.locale), ...(target.fallbackChat ? { fallbackChat: target.fallbackChat } : {}) }];
  }

  private t(locale: Locale, key: string, params: MessageParams = {}): Body {
    return this.deps.translator.t(locale, key, params);
  }

  /** Journeys, moments sent, birthdays (month-day only) and recap opt-ins, for `export`. */
  exportAll(): ReturnType<JourneyRepo['exportAll']> {
    return this.repo.exportAll();
  }
}
