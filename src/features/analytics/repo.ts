import type Database from 'better-sqlite3';

/** How a member arrived; `first-seen` members spoke or reacted before any join event. */
export type JoinSource = 'joined' | 'invited' | 'invite-link' | 'first-seen';

/** What `--by` splits cohorts on. */
export type Segment = 'group' | 'tier' | 'platform' | 'source';

/** What `--cohort` groups join days by. */
export type CohortUnit = 'day' | 'week' | 'month';

export interface NewMemberRow {
  readonly memberId: number;
  readonly joinedAt: number;
  readonly joinDay: string;
  readonly source: JoinSource;
  readonly inviteCode: string | null;
  readonly inviterId: number | null;
  readonly chatKey: string;
  readonly platform: string;
}

/** One (join day or cohort, segment) group of joiners with how many were active in each window (mutable while summing). */
export interface CohortCountRow {
  cohort: string;
  segment: string;
  size: number;
  a1: number;
  a7: number;
  a30: number;
  a90: number;
}

/** A leave of a member joined in the reported range, with what the report groups them by. */
export interface LeaveRow {
  readonly memberId: number;
  readonly joinDay: string;
  readonly segment: string;
  readonly leftDay: string;
  readonly backDay: string | null;
  readonly source: string;
}

export interface DayRow {
  readonly day: string;
  readonly active: number;
  readonly weekFirsts: number;
  readonly posts: number;
  readonly paidPosts: number;
  readonly shares: number;
  readonly paidShares: number;
}

/** Members who moved from one tier to another on a day, by how. */
export interface TierMoveRow {
  readonly day: string;
  readonly from: string;
  readonly to: string;
  readonly manual: 0 | 1;
  readonly up: 0 | 1;
  readonly members: number;
}

const SEGMENT_SQL: Record<Segment | 'all', string> = {
  all: "'all'",
  group: 'am.chat_key',
  tier: 'm.tier',
  platform: 'am.platform',
  source: 'am.source',
};

/** The window a day after joining falls in, as the bit `analytics_members.windows` keeps. */
const WINDOW_BIT = `CASE
  WHEN K = 1 THEN 1
  WHEN K BETWEEN 7 AND 13 THEN 2
  WHEN K BETWEEN 30 AND 36 THEN 4
  WHEN K BETWEEN 90 AND 96 THEN 8
  ELSE 0 END`.replaceAll('K', 'CAST(julianday(@day) - julianday(join_day) AS INTEGER)');

/** The analytics tables' queries. Staff are passed in as a temp table of member ids (`excluded`). */
export class AnalyticsRepo {
  private readonly q;
  private readonly tierWeekSql = `INSERT OR REPLACE INTO analytics_tier_weeks (week, tier, members)
    SELECT ?, m.tier, COUNT(*) FROM analytics_members am JOIN members m ON m.id = am.member_id
    WHERE am.away = 0 AND am.member_id NOT IN (SELECT member_id FROM temp.analytics_excluded) GROUP BY m.tier`;

