import type Database from 'better-sqlite3';
import type { Actor, ChatContext } from '../../core/command.ts';
import { addDays, localDay } from '../../core/clock.ts';
import { chatKey } from '../../core/ids.ts';
import { UserError } from '../../core/errors.ts';
import type { CheckinRule } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { TierService } from '../tiers/index.ts';

export interface CheckinResult {
  readonly already: boolean;
  readonly day: string;
  readonly streak: number;
  readonly points: number;
  /** Place in today's check-in order in this group (1 = first). */
  readonly position: number;
  readonly balance: number;
}

export interface CheckinDeps {
  readonly db: Db;
  readonly rule: CheckinRule;
  readonly points: PointsService;
  readonly members: MembersService;
  readonly tiers: TierService;
}

/** Points for a check-in: base plus a capped streak bonus, times the tier multiplier. */
export function checkinPoints(rule: CheckinRule, streak: number, multiplier: number): number {
  const bonus = Math.min(rule.streakBonus * Math.max(0, streak - 1), rule.streakBonusCap);
  return Math.round((rule.base + bonus) * multiplier);
}

/** The points boost in force for a group at a time (1 when none): boosts apply to all earning, check-ins included. */
export type BoostLookup = (chatKey: string, at: Date) => number;

/** Told about every new check-in, inside the same transaction (the first-check-in new-member task, milestones). */
export type CheckinObserver = (memberId: number, at: Date, chatKey: string, streak: number) => void;

/** A member's own check-in multiplier at a time (1 when none): lifecycle-stage perks. */
export type PerkLookup = (memberId: number, at: Date) => number;

/**
 * Daily check-ins: once per member per local day in the group's time zone, with a streak that
 * grows on consecutive days and resets after a missed day.
 */
export class CheckinService {
  private readonly findDay: Database.Statement;
  private readonly findLast: Database.Statement;
  private readonly countToday: Database.Statement;
  private readonly lastPosition: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly observers: CheckinObserver[] = [];
  private boost: BoostLookup = () => 1;
  private perk: PerkLookup = () => 1;
  private readonly countAll: Database.Statement<[number]>;

  constructor(private readonly deps: CheckinDeps) {
    const s = deps.db.sqlite;
    this.findDay = s.prepare('SELECT streak, points, position FROM checkins WHERE member_id = ? AND day = ?');
    this.findLast = s.prepare('SELECT day, streak FROM checkins WHERE member_id = ? AND day < ? ORDER BY day DESC LIMIT 1');
    this.countToday = s.prepare('SELECT COUNT(*) AS n FROM checkins WHERE chat_key = ? AND day = ?');
    // A new check-in's place follows the last one given out that day: one index probe instead of
    // counting every check-in of the day (make-up cards, at position 0, do not take a place).
    this.lastPosition = s.prepare('SELECT COALESCE(MAX(position), 0) AS n FROM checkins WHERE chat_key = ? AND day = ?');
    this.countAll = s.prepare('SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND position > 0');
    this.insert = s.prepare(
      `INSERT INTO checkins (member_id, day, chat_key, at, streak, points, position, event_key)
       VALUES (@memberId, @day, @chatKey, @at, @streak, @points, @position, @eventKey)`,
    );
  }

  /** Checks the actor in for the local day of `at`. Runs inside the event's transaction. */
  checkIn(actor: Actor, chat: ChatContext, at: Date, eventKey: string): CheckinResult {
    const { points, members, tiers, rule } = this.deps;
    const day = localDay(at, chat.timeZone);
    const existing = this.findDay.get(actor.memberId, day) as { streak: number; points: number; position: number } | undefined;
    if (existing) {
      return { already: true, day, streak: existing.streak, points: 0, position: existing.position, balance: points.balance(actor.memberId) };
    }
    const last = this.findLast.get(actor.memberId, day) as { day: string; streak: number } | undefined;
    const streak = last && last.day === addDays(day, -1) ? last.streak + 1 : 1;
    const key = chatKey(chat.ref);
    const earned = checkinPoints(rule, streak, tiers.multiplier(actor.tier) * this.boost(key, at) * this.perk(actor.memberId, at));
    const position = (this.lastPosition.get(key, day) as { n: number }).n + 1;
    this.insert.run({ memberId: actor.memberId, day, chatKey: key, at: at.getTime(), streak, points: earned, position, eventKey });
    points.credit({ memberId: actor.memberId, delta: earned, reason: 'checkin', sourceKey: `${actor.memberId}:${day}`, at });
    members.recordActivity(actor.memberId, key, day, 'checkins', at);
    for (const observe of this.observers) observe(actor.memberId, at, key, streak);
    return { already: false, day, streak, points: earned, position, balance: points.balance(actor.memberId) };
  }

