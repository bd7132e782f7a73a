import { addDays, daysBetween, localDay, monthStart, startOfLocalDay, weekStart, type Clock } from '../../core/clock.ts';
import type { MemberJoinedEvent } from '../../core/events.ts';
import { UserError } from '../../core/errors.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import type { TargetsConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { EarningService } from '../earning/index.ts';
import type { ActivityNote, MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { QuietService, RecallStats } from '../quiet/index.ts';
import type { LadderService } from '../tiers/index.ts';
import { AnalyticsRepo, type CohortCountRow, type CohortUnit, type DayRow, type JoinSource, type LeaveRow, type Segment, type TierMoveRow } from './repo.ts';
import type { CampaignFiguresSource, CampaignReportRow } from './campaigns-section.ts';

/** The retention windows the report shows, and how many days each is wide. */
export const WINDOWS = [
  { n: 1, w: 1 },
  { n: 7, w: 7 },
  { n: 30, w: 7 },
  { n: 90, w: 7 },
] as const;

/** The definitions every report carries, by key (texts in the message files, `analytics.def.<key>`). */
export const DEFINITION_KEYS = ['joinDay', 'active', 'dN', 'stayedN', 'weeklyInteraction', 'ugc', 'points', 'referral', 'recall', 'tiers', 'staff'] as const;

export interface CohortRow {
  readonly cohort: string;
  readonly segment: string;
  readonly size: number;
  readonly d1: number | null;
  readonly d7: number | null;
  readonly d30: number | null;
  readonly d90: number | null;
  readonly stayed1: number | null;
  readonly stayed7: number | null;
  readonly stayed30: number | null;
  readonly stayed90: number | null;
}

export interface WeekRow {
  readonly week: string;
  /** True when the week runs past the report's `to` (counted up to `to`). */
  readonly partial: boolean;
  readonly members: number;
  readonly active: number;
  readonly interactionRate: number | null;
  readonly posts: number;
  readonly shares: number;
  readonly paidPosts: number;
  readonly paidShares: number;
  /** Posts and shares against the week before: (this − last) ÷ last; null without a week before or when it had none. */
  readonly ugcGrowth: number | null;
}

export interface MonthRow {
  readonly month: string;
  readonly partial: boolean;
  readonly posts: number;
  readonly shares: number;
  readonly paidPosts: number;
  readonly paidShares: number;
  readonly ugcGrowth: number | null;
}

export interface PointsSummary {
  /** Points credited in the range (refunds aside). */
  readonly issued: number;
  /** Points spent on rewards in the range, net of refunds. */
  readonly spent: number;
  /** Points taken off by operators (deductions and other corrections) in the range. */
  readonly removed: number;
  /** Every balance summed as of `to`: what the brand owes. */
  readonly outstanding: number;
  /** spent ÷ issued in the range (0 when nothing was issued). */
  readonly redemptionRate: number;
  readonly byReason: readonly { reason: string; credited: number; debited: number }[];
}

export interface ReferralSummary {
  /** Joins through an inviter or an invite link in the range. */
  readonly invitesUsed: number;
  /** Those with a known inviter. */
  readonly referredJoiners: number;
  /** Distinct members who referred someone in the range. */
  readonly referrers: number;
  /** Referred joiners still in the community 7 days after joining (of those whose 7th day is past). */
  readonly stayed7: number | null;
  /** Referred joiners per member who referred, over the range. */
  readonly propagation: number | null;
  readonly byMonth: readonly { month: string; referredJoiners: number; referrers: number; propagation: number | null }[];
  readonly byCode: readonly { code: string; joiners: number }[];
}

/** Tier moves in one week (Monday first): promotions are moves up, demotions moves down, operators' included. */
export interface TierMovementWeek {
  readonly week: string;
  /** True when the week runs past the report's `to` (counted up to `to`). */
  readonly partial: boolean;
  readonly promotions: number;
  readonly demotions: number;
  /** Of those, moves an operator made by hand (`/tier @member <tier>`). */
  readonly manual: number;
  readonly moves: readonly { readonly from: string; readonly to: string; readonly manual: boolean; readonly members: number }[];
}

/** Members per tier (now and at each rolled-up week's end) and the moves between tiers per week. */
export interface TierSummary {
  /** The latest snapshot on or before `to` (the nightly rollup takes one; Sundays are kept as `weeks`). */
  readonly now: readonly { tier: string; members: number }[];
  readonly weeks: readonly { week: string; tier: string; members: number }[];
  /** Every week from `from` to `to`, zeros included, so a chart has no gaps. */
  readonly movement: readonly TierMovementWeek[];
}

/** What `report --json` prints and the dashboard shows: every figure, exact ratios, with definitions. */
export interface Report {
  readonly definitions: Record<(typeof DEFINITION_KEYS)[number], string>;
  readonly community: string;
  readonly timeZone: string;
  readonly from: string;
  readonly to: string;
  readonly cohortBy: CohortUnit;
  readonly segmentBy: Segment | 'all';
  readonly targets: TargetsConfig;
  readonly cohorts: readonly CohortRow[];
  /** Over every joiner in the range whose window has closed (null when none has). */
  readonly summary: Omit<CohortRow, 'cohort' | 'segment'>;
  readonly weekly: readonly WeekRow[];
  readonly monthly: readonly MonthRow[];
  readonly points: PointsSummary;
  readonly referral: ReferralSummary;
  readonly recall: RecallStats;
  readonly tiers: TierSummary;
  /** Campaigns whose window meets the range, with their figures (when the campaigns feature runs). */
  readonly campaigns?: readonly CampaignReportRow[];
}

/**
 * What the dashboard may ask for: a range of local days (`YYYY-MM-DD`, community zone). `to` is
 * the as-of day (default today); `from` defaults to the first day with data, but never more than
 * `API_LIMITS.maxDays` before `to`.
 */
export interface AnalyticsRange {
  readonly from?: string;
  readonly to?: string;
}

/** The bounds every dashboard read keeps to, so no request can ask for an unbounded scan or page. */
export const API_LIMITS = { maxDays: 731, maxRows: 500, defaultRows: 200 } as const;

/** The range a dashboard answer covers, as resolved (defaults filled in). */
export interface Span {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

export interface CohortTableQuery extends AnalyticsRange {
  readonly cohort?: CohortUnit;
  readonly by?: Segment;
  /** At most this many rows, the latest cohorts (default 200, at most 500). */
  readonly limit?: number;
}

export interface CohortTable extends Span {
  readonly cohortBy: CohortUnit;
  readonly segmentBy: Segment | 'all';
  /** Oldest first; the latest `limit` (cohort, segment) rows when there are more. */
  readonly rows: readonly CohortRow[];
  /** How many rows there were before `limit`. */
  readonly total: number;
  readonly truncated: boolean;
}

/** One point of a retention curve: day N after joining, active in its window (dN) and still a member (stayedN). */
export interface CurvePoint {
  readonly day: (typeof WINDOWS)[number]['n'];
  readonly active: number | null;
  readonly stayed: number | null;
  /** Members whose window had closed as of `to` (what `active` and `stayed` are shares of). */
  readonly closed: number;
}

export interface RetentionCurves extends Span {
  readonly segmentBy: Segment | 'all';
  /** One curve per segment value (one, `all`, without `by`), by the segment's name. */
  readonly curves: readonly { readonly segment: string; readonly size: number; readonly points: readonly CurvePoint[] }[];
  readonly targets: TargetsConfig;
}

export interface WeeklyInteraction extends Span {
  readonly weeks: readonly WeekRow[];
  readonly target: number | null;
}

export interface UgcQuery extends AnalyticsRange {
  readonly period?: 'week' | 'month';
}

export interface UgcSeries extends Span {
  readonly period: 'week' | 'month';
  /** `start` is the Monday of the week or the first of the month. */
  readonly rows: readonly { readonly start: string; readonly partial: boolean; readonly posts: number; readonly shares: number; readonly paidPosts: number; readonly paidShares: number; readonly ugcGrowth: number | null }[];
  /** Month-on-month growth target (`targets.ugcGrowth`). */
  readonly target: number | null;
}

export interface ReportOptions {
  /** First join day of the cohorts and first day of the weekly rows (default: the first day with data). */
  readonly from?: string;
  /** The as-of day: windows close as of its end (default: today in the community's zone). */
  readonly to?: string;
  readonly cohort?: CohortUnit;
  readonly by?: Segment;
  readonly locale?: Locale;
  /** Called while rolling up days not yet rolled up (a large, new database), for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AnalyticsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly members: MembersService;
  readonly earning: EarningService;
  readonly points: PointsService;
  readonly quiet: QuietService;
  /** The tier ladder, for the moves it audited. */
  readonly ladder: Pick<LadderService, 'movesBetween'>;
  readonly translator: Translator;
  readonly community: string;
  readonly timeZone: string;
  readonly locale: Locale;
  readonly targets: TargetsConfig;
  readonly staffChat?: string;
}

const ROLLED_THROUGH = 'rolled_through';
const RATE_KEYS = ['d1', 'd7', 'd30', 'd90', 'stayed1', 'stayed7', 'stayed30', 'stayed90'] as const;
/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && addDays(value, 0) === value;
}

/**
 * What the days not over yet (after the last rolled-up day, through a read's `to`) add to a read,
 * counted without writing their rollup: the rows the rollup would write for them.
 */
interface OpenDays {
  readonly days: readonly string[];
  readonly rows: readonly DayRow[];
  readonly points: readonly { day: string; reason: string; credited: number; debited: number }[];
  readonly tierMoves: readonly TierMoveRow[];
  /** The members-per-tier snapshot the rollup takes on an open Sunday, by its week. */
  readonly tierWeeks: ReadonlyMap<string, readonly { tier: string; members: number }[]>;
}

/** A split's joiner counts summed per join day: the whole community's, segment `all` (in any order: `weekly` sorts them). */
function wholeOf(counts: readonly CohortCountRow[]): CohortCountRow[] {
  const byDay = new Map<string, CohortCountRow>();
  for (const r of counts) {
    const w = byDay.get(r.cohort);
    if (!w) byDay.set(r.cohort, { ...r, segment: 'all' });
    else byDay.set(r.cohort, { cohort: r.cohort, segment: 'all', size: w.size + r.size, a1: w.a1 + r.a1, a7: w.a7 + r.a7, a30: w.a30 + r.a30, a90: w.a90 + r.a90 });
  }
  return [...byDay.values()];
}

const NO_OPEN_DAYS: OpenDays = { days: [], rows: [], points: [], tierMoves: [], tierWeeks: new Map() };

/** Stored tier snapshots with the open weeks' snapshots over them, by week then tier. */
function withOpenTierWeeks(
  stored: readonly { week: string; tier: string; members: number }[],
  open: ReadonlyMap<string, readonly { tier: string; members: number }[]>,
): { week: string; tier: string; members: number }[] {
  const byKey = new Map(stored.map((r) => [`${r.week}\u0000${r.tier}`, r]));
  for (const [week, rows] of open) for (const r of rows) byKey.set(`${week}\u0000${r.tier}`, { week, tier: r.tier, members: r.members });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

function growth(current: number, previous: number | undefined): number | null {
  return previous === undefined || previous === 0 ? null : (current - previous) / previous;
}

const shifted = new Map<string, string>();
const mondays = new Map<string, string>();

/**
 * `addDays` and `weekStart`, remembered: the report shifts the same few hundred days hundreds of
 * thousands of times at a million members, and building a Date each time cost seconds.
 */
function plusDays(day: string, n: number): string {
  const key = `${day}|${n}`;
  let v = shifted.get(key);
  if (v === undefined) {
    if (shifted.size > 100_000) shifted.clear();
    shifted.set(key, (v = addDays(day, n)));
  }
  return v;
}

function mondayOf(day: string): string {
  let v = mondays.get(day);
  if (v === undefined) {
    if (mondays.size > 100_000) mondays.clear();
    mondays.set(day, (v = weekStart(day)));
  }
  return v;
}

/** The window bit (`analytics_members.windows`) of activity `k` days after joining, as the rollup sets it. */
function windowBit(k: number): number {
  if (k === 1) return 1;
  if (k >= 7 && k <= 13) return 2;
  if (k >= 30 && k <= 36) return 4;
  if (k >= 90 && k <= 96) return 8;
  return 0;
}

/** Whether a leave covers `day`: left on or before it and not back by then. */
function isAwayOn(l: { leftDay: string; backDay: string | null }, day: string): boolean {
  return l.leftDay <= day && (l.backDay === null || l.backDay > day);
}

/** The last day of the cohort period that starts on `cohort`. */
function periodEnd(cohort: string, unit: CohortUnit): string {
  if (unit === 'day') return cohort;
  if (unit === 'week') return addDays(cohort, 6);
  const [y, m] = cohort.split('-').map(Number) as [number, number];
  return addDays(new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10), -1);
}

/**
 * Retention analytics for the growth team: records how and when members arrive and leave (the
 * history memberships do not keep), rolls each finished day up (active members, window bits,
 * UGC, points), and builds the report the CLI, `/report`, the weekly digest and the dashboard
 * show — one structure, as `report --json` prints it.
 */
export class AnalyticsService {
  private readonly repo: AnalyticsRepo;
  private readonly staffChat: string | null;
  /** Staff as of the last rollup: the report leaves them out. */
  private excluded = new Set<number>();
  /** The open days of the read in progress (`asOf`). */
  private open: OpenDays = NO_OPEN_DAYS;

  constructor(private readonly deps: AnalyticsDeps) {
    this.repo = new AnalyticsRepo(deps.db.sqlite);
    this.staffChat = deps.staffChat ?? null;
  }

  get timeZone(): string {
    return this.deps.timeZone;
  }

  get targets(): TargetsConfig {
    return this.deps.targets;
  }

  private dayOf(at: number): string {
    return localDay(new Date(at), this.deps.timeZone);
  }

  /**
   * A join in a group: the member's first one records how they came (inviter, invite link) unless
   * they were seen before; a join after leaving the community closes the leave. In the event's transaction.
   */
  noteJoin(event: MemberJoinedEvent, memberId: number, chatKey: string): void {
    if (chatKey === this.staffChat) return;
    const at = event.at.getTime();
    const row = this.repo.member(memberId);
    if (row) {
      if (row.away === 1) this.repo.back(memberId, at, this.dayOf(at));
      return;
    }
    const linkOwner = event.inviteCode !== undefined ? this.deps.earning.inviteLinkOwner(event.inviteCode) : undefined;
    const inviter = event.inviter ?? linkOwner;
    const inviterId = inviter ? this.deps.members.ensureMember({ user: inviter }, event.at).id : null;
    const source: JoinSource = event.inviteCode !== undefined ? 'invite-link' : inviterId !== null && inviterId !== memberId ? 'invited' : 'joined';
    this.repo.insertMember({
      memberId,
      joinedAt: at,
      joinDay: this.dayOf(at),
      source,
      inviteCode: event.inviteCode ?? null,
      inviterId: inviterId === memberId ? null : inviterId,
      chatKey,
      platform: event.platform,
    });
  }

  /** A member left a group: if it was their last one, they left the community that day. */
  noteLeave(memberId: number, chatKey: string, at: Date): void {
    if (chatKey === this.staffChat) return;
    const row = this.repo.member(memberId);
    if (row?.away === 1) return;
    // Someone first seen leaving was a member until then (a platform that reports leaves of
    // members the bot never saw speak): they count from that day, as first-seen.
    if (!row) this.insertFirstSeen(memberId, chatKey, at.getTime());
    if (this.deps.members.inAnyGroup(memberId, this.staffChat ?? undefined)) return;
    this.repo.leave(memberId, at.getTime(), this.dayOf(at.getTime()));
  }

  private insertFirstSeen(memberId: number, chatKey: string, at: number): void {
    this.repo.insertMember({
      memberId,
      joinedAt: at,
      joinDay: this.dayOf(at),
      source: 'first-seen',
      inviteCode: null,
      inviterId: null,
      chatKey,
      platform: chatKey.slice(0, chatKey.indexOf(':')),
    });
  }

  /**
   * Any interaction in a group (from the members' activity funnel, commands included): a member
   * seen for the first time counts from today as `first-seen`; one who had left is back.
   */
  noteActivity(note: ActivityNote): void {
    if (note.chatKey === this.staffChat) return;
    const row = this.repo.member(note.memberId);
    const at = note.at.getTime();
    if (row === undefined) this.insertFirstSeen(note.memberId, note.chatKey, at);
    else if (row.away === 1) this.repo.back(note.memberId, at, this.dayOf(at));
  }

  /**
   * After two identities merged into `memberId` (their activity and memberships already moved):
   * the window bits and last active day are recomputed from the merged activity up to the last
   * rolled-up day, and the person is away only if neither identity is in a group.
   */
  afterMerge(memberId: number, at: Date): void {
    const row = this.repo.arrival(memberId);
    if (!row || row.joinDay === null) return;
    const through = this.repo.state(ROLLED_THROUGH);
    const days = through === undefined ? [] : this.repo.activeDaysThrough(memberId, through, this.staffChat);
    let windows = 0;
    for (const day of days) windows |= windowBit(daysBetween(row.joinDay, day));
    this.repo.setWindows(memberId, windows, days[days.length - 1] ?? null);
    const inGroup = this.deps.members.inAnyGroup(memberId, this.staffChat ?? undefined);
    if (inGroup && row.away === 1) this.repo.back(memberId, at.getTime(), this.dayOf(at.getTime()));
    else if (!inGroup && row.away === 0) this.repo.leave(memberId, at.getTime(), this.dayOf(at.getTime()));
  }

  /** The last day the rollup has written, if any. */
  rolledThrough(): string | undefined {
    return this.repo.state(ROLLED_THROUGH);
  }

  /**
   * Rolls up every day after the last rolled one through `through`, one transaction per day, in
   * order; each day once. The daily job calls it for yesterday; the report catches up first.
   */
  rollUp(through: string, onProgress?: (done: number, total: number) => void): number {
    const { db } = this.deps;
    db.transaction(() => this.repo.fillDays((at) => this.dayOf(at)));
    this.excluded = new Set(this.deps.members.staffMemberIds(this.deps.staffChat));
    this.repo.setExcluded(this.excluded);
    const last = this.repo.state(ROLLED_THROUGH);
    const first = last !== undefined ? addDays(last, 1) : this.repo.firstDay();
    if (first === undefined || first > through) return 0;
    const total = daysBetween(first, through) + 1;
    for (let i = 0, day = first; day <= through; i++, day = addDays(day, 1)) {
      db.transaction(() => this.rollDay(day, day === through));
      onProgress?.(i + 1, total);
    }
    return total;
  }

  /** One day's rollup; on Sundays, and with `snapshotTiers`, it also records members per tier for the day's week. */
  private rollDay(day: string, snapshotTiers: boolean): void {
    const { active, weekFirsts } = this.repo.rollMembers(day, weekStart(day), this.staffChat);
    const ugc = this.deps.earning.ugcOn(day, this.excluded);
    this.repo.writeDay({ day, active, weekFirsts, ...ugc });
    const from = startOfLocalDay(day, this.deps.timeZone).getTime();
    const to = startOfLocalDay(addDays(day, 1), this.deps.timeZone).getTime();
    this.repo.writePoints(day, this.deps.points.flowsBetween(from, to));
    const moves = this.deps.ladder.movesBetween(from, to).filter((m) => !this.excluded.has(m.memberId));
    this.repo.writeTierMoves(day, moves.map((m) => ({ from: m.from, to: m.to, manual: m.manual, up: m.direction === 'up' })));
    if (snapshotTiers || new Date(`${day}T00:00:00Z`).getUTCDay() === 0) this.repo.writeTierWeek(weekStart(day));
    this.repo.setState(ROLLED_THROUGH, day);
  }

  /** Today in the community's zone, by the injected clock. */
  today(): string {
    return localDay(this.deps.clock.now(), this.deps.timeZone);
  }

  /**
   * The full report. Finished days (before today) are rolled up for good; the days from there to
   * `to` are counted read-only, so today's figures count without fixing a day that is not over.
   */
  report(options: ReportOptions = {}): Report {
    const to = options.to ?? this.today();
    if (!isDay(to) || (options.from !== undefined && !isDay(options.from))) throw new Error(`expected days as YYYY-MM-DD, not ${options.from ?? ''} ${to}`.trim());
    const report = this.asOf(to, () => this.build({ ...options, to }), options.onProgress);
    const source = this.campaignFigures;
    return source ? { ...report, campaigns: source(report.from, report.to, options.locale ?? this.deps.locale) } : report;
  }

  private campaignFigures: CampaignFiguresSource | undefined;

  /** The report's campaign section reads its figures from here (the campaigns feature's service). */
  useCampaignFigures(source: CampaignFiguresSource): void {
    this.campaignFigures = source;
  }

  /**
   * Runs `read` as of `to`, in one transaction: finished days (before today) are rolled up for
   * good first; what the days from there to `to` add is read without writing (`openDays`), so
   * today's figures count without fixing a day that is not over.
   */
  private asOf<T>(to: string, read: () => T, onProgress?: (done: number, total: number) => void): T {
    this.rollUp(addDays(this.today(), -1), onProgress);
    return this.deps.db.transaction(() => {
      this.open = this.openDays(to);
      try {
        return read();
      } finally {
        this.open = NO_OPEN_DAYS;
      }
    });
  }

  /**
   * The rows the rollup would write for the days after the last rolled-up one through `to`, read
   * only: writing a day's window bits for a million members and undoing them cost seconds.
   */
  private openDays(to: string): OpenDays {
    const last = this.repo.state(ROLLED_THROUGH);
    if (last === undefined || last >= to) return NO_OPEN_DAYS;
    const days: string[] = [];
    for (let day = addDays(last, 1); day <= to; day = addDays(day, 1)) days.push(day);
    const openFrom = days[0]!;
    const rows = days.map((day) => ({ day, ...this.repo.openMembers(day, weekStart(day), openFrom, this.staffChat), ...this.deps.earning.ugcOn(day, this.excluded) }));
    // The points and tier sides are read only by the sections that need them (the retention page
    // needs neither): counted on first use, still inside the caller's transaction.
    let ledgerSide: Pick<OpenDays, 'points' | 'tierMoves' | 'tierWeeks'> | undefined;
    const side = () => (ledgerSide ??= this.openLedgerSide(days));
    return {
      days,
      rows,
      get points() {
        return side().points;
      },
      get tierMoves() {
        return side().tierMoves;
      },
      get tierWeeks() {
        return side().tierWeeks;
      },
    };
  }

  /** What the open days add to the points flows and the tier moves and snapshots, read only. */
  private openLedgerSide(days: readonly string[]): Pick<OpenDays, 'points' | 'tierMoves' | 'tierWeeks'> {
    const points: { day: string; reason: string; credited: number; debited: number }[] = [];
    const tierMoves: TierMoveRow[] = [];
    const tierWeeks = new Map<string, readonly { tier: string; members: number }[]>();
    let tiersNow: { tier: string; members: number }[] | undefined;
    for (const day of days) {
      const from = startOfLocalDay(day, this.deps.timeZone).getTime();
      const until = startOfLocalDay(addDays(day, 1), this.deps.timeZone).getTime();
      for (const r of this.deps.points.flowsBetween(from, until)) points.push({ day, ...r });
      const kinds = new Map<string, TierMoveRow & { members: number }>();
      for (const m of this.deps.ladder.movesBetween(from, until)) {
        if (this.excluded.has(m.memberId)) continue;
        const manual = m.manual ? 1 : 0;
        const key = `${m.from}\u0000${m.to}\u0000${manual}`;
        const kind = kinds.get(key);
        if (kind) kind.members++;
        else kinds.set(key, { day, from: m.from, to: m.to, manual, up: m.direction === 'up' ? 1 : 0, members: 1 });
      }
      tierMoves.push(...[...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r));
      if (new Date(`${day}T00:00:00Z`).getUTCDay() === 0) tierWeeks.set(weekStart(day), (tiersNow ??= this.repo.tierCounts()));
    }
    return { points, tierMoves, tierWeeks };
  }

  /** The rolled-up days in a range, then the open ones. */
  private dayRows(from: string, to: string): DayRow[] {
    return [...this.repo.days(from, to), ...this.open.rows.filter((r) => r.day >= from && r.day <= to)];
  }

  /**
   * A dashboard read's range: days checked (`analytics.bad_day`), `from` no later than `to`
   * (`analytics.bad_range`) and the span at most `API_LIMITS.maxDays` (`analytics.range_too_long`).
   */
  private span(q: AnalyticsRange): { to: string; from: () => string } {
    for (const value of [q.from, q.to]) if (value !== undefined && !isDay(value)) throw new UserError('analytics.bad_day', { value });
    const to = q.to ?? this.today();
    const from = () => {
      const earliest = addDays(to, -(API_LIMITS.maxDays - 1));
      const first = this.repo.firstDay() ?? to;
      const f = q.from ?? (first < earliest ? earliest : first > to ? to : first);
      if (f > to) throw new UserError('analytics.bad_range', { from: f, to });
      if (daysBetween(f, to) + 1 > API_LIMITS.maxDays) throw new UserError('analytics.range_too_long', { days: API_LIMITS.maxDays });
      return f;
    };
    if (q.from !== undefined) from();
    return { to, from };
  }

  /**
   * The cohort table for the dashboard: one row per (cohort, segment), exact ratios, null while a
   * window is open; `by` splits on group, tier, platform or source. Bounded by `limit`.
   */
  cohortTable(q: CohortTableQuery = {}): CohortTable {
    const limit = this.limitOf(q);
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      const segment = q.by ?? 'all';
      return this.tableOf(q.cohort ?? 'week', segment, f, to, this.netDayCounts(segment, f, to), this.repo.leaves(segment, f, to), limit);
    });
  }

  /**
   * D1/D7/D30/D90 retention curves, active and stayed, over every joiner in the range whose window
   * has closed (weighted by cohort size), one curve per segment value with `by`.
   */
  retentionCurves(q: AnalyticsRange & { readonly by?: Segment } = {}): RetentionCurves {
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      const segment = q.by ?? 'all';
      return this.curvesOf(segment, f, to, this.netDayCounts(segment, f, to), this.repo.leaves(segment, f, to));
    });
  }

  /** Weekly interaction rate (Monday weeks), with members, actives and UGC per week. */
  weeklyInteraction(q: AnalyticsRange = {}): WeeklyInteraction {
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      return this.interactionOf(f, to, this.weeklyRows(f, to));
    });
  }

  /** Posts and shares, paid and not, per week or month, with growth on the period before. */
  ugc(q: UgcQuery = {}): UgcSeries {
    const { to, from } = this.span(q);
    const period = q.period ?? 'week';
    return this.asOf(to, () => {
      const f = from();
      return this.ugcOf(f, to, period === 'week' ? this.weeklyRows(f, to) : this.monthly(f, to), period);
    });
  }

  /**
   * What the dashboard's retention page shows — the cohort table, the curves, the weekly
   * interaction rate and weekly UGC — as the four reads above would answer, in one pass: one
   * transaction and one count of today's open day, and the joiner counts and leaves read once
   * for the table, the curves and — when the range starts on the first day — the weekly rows.
   * Four separate reads cost four times the open-day pass and the counts.
   */
  retentionView(q: CohortTableQuery = {}): { table: CohortTable; curves: RetentionCurves; weekly: WeeklyInteraction; ugc: UgcSeries } {
    const limit = this.limitOf(q);
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      const segment = q.by ?? 'all';
      const counts = this.netDayCounts(segment, f, to);
      const leaves = this.repo.leaves(segment, f, to);
      const first = this.repo.firstDay() ?? f;
      // Every joiner has one value of each segment, so over the same days the whole community's
      // counts are the split's summed per day: no second pass over the members.
      const weeks = first !== f ? this.weeklyRows(f, to) : this.weekly(f, to, segment === 'all' ? counts : wholeOf(counts));
      return {
        table: this.tableOf(q.cohort ?? 'week', segment, f, to, counts, leaves, limit),
        curves: this.curvesOf(segment, f, to, counts, leaves),
        weekly: this.interactionOf(f, to, weeks),
        ugc: this.ugcOf(f, to, weeks, 'week'),
      };
    });
  }

  /** A cohort table's row limit, checked (`analytics.bad_limit`). */
  private limitOf(q: { readonly limit?: number }): number {
    const limit = q.limit ?? API_LIMITS.defaultRows;
    if (!Number.isInteger(limit) || limit < 1 || limit > API_LIMITS.maxRows) throw new UserError('analytics.bad_limit', { max: API_LIMITS.maxRows });
    return limit;
  }

  private tableOf(unit: CohortUnit, segment: Segment | 'all', from: string, to: string, counts: readonly CohortCountRow[], leaves: readonly LeaveRow[], limit: number): CohortTable {
    const all = this.cohorts(unit, from, to, counts, leaves);
    const rows = all.length > limit ? all.slice(all.length - limit) : all;
    return { from, to, timeZone: this.deps.timeZone, cohortBy: unit, segmentBy: segment, rows, total: all.length, truncated: rows.length < all.length };
  }

  private curvesOf(segment: Segment | 'all', from: string, to: string, counts: readonly CohortCountRow[], leaves: readonly LeaveRow[]): RetentionCurves {
    const bySegment = new Map<string, CohortRow[]>();
    for (const r of this.cohorts('day', from, to, counts, leaves)) {
      const list = bySegment.get(r.segment);
      if (list) list.push(r);
      else bySegment.set(r.segment, [r]);
    }
    const curves = [...bySegment.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, list]) => {
        const points = WINDOWS.map(({ n }) => {
          const active = this.weighted(list, `d${n}` as const);
          const stayed = this.weighted(list, `stayed${n}` as const);
          return { day: n, active: active.value, stayed: stayed.value, closed: stayed.size } satisfies CurvePoint;
        });
        return { segment: name, size: list.reduce((n, r) => n + r.size, 0), points };
      });
    return { from, to, timeZone: this.deps.timeZone, segmentBy: segment, curves, targets: this.deps.targets };
  }

  private interactionOf(from: string, to: string, weeks: readonly WeekRow[]): WeeklyInteraction {
    return { from, to, timeZone: this.deps.timeZone, weeks, target: this.deps.targets.weeklyInteraction ?? null };
  }

  private ugcOf(from: string, to: string, periods: readonly (WeekRow | MonthRow)[], period: 'week' | 'month'): UgcSeries {
    const rows = periods.map((p) => ({ start: 'week' in p ? p.week : p.month, partial: p.partial, posts: p.posts, shares: p.shares, paidPosts: p.paidPosts, paidShares: p.paidShares, ugcGrowth: p.ugcGrowth }));
    return { from, to, timeZone: this.deps.timeZone, period, rows, target: this.deps.targets.ugcGrowth ?? null };
  }

  /** Points issued, spent and removed in the range, the liability outstanding as of `to`, by reason. */
  pointsLiability(q: AnalyticsRange = {}): PointsSummary & Span {
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      return { from: f, to, timeZone: this.deps.timeZone, ...this.pointsSummary(f, to) };
    });
  }

  /** Invites used, referred joiners who stayed, and the propagation coefficient, overall, per month and per code. */
  referrals(q: AnalyticsRange = {}): ReferralSummary & Span {
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      return { from: f, to, timeZone: this.deps.timeZone, ...this.referral(f, to, this.repo.leaves('all', f, to)) };
    });
  }

  /** Members per tier and the moves between tiers per week. */
  tierMovement(q: AnalyticsRange = {}): TierSummary & Span {
    const { to, from } = this.span(q);
    return this.asOf(to, () => {
      const f = from();
      return { from: f, to, timeZone: this.deps.timeZone, ...this.tierSummary(f, to) };
    });
  }

  /** Recall outcomes against the unrecalled baseline (the quiet feature's figures). */
  recall(): RecallStats {
    return this.deps.quiet.stats();
  }

  private build(options: ReportOptions & { to: string }): Report {
    const { deps, repo } = this;
    const unit = options.cohort ?? 'week';
    const segment = options.by ?? 'all';
    const to = options.to;
    const from = options.from ?? repo.firstDay() ?? to;
    const locale = options.locale ?? deps.locale;

    const definitions = Object.fromEntries(DEFINITION_KEYS.map((k) => [k, deps.translator.template(locale, `analytics.def.${k}`)])) as Report['definitions'];
    // Joiners per day since the first: the cohorts' base and each week's membership.
    const allDays = this.netDayCounts('all', repo.firstDay() ?? from, to);
    const leaves = repo.leaves(segment, from, to);
    const cohorts = this.cohorts(unit, from, to, segment === 'all' ? allDays : this.netDayCounts(segment, from, to), leaves);
    const allLeaves = segment === 'all' ? leaves : repo.leaves('all', from, to);
    return {
      definitions,
      community: deps.community,
      timeZone: deps.timeZone,
      from,
      to,
      cohortBy: unit,
      segmentBy: segment,
      targets: deps.targets,
      cohorts,
      summary: this.summary(cohorts),
      weekly: this.weekly(from, to, allDays),
      monthly: this.monthly(from, to),
      points: this.pointsSummary(from, to),
      referral: this.referral(from, to, allLeaves),
      recall: deps.quiet.stats(),
      tiers: this.tierSummary(from, to),
    };
  }

  /** Weekly rows for a range (the report's weekly section alone; membership counts every joiner since the first day). */
  private weeklyRows(from: string, to: string): WeekRow[] {
    return this.weekly(from, to, this.netDayCounts('all', this.repo.firstDay() ?? from, to));
  }

  private tierSummary(from: string, to: string): TierSummary {
    const first = weekStart(from);
    const open = new Map([...this.open.tierWeeks].filter(([week]) => week <= to));
    const latestOpen = [...open.keys()].pop();
    const now =
      latestOpen === undefined
        ? this.repo.tiersAsOf(to)
        : withOpenTierWeeks(this.repo.tierWeeks(latestOpen, latestOpen), new Map([[latestOpen, open.get(latestOpen)!]])).map(({ tier, members }) => ({ tier, members }));
    const weeks = withOpenTierWeeks(this.repo.tierWeeks(first, to), new Map([...open].filter(([week]) => week >= first)));
    return { now, weeks, movement: this.tierMovementRows(from, to) };
  }

  /** Joiners per (join day, segment) with their window counts, staff taken out. */
  private netDayCounts(segment: Segment | 'all', from: string, to: string): CohortCountRow[] {
    const key = (r: CohortCountRow) => `${r.cohort}\u0000${r.segment}`;
    const rows = new Map(this.repo.dayCounts(segment, from, to).map((r) => [key(r), { ...r }]));
    for (const x of this.repo.excludedCounts(segment, from, to)) {
      const r = rows.get(key(x));
      if (!r) continue;
      r.size -= x.size;
      r.a1 -= x.a1;
      r.a7 -= x.a7;
      r.a30 -= x.a30;
      r.a90 -= x.a90;
    }
    // What the open days add to the window bits (the rollup has not recorded them).
    const gains = new Map<number, { key: string; bits: number }>();
    for (const day of this.open.days) {
      for (const g of this.repo.openWindowGains(segment, day, from, to, this.staffChat)) {
        const entry = gains.get(g.memberId);
        if (entry) entry.bits |= g.bit;
        else gains.set(g.memberId, { key: `${g.day}\u0000${String(g.segment)}`, bits: g.bit });
      }
    }
    for (const { key: k, bits } of gains.values()) {
      const r = rows.get(k);
      if (!r) continue;
      if (bits & 1) r.a1++;
      if (bits & 2) r.a7++;
      if (bits & 4) r.a30++;
      if (bits & 8) r.a90++;
    }
    return [...rows.values()].filter((r) => r.size > 0);
  }

  private cohorts(unit: CohortUnit, from: string, to: string, dayCounts: readonly CohortCountRow[], leaves: readonly LeaveRow[]): CohortRow[] {
    const cohortOf = (day: string) => (unit === 'day' ? day : unit === 'week' ? mondayOf(day) : monthStart(day));
    // Members away on day N (left on or before it, not back by then), per cohort and segment; a
    // member who left more than once is one member.
    const away = new Map<string, Set<number>[]>();
    for (const l of leaves) {
      const key = `${cohortOf(l.joinDay)}\u0000${l.segment}`;
      let sets = away.get(key);
      if (!sets) away.set(key, (sets = WINDOWS.map(() => new Set<number>())));
      WINDOWS.forEach(({ n }, i) => {
        if (isAwayOn(l, plusDays(l.joinDay, n))) sets[i]!.add(l.memberId);
      });
    }
    const grouped = new Map<string, { cohort: string; segment: string; size: number; a1: number; a7: number; a30: number; a90: number }>();
    for (const r of dayCounts) {
      if (r.cohort < from || r.cohort > to) continue;
      const cohort = cohortOf(r.cohort);
      const segmentValue = String(r.segment);
      const key = `${cohort}\u0000${segmentValue}`;
      const g = grouped.get(key) ?? { cohort, segment: segmentValue, size: 0, a1: 0, a7: 0, a30: 0, a90: 0 };
      g.size += r.size;
      g.a1 += r.a1;
      g.a7 += r.a7;
      g.a30 += r.a30;
      g.a90 += r.a90;
      grouped.set(key, g);
    }
    const ordered = [...grouped.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
    return ordered.map((r) => {
      const last = periodEnd(r.cohort, unit);
      const awayOn = (away.get(`${r.cohort}\u0000${r.segment}`) ?? []).map((set) => set.size);
      const active = [r.a1, r.a7, r.a30, r.a90];
      const d = WINDOWS.map(({ n, w }, i) => (addDays(last, n + w - 1) <= to ? r.size > 0 ? active[i]! / r.size : null : null));
      const stayed = WINDOWS.map(({ n }, i) => (addDays(last, n) <= to ? (r.size > 0 ? (r.size - (awayOn[i] ?? 0)) / r.size : null) : null));
      return {
        cohort: r.cohort,
        segment: r.segment,
        size: r.size,
        d1: d[0]!,
        d7: d[1]!,
        d30: d[2]!,
        d90: d[3]!,
        stayed1: stayed[0]!,
        stayed7: stayed[1]!,
        stayed30: stayed[2]!,
        stayed90: stayed[3]!,
      };
    });
  }

  /** A rate over every cohort row where it is known, weighted by cohort size, and that size. */
  private weighted(rows: readonly CohortRow[], k: (typeof RATE_KEYS)[number]): { value: number | null; size: number } {
    let n = 0;
    let size = 0;
    for (const r of rows) {
      const v = r[k];
      if (v === null) continue;
      n += v * r.size;
      size += r.size;
    }
    return { value: size > 0 ? n / size : null, size };
  }

  /** Each rate over every cohort row where it is known, weighted by cohort size. */
  private summary(rows: readonly CohortRow[]): Report['summary'] {
    const out = Object.fromEntries(RATE_KEYS.map((k) => [k, this.weighted(rows, k).value])) as Omit<Report['summary'], 'size'>;
    return { size: rows.reduce((s, r) => s + r.size, 0), ...out };
  }

  private weekly(from: string, to: string, dayCounts: readonly CohortCountRow[]): WeekRow[] {
    const { repo } = this;
    const first = weekStart(from);
    const days = new Map(this.dayRows(first, to).map((d) => [d.day, d]));
    const joins = dayCounts.map((r) => ({ day: r.cohort, n: r.size })).sort((a, b) => (a.day < b.day ? -1 : 1));
    const leaves = repo.allLeaves();
    // Staff the rollup counted as active: take their weeks out again.
    const staffWeeks = new Map<string, number>();
    for (const id of repo.excludedWithRows()) {
      for (const week of new Set(repo.activeDaysOf(id, first, to, this.staffChat).map(mondayOf))) staffWeeks.set(week, (staffWeeks.get(week) ?? 0) + 1);
    }
    const rows: WeekRow[] = [];
    let joined = 0;
    let j = 0;
    let previousUgc: number | undefined;
    for (let week = first; week <= to; week = addDays(week, 7)) {
      const end = addDays(week, 6) < to ? addDays(week, 6) : to;
      while (j < joins.length && joins[j]!.day <= end) joined += joins[j++]!.n;
      // Members who left before the week began and were not back by its (clipped) end.
      const gone = new Set<number>();
      for (const l of leaves) if (l.joinDay <= end && l.leftDay < week && (l.backDay === null || l.backDay > end)) gone.add(l.memberId);
      let active = -(staffWeeks.get(week) ?? 0);
      let posts = 0;
      let shares = 0;
      let paidPosts = 0;
      let paidShares = 0;
      for (let d = week; d <= end; d = addDays(d, 1)) {
        const row = days.get(d);
        if (!row) continue;
        active += row.weekFirsts;
        posts += row.posts;
        shares += row.shares;
        paidPosts += row.paidPosts;
        paidShares += row.paidShares;
      }
      const members = joined - gone.size;
      rows.push({
        week,
        partial: end < addDays(week, 6),
        members,
        active,
        interactionRate: ratio(active, members),
        posts,
        shares,
        paidPosts,
        paidShares,
        ugcGrowth: growth(posts + shares, previousUgc),
      });
      previousUgc = posts + shares;
    }
    return rows;
  }

  private tierMovementRows(from: string, to: string): TierMovementWeek[] {
    const first = weekStart(from);
    const byWeek = new Map<string, { promotions: number; demotions: number; manual: number; moves: Map<string, { from: string; to: string; manual: boolean; members: number }> }>();
    for (const r of [...this.repo.tierMoves(first, to), ...this.open.tierMoves.filter((m) => m.day >= first && m.day <= to)]) {
      const week = mondayOf(r.day);
      let w = byWeek.get(week);
      if (!w) byWeek.set(week, (w = { promotions: 0, demotions: 0, manual: 0, moves: new Map() }));
      if (r.up === 1) w.promotions += r.members;
      else w.demotions += r.members;
      if (r.manual === 1) w.manual += r.members;
      const key = `${r.from}\u0000${r.to}\u0000${r.manual}`;
      const m = w.moves.get(key) ?? { from: r.from, to: r.to, manual: r.manual === 1, members: 0 };
      m.members += r.members;
      w.moves.set(key, m);
    }
    const rows: TierMovementWeek[] = [];
    for (let week = first; week <= to; week = addDays(week, 7)) {
      const w = byWeek.get(week);
      rows.push({ week, partial: addDays(week, 6) > to, promotions: w?.promotions ?? 0, demotions: w?.demotions ?? 0, manual: w?.manual ?? 0, moves: w ? [...w.moves.values()] : [] });
    }
    return rows;
  }

  private monthly(from: string, to: string): MonthRow[] {
    const first = monthStart(from);
    const byMonth = new Map<string, { posts: number; shares: number; paidPosts: number; paidShares: number }>();
    for (const d of this.dayRows(first, to)) {
      const m = monthStart(d.day);
      const row = byMonth.get(m) ?? { posts: 0, shares: 0, paidPosts: 0, paidShares: 0 };
      row.posts += d.posts;
      row.shares += d.shares;
      row.paidPosts += d.paidPosts;
      row.paidShares += d.paidShares;
      byMonth.set(m, row);
    }
    const rows: MonthRow[] = [];
    let previous: number | undefined;
    for (let month = first; month <= to; month = addDays(periodEnd(month, 'month'), 1)) {
      const row = byMonth.get(month) ?? { posts: 0, shares: 0, paidPosts: 0, paidShares: 0 };
      rows.push({ month, partial: periodEnd(month, 'month') > to, ...row, ugcGrowth: growth(row.posts + row.shares, previous) });
      previous = row.posts + row.shares;
    }
    return rows;
  }

  private pointsSummary(from: string, to: string): PointsSummary {
    let issued = 0;
    let spent = 0;
    let removed = 0;
    let outstanding = 0;
    const byReason = new Map<string, { reason: string; credited: number; debited: number }>();
    for (const r of [...this.repo.pointsDays(to), ...this.open.points.filter((p) => p.day <= to)]) {
      outstanding += r.credited - r.debited;
      if (r.day < from) continue;
      const row = byReason.get(r.reason) ?? { reason: r.reason, credited: 0, debited: 0 };
      row.credited += r.credited;
      row.debited += r.debited;
      byReason.set(r.reason, row);
      if (r.reason === 'refund') spent -= r.credited;
      else issued += r.credited;
      if (r.reason === 'redeem') spent += r.debited;
      else removed += r.debited;
    }
    return { issued, spent, removed, outstanding, redemptionRate: issued > 0 ? spent / issued : 0, byReason: [...byReason.values()].sort((a, b) => a.reason.localeCompare(b.reason)) };
  }

  private referral(from: string, to: string, leaves: readonly LeaveRow[]): ReferralSummary {
    const months = this.repo.referredByMonth(from, to, plusDays(to, -7));
    const sum = (k: 'joins' | 'closed' | 'withInviter') => months.reduce((n, m) => n + m[k], 0);
    // Referred joiners whose 7th day is past and who were away on it.
    const away = new Set(
      leaves.filter((l) => (l.source === 'invited' || l.source === 'invite-link') && plusDays(l.joinDay, 7) <= to && isAwayOn(l, plusDays(l.joinDay, 7))).map((l) => l.memberId),
    );
    const referrers = this.repo.referrers(from, to);
    return {
      invitesUsed: sum('joins'),
      referredJoiners: sum('withInviter'),
      referrers,
      stayed7: ratio(sum('closed') - away.size, sum('closed')),
      propagation: ratio(sum('withInviter'), referrers),
      byMonth: months.map((m) => ({ month: m.month, referredJoiners: m.withInviter, referrers: m.referrers, propagation: ratio(m.withInviter, m.referrers) })),
      byCode: this.repo.inviteCodes(from, to),
    };
  }

  /** Claims the digest of a week before it is sent; false when that week's digest was already claimed. */
  claimDigest(week: string, slot: Date, chatKey: string, body: string): boolean {
    return this.repo.claimDigest(week, slot.getTime(), chatKey, body, this.deps.clock.now().getTime());
  }
}