  constructor(private readonly s: Database.Database) {
    this.q = {
      member: s.prepare<[number]>('SELECT away FROM analytics_members WHERE member_id = ?'),
      insertMember: s.prepare(
        `INSERT OR IGNORE INTO analytics_members (member_id, joined_at, join_day, source, invite_code, inviter_id, chat_key, platform)
         VALUES (@memberId, @joinedAt, @joinDay, @source, @inviteCode, @inviterId, @chatKey, @platform)`,
      ),
      setAway: s.prepare<[number, number]>('UPDATE analytics_members SET away = ? WHERE member_id = ?'),
      openLeave: s.prepare<[number, number, string]>('INSERT OR IGNORE INTO analytics_leaves (member_id, left_at, left_day) VALUES (?, ?, ?)'),
      closeLeave: s.prepare<[number, string, number]>('UPDATE analytics_leaves SET back_at = ?, back_day = ? WHERE member_id = ? AND back_at IS NULL'),
      state: s.prepare<[string]>('SELECT value FROM analytics_state WHERE key = ?'),
      setState: s.prepare<[string, string]>('INSERT INTO analytics_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      countActive: s.prepare<{ day: string; week: string; staff: string | null }>(
        `SELECT COUNT(*) AS active, COALESCE(SUM(am.last_day IS NULL OR am.last_day < @week), 0) AS weekFirsts FROM analytics_members am
         WHERE am.member_id IN (SELECT member_id FROM activity_days WHERE day = @day AND chat_key IS NOT @staff)`,
      ),
      openActive: s.prepare<{ day: string; week: string; since: string; staff: string | null }>(
        `SELECT COUNT(*) AS active, COALESCE(SUM((am.last_day IS NULL OR am.last_day < @week)
           AND NOT EXISTS (SELECT 1 FROM activity_days p WHERE p.member_id = am.member_id AND p.day >= @since AND p.day < @day AND p.chat_key IS NOT @staff)), 0) AS weekFirsts
         FROM analytics_members am
         WHERE am.member_id IN (SELECT member_id FROM activity_days WHERE day = @day AND chat_key IS NOT @staff)`,
      ),
      updateWindows: s.prepare<{ day: string; staff: string | null }>(
        `UPDATE analytics_members SET windows = windows | ${WINDOW_BIT}, last_day = @day
         WHERE member_id IN (SELECT member_id FROM activity_days WHERE day = @day AND chat_key IS NOT @staff)`,
      ),
      writeDay: s.prepare(
        `INSERT OR REPLACE INTO analytics_days (day, active, week_firsts, posts, paid_posts, shares, paid_shares)
         VALUES (@day, @active, @weekFirsts, @posts, @paidPosts, @shares, @paidShares)`,
      ),
      writePoints: s.prepare<[string, string, number, number]>('INSERT OR REPLACE INTO analytics_points_days (day, reason, credited, debited) VALUES (?, ?, ?, ?)'),
      firstJoinDay: s.prepare('SELECT MIN(join_day) AS day FROM analytics_members'),
      firstActivityDay: s.prepare('SELECT MIN(day) AS day FROM activity_days'),
      membersWithoutDay: s.prepare('SELECT member_id AS id, joined_at AS at FROM analytics_members WHERE join_day IS NULL LIMIT 20000'),
      setJoinDay: s.prepare<[string, number]>('UPDATE analytics_members SET join_day = ? WHERE member_id = ?'),
      leavesWithoutDay: s.prepare('SELECT member_id AS id, left_at AS leftAt, back_at AS backAt FROM analytics_leaves WHERE left_day IS NULL OR (back_at IS NOT NULL AND back_day IS NULL)'),
      setLeaveDays: s.prepare<[string, string | null, number, number]>('UPDATE analytics_leaves SET left_day = ?, back_day = ? WHERE member_id = ? AND left_at = ?'),
      days: s.prepare<[string, string]>(
        'SELECT day, active, week_firsts AS weekFirsts, posts, paid_posts AS paidPosts, shares, paid_shares AS paidShares FROM analytics_days WHERE day BETWEEN ? AND ? ORDER BY day',
      ),
      pointsDays: s.prepare<[string]>(
        'SELECT day, reason, credited, debited FROM analytics_points_days WHERE day <= ? ORDER BY day, reason',
      ),
      writeTierMove: s.prepare(
        `INSERT INTO analytics_tier_moves (day, from_tier, to_tier, manual, up, members) VALUES (@day, @from, @to, @manual, @up, 1)
         ON CONFLICT (day, from_tier, to_tier, manual) DO UPDATE SET members = members + 1`,
      ),
      clearTierMoves: s.prepare<[string]>('DELETE FROM analytics_tier_moves WHERE day = ?'),
      tierMoves: s.prepare<[string, string]>(
        'SELECT day, from_tier AS "from", to_tier AS "to", manual, up, members FROM analytics_tier_moves WHERE day BETWEEN ? AND ? ORDER BY day, from_tier, to_tier, manual',
      ),
      tierWeeks: s.prepare<[string, string]>('SELECT week, tier, members FROM analytics_tier_weeks WHERE week BETWEEN ? AND ? ORDER BY week, tier'),
      staffDays: s.prepare<[number, string, string, string | null]>(
        'SELECT DISTINCT day FROM activity_days WHERE member_id = ? AND day BETWEEN ? AND ? AND chat_key IS NOT ? ORDER BY day',
      ),
    };
  }