  /** How many members checked in in a group on a local day (the `{{checkins_today}}` of posts). */
  countOn(chatKeyValue: string, day: string): number {
    return (this.countToday.get(chatKeyValue, day) as { n: number }).n;
  }

  /** Where boosts come from (the earning feature owns them); wired by the composition root. */
  useBoosts(lookup: BoostLookup): void {
    this.boost = lookup;
  }

  /** Where members' own multipliers come from (the journey's stage perks); wired by the composition root. */
  usePerks(lookup: PerkLookup): void {
    this.perk = lookup;
  }

  /** How many times a member checked in on local days `from` (inclusive) to `to` (exclusive), make-up cards not counted. */
  countBetween(memberId: number, from: string, to: string): number {
    return (this.deps.db.sqlite.prepare('SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND day >= ? AND day < ? AND position > 0').get(memberId, from, to) as { n: number }).n;
  }

  /** How many times a member checked in (make-up cards not counted). */
  countFor(memberId: number): number {
    return (this.countAll.get(memberId) as { n: number }).n;
  }

  /** Registers a function called after every new check-in, in its transaction. */
  onCheckIn(observer: CheckinObserver): void {
    this.observers.push(observer);
  }

  /** Whether the member has ever checked in. */
  hasCheckedIn(memberId: number): boolean {
    return this.deps.db.sqlite.prepare('SELECT 1 FROM checkins WHERE member_id = ? LIMIT 1').get(memberId) !== undefined;
  }

  /**
   * Whether a make-up card would help on the local day of `at`: yesterday has no check-in and the
   * day before has one (a streak to save).
   */
  canRestoreYesterday(memberId: number, at: Date, timeZone: string): boolean {
    const today = localDay(at, timeZone);
    const yesterday = addDays(today, -1);
    if (this.findDay.get(memberId, yesterday)) return false;
    return this.findDay.get(memberId, addDays(today, -2)) !== undefined;
  }

  /**
   * The make-up card: records yesterday's missed check-in (no points, position 0) so the streak carries on,
   * and lifts today's streak if the member already checked in today. Throws
   * `checkin.nothing_to_restore` when `canRestoreYesterday` is false. Runs inside the caller's
   * transaction (the redemption), so a later failure undoes it.
   */
  restoreYesterday(memberId: number, chatKeyValue: string, at: Date, timeZone: string, eventKey: string): number {
    if (!this.canRestoreYesterday(memberId, at, timeZone)) throw new UserError('checkin.nothing_to_restore');
    const today = localDay(at, timeZone);
    const yesterday = addDays(today, -1);
    const before = this.findDay.get(memberId, addDays(today, -2)) as { streak: number };
    const streak = before.streak + 1;
    this.insert.run({ memberId, day: yesterday, chatKey: chatKeyValue, at: at.getTime(), streak, points: 0, position: 0, eventKey });
    const s = this.deps.db.sqlite;
    s.prepare('UPDATE checkins SET streak = ? WHERE member_id = ? AND day = ?').run(streak + 1, memberId, today);
    return streak;
  }

  /**
   * The streak still alive at `now`: the last check-in's streak if it was today or yesterday in
   * `timeZone`, else 0.
   */
  currentStreak(memberId: number, now: Date, timeZone: string): number {
    const today = localDay(now, timeZone);
    const last = this.findLast.get(memberId, addDays(today, 1)) as { day: string; streak: number } | undefined;
    if (!last) return 0;
    return last.day === today || last.day === addDays(today, -1) ? last.streak : 0;
  }
}