  /** The member's analytics row, if they have one. */
  member(memberId: number): { away: number } | undefined {
    return this.q.member.get(memberId) as { away: number } | undefined;
  }

  insertMember(row: NewMemberRow): boolean {
    return this.q.insertMember.run(row).changes === 1;
  }

  /** The member's join day and away flag, for a merge's recomputation. */
  arrival(memberId: number): { joinDay: string | null; away: number } | undefined {
    return this.s.prepare('SELECT join_day AS joinDay, away FROM analytics_members WHERE member_id = ?').get(memberId) as { joinDay: string | null; away: number } | undefined;
  }

  /** The member's active days outside the staff chat up to `through`, oldest first. */
  activeDaysThrough(memberId: number, through: string, staffChat: string | null): string[] {
    return (
      this.s.prepare('SELECT DISTINCT day FROM activity_days WHERE member_id = ? AND day <= ? AND chat_key IS NOT ? ORDER BY day').all(memberId, through, staffChat) as { day: string }[]
    ).map((r) => r.day);
  }

  setWindows(memberId: number, windows: number, lastDay: string | null): void {
    this.s.prepare('UPDATE analytics_members SET windows = ?, last_day = ? WHERE member_id = ?').run(windows, lastDay, memberId);
  }

  /** Records that the member left their last group. */
  leave(memberId: number, at: number, day: string): void {
    this.q.openLeave.run(memberId, at, day);
    this.q.setAway.run(1, memberId);
  }

  /** Closes the member's open leave: they are back in a group. */
  back(memberId: number, at: number, day: string): void {
    this.q.closeLeave.run(at, day, memberId);
    this.q.setAway.run(0, memberId);
  }

  state(key: string): string | undefined {
    return (this.q.state.get(key) as { value: string } | undefined)?.value;
  }

  setState(key: string, value: string): void {
    this.q.setState.run(key, value);
  }

  /** The earliest local day anything analytics counts happened on, or undefined for an empty community. */
  firstDay(): string | undefined {
    const days = [(this.q.firstJoinDay.get() as { day: string | null }).day, (this.q.firstActivityDay.get() as { day: string | null }).day].filter((d): d is string => d !== null);
    return days.sort()[0];
  }

  /** Fills the local days of rows the migration back-filled with instants only; `dayOf` converts. */
  fillDays(dayOf: (at: number) => string): number {
    let filled = 0;
    for (;;) {
      const rows = this.q.membersWithoutDay.all() as { id: number; at: number }[];
      if (rows.length === 0) break;
      for (const r of rows) this.q.setJoinDay.run(dayOf(r.at), r.id);
      filled += rows.length;
    }
    for (const r of this.q.leavesWithoutDay.all() as { id: number; leftAt: number; backAt: number | null }[]) {
      this.q.setLeaveDays.run(dayOf(r.leftAt), r.backAt === null ? null : dayOf(r.backAt), r.id, r.leftAt);
      filled++;
    }
    return filled;
  }

  /**
   * Rolls the members' side of one local day: how many were active (outside the staff chat) and
   * for how many it was their first active day of the week, then their window bits and last day.
   * Must run once per day, in day order (the caller's state guards it).
   */
  rollMembers(day: string, week: string, staffChat: string | null): { active: number; weekFirsts: number } {
    const counts = this.q.countActive.get({ day, week, staff: staffChat }) as { active: number; weekFirsts: number };
    this.q.updateWindows.run({ day, staff: staffChat });
    return counts;
  }

  /**
   * One day's members side as `rollMembers` would count it, read only (a day not over yet): a
   * member's first active day of the week also needs no activity on the open days from `openFrom`
   * before `day` (which the rollup would have recorded as their last day).
   */
  openMembers(day: string, week: string, openFrom: string, staffChat: string | null): { active: number; weekFirsts: number } {
    return this.q.openActive.get({ day, week, since: week > openFrom ? week : openFrom, staff: staffChat }) as { active: number; weekFirsts: number };
  }

  /**
   * Members (staff aside) who joined in the range and were active on `day` in a window whose bit
   * they do not have yet: what `rollMembers` would add to their window bits, read only.
   */
  openWindowGains(segment: Segment | 'all', day: string, from: string, to: string, staffChat: string | null): { memberId: number; day: string; segment: string | number; bit: number }[] {
    return this.s
      .prepare(
        `SELECT am.member_id AS memberId, am.join_day AS day, ${SEGMENT_SQL[segment]} AS segment, ${WINDOW_BIT} AS bit
         FROM analytics_members am ${segment === 'tier' ? 'JOIN members m ON m.id = am.member_id' : ''}
         WHERE am.member_id IN (SELECT member_id FROM activity_days WHERE day = @day AND chat_key IS NOT @staff)
           AND am.member_id NOT IN (SELECT member_id FROM temp.analytics_excluded)
           AND am.join_day BETWEEN @from AND @to AND (${WINDOW_BIT} & ~am.windows) <> 0`,
      )
      .all({ day, from, to, staff: staffChat }) as { memberId: number; day: string; segment: string | number; bit: number }[];
  }

  /** Members per tier now (those in the community, staff aside), as `writeTierWeek` would snapshot them. */
  tierCounts(): { tier: string; members: number }[] {
    return this.s
      .prepare(
        `SELECT m.tier AS tier, COUNT(*) AS members FROM analytics_members am JOIN members m ON m.id = am.member_id
         WHERE am.away = 0 AND am.member_id NOT IN (SELECT member_id FROM temp.analytics_excluded) GROUP BY m.tier ORDER BY m.tier`,
      )
      .all() as { tier: string; members: number }[];
  }

  writeDay(row: DayRow): void {
    this.q.writeDay.run(row);
  }

  writePoints(day: string, rows: readonly { reason: string; credited: number; debited: number }[]): void {
    for (const r of rows) this.q.writePoints.run(day, r.reason, r.credited, r.debited);
  }

  /** Replaces one day's tier moves (one row per move; the table sums them per kind). */
  writeTierMoves(day: string, moves: readonly { from: string; to: string; manual: boolean; up: boolean }[]): void {
    this.q.clearTierMoves.run(day);
    for (const m of moves) this.q.writeTierMove.run({ day, from: m.from, to: m.to, manual: m.manual ? 1 : 0, up: m.up ? 1 : 0 });
  }

  tierMoves(from: string, to: string): TierMoveRow[] {
    return this.q.tierMoves.all(from, to) as TierMoveRow[];
  }

  /** Snapshots members per tier (those in the community now, staff aside: call `setExcluded` first) for a week. */
  writeTierWeek(week: string): void {
    this.s.prepare(this.tierWeekSql).run(week);
  }

  /** Replaces the temp table of member ids the report leaves out (staff). */
  setExcluded(ids: Iterable<number>): void {
    this.s.exec('CREATE TEMP TABLE IF NOT EXISTS analytics_excluded (member_id INTEGER PRIMARY KEY); DELETE FROM temp.analytics_excluded;');
    const ins = this.s.prepare('INSERT OR IGNORE INTO temp.analytics_excluded (member_id) VALUES (?)');
    for (const id of ids) ins.run(id);
  }

  /**
   * Joiners per (join day, segment) with their active-window counts, staff included (the caller
   * takes them out with `excludedCounts`): for all members it is one scan of the covering index.
   */
  dayCounts(segment: Segment | 'all', from: string, to: string): CohortCountRow[] {
    return this.countsBy(`FROM analytics_members am ${segment === 'tier' ? 'JOIN members m ON m.id = am.member_id' : ''}`, segment, from, to);
  }

  /** The staff's own rows of `dayCounts`, to subtract. */
  excludedCounts(segment: Segment | 'all', from: string, to: string): CohortCountRow[] {
    return this.countsBy(
      `FROM temp.analytics_excluded x JOIN analytics_members am ON am.member_id = x.member_id ${segment === 'tier' ? 'JOIN members m ON m.id = am.member_id' : ''}`,
      segment,
      from,
      to,
    );
  }

  /**
   * Counts by (join day, segment, window bits) with one COUNT per row — five aggregates per row
   * cost five times as much at a million members — and folds the bits here.
   */
  private countsBy(fromClause: string, segment: Segment | 'all', from: string, to: string): CohortCountRow[] {
    const rows = this.s
      .prepare(`SELECT am.join_day AS day, ${SEGMENT_SQL[segment]} AS segment, am.windows AS windows, COUNT(*) AS n ${fromClause} WHERE am.join_day BETWEEN ? AND ? GROUP BY ${segment === 'all' ? '1, 3' : '1, 2, 3'}`)
      .all(from, to) as { day: string; segment: string | number; windows: number; n: number }[];
    const out = new Map<string, CohortCountRow>();
    for (const r of rows) {
      const segmentValue = String(r.segment);
      const key = `${r.day}\u0000${segmentValue}`;
      let c = out.get(key);
      if (!c) out.set(key, (c = { cohort: r.day, segment: segmentValue, size: 0, a1: 0, a7: 0, a30: 0, a90: 0 }));
      c.size += r.n;
      if (r.windows & 1) c.a1 += r.n;
      if (r.windows & 2) c.a7 += r.n;
      if (r.windows & 4) c.a30 += r.n;
      if (r.windows & 8) c.a90 += r.n;
    }
    return [...out.values()];
  }

  /** Every leave of members who joined in the range, staff left out. */
  leaves(segment: Segment | 'all', from: string, to: string): LeaveRow[] {
    const joinMembers = segment === 'tier' ? 'JOIN members m ON m.id = am.member_id' : '';
    return this.s
      .prepare(
        `SELECT l.member_id AS memberId, am.join_day AS joinDay, ${SEGMENT_SQL[segment]} AS segment,
           l.left_day AS leftDay, l.back_day AS backDay, am.source AS source
         FROM analytics_leaves l CROSS JOIN analytics_members am ON am.member_id = l.member_id ${joinMembers}
         WHERE am.join_day BETWEEN ? AND ? AND am.member_id NOT IN (SELECT member_id FROM temp.analytics_excluded)`,
      )
      .all(from, to) as LeaveRow[];
  }

  /**
   * Referred joiners in the range (invited or through an invite link), staff left out, summed in
   * SQL per month: joins, those whose 7th day is on or before `closedBy`, those with a known
   * inviter and the distinct inviters.
   */
  referredByMonth(from: string, to: string, closedBy: string): { month: string; joins: number; closed: number; withInviter: number; referrers: number }[] {
    return this.s
      .prepare(
        `SELECT substr(join_day, 1, 8) || '01' AS month, COUNT(*) AS joins, SUM(join_day <= ?) AS closed, COUNT(inviter_id) AS withInviter, COUNT(DISTINCT inviter_id) AS referrers
         FROM analytics_members WHERE source IN ('invited', 'invite-link') AND join_day BETWEEN ? AND ?
           AND member_id NOT IN (SELECT member_id FROM temp.analytics_excluded)
         GROUP BY 1 ORDER BY 1`,
      )
      .all(closedBy, from, to) as { month: string; joins: number; closed: number; withInviter: number; referrers: number }[];
  }

  /** Distinct inviters over the whole range (a member who referred in two months is one referrer). */
  referrers(from: string, to: string): number {
    return (
      this.s
        .prepare(
          `SELECT COUNT(DISTINCT inviter_id) AS n FROM analytics_members WHERE source IN ('invited', 'invite-link') AND join_day BETWEEN ? AND ?
           AND member_id NOT IN (SELECT member_id FROM temp.analytics_excluded)`,
        )
        .get(from, to) as { n: number }
    ).n;
  }

  /** Joins per invite code in the range, staff left out. */
  inviteCodes(from: string, to: string): { code: string; joiners: number }[] {
    return this.s
      .prepare(
        `SELECT invite_code AS code, COUNT(*) AS joiners FROM analytics_members WHERE source = 'invite-link' AND join_day BETWEEN ? AND ?
           AND invite_code IS NOT NULL AND member_id NOT IN (SELECT member_id FROM temp.analytics_excluded) GROUP BY 1 ORDER BY 1`,
      )
      .all(from, to) as { code: string; joiners: number }[];
  }

  /** Every leave of a non-staff member (for weekly membership), with the member's join day. */
  allLeaves(): { memberId: number; joinDay: string; leftDay: string; backDay: string | null }[] {
    return this.s
      .prepare(
        `SELECT l.member_id AS memberId, am.join_day AS joinDay, l.left_day AS leftDay, l.back_day AS backDay
         FROM analytics_leaves l CROSS JOIN analytics_members am ON am.member_id = l.member_id
         WHERE am.member_id NOT IN (SELECT member_id FROM temp.analytics_excluded)`,
      )
      .all() as { memberId: number; joinDay: string; leftDay: string; backDay: string | null }[];
  }

  /** Staff members who have an analytics row (the daily rollup counted them; the report takes them out again). */
  excludedWithRows(): number[] {
    return (
      this.s.prepare('SELECT member_id AS id FROM analytics_members WHERE member_id IN (SELECT member_id FROM temp.analytics_excluded)').all() as { id: number }[]
    ).map((r) => r.id);
  }

  /** The days a member was active outside the staff chat, within a range. */
  activeDaysOf(memberId: number, from: string, to: string, staffChat: string | null): string[] {
    return (this.q.staffDays.all(memberId, from, to, staffChat) as { day: string }[]).map((r) => r.day);
  }

  days(from: string, to: string): DayRow[] {
    return this.q.days.all(from, to) as DayRow[];
  }

  pointsDays(to: string): { day: string; reason: string; credited: number; debited: number }[] {
    return this.q.pointsDays.all(to) as { day: string; reason: string; credited: number; debited: number }[];
  }

  tierWeeks(from: string, to: string): { week: string; tier: string; members: number }[] {
    return this.q.tierWeeks.all(from, to) as { week: string; tier: string; members: number }[];
  }

  /** The latest tier snapshot on or before `to`. */
  tiersAsOf(to: string): { tier: string; members: number }[] {
    return this.s
      .prepare('SELECT tier, members FROM analytics_tier_weeks WHERE week = (SELECT MAX(week) FROM analytics_tier_weeks WHERE week <= ?) ORDER BY tier')
      .all(to) as { tier: string; members: number }[];
  }

  /** Claims a week's digest; false when it was already claimed (a double fire or a restart). */
  claimDigest(week: string, slot: number, chatKey: string, body: string, at: number): boolean {
    return (
      this.s
        .prepare('INSERT OR IGNORE INTO analytics_digests (week, slot, chat_key, body, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(week, slot, chatKey, body, at).changes === 1
    );
  }
}
