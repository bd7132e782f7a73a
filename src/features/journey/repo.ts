import type Database from 'better-sqlite3';
import type { Db } from '../../db/open.ts';

export interface WaitingWelcome {
  readonly chatKey: string;
  readonly memberId: number;
  readonly joinedAt: number;
}

export interface BirthdayRow {
  readonly memberId: number;
  readonly monthDay: string;
  readonly zone: string;
  readonly optedAt: number;
}

/** The journey feature's SQL over its own tables. */
export class JourneyRepo {
  private readonly q: Record<string, Database.Statement>;

  constructor(private readonly db: Db) {
    const s = db.sqlite;
    this.q = {
      claim: s.prepare('INSERT OR IGNORE INTO journey_sent (member_id, moment, at) VALUES (?, ?, ?)'),
      start: s.prepare('INSERT OR IGNORE INTO journey_members (member_id, chat_key, joined_at, join_day, zone) VALUES (?, ?, ?, ?, ?)'),
      joinedOn: s.prepare('SELECT member_id AS memberId FROM journey_members WHERE zone = ? AND join_day = ? ORDER BY member_id'),
      queue: s.prepare('INSERT OR IGNORE INTO welcome_queue (chat_key, member_id, joined_at) VALUES (?, ?, ?)'),
      dueChats: s.prepare('SELECT chat_key AS chatKey FROM welcome_queue GROUP BY chat_key HAVING MIN(joined_at) <= ? ORDER BY MIN(joined_at)'),
      waitingIn: s.prepare('SELECT chat_key AS chatKey, member_id AS memberId, joined_at AS joinedAt FROM welcome_queue WHERE chat_key = ? ORDER BY joined_at, member_id'),
      dropChat: s.prepare('DELETE FROM welcome_queue WHERE chat_key = ?'),
      firstWaiting: s.prepare('SELECT MIN(joined_at) AS at FROM welcome_queue'),
      birthdaysOn: s.prepare('SELECT member_id AS memberId FROM birthdays WHERE zone = ? AND month_day = ? ORDER BY member_id'),
      setBirthday: s.prepare(
        'INSERT INTO birthdays (member_id, month_day, zone, opted_at) VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET month_day = excluded.month_day, zone = excluded.zone, opted_at = excluded.opted_at',
      ),
      birthdayOf: s.prepare('SELECT member_id AS memberId, month_day AS monthDay, zone, opted_at AS optedAt FROM birthdays WHERE member_id = ?'),
      deleteBirthday: s.prepare('DELETE FROM birthdays WHERE member_id = ?'),
      recapOn: s.prepare('INSERT OR IGNORE INTO recap_optins (member_id, opted_at) VALUES (?, ?)'),
      recapOff: s.prepare('DELETE FROM recap_optins WHERE member_id = ?'),
      recapOf: s.prepare('SELECT 1 FROM recap_optins WHERE member_id = ?'),
      recapMembers: s.prepare('SELECT member_id AS memberId FROM recap_optins ORDER BY member_id'),
    };
  }

  /** Records a moment as sent; false when it already was (then nothing is sent). */
  claim(memberId: number, moment: string, at: number): boolean {
    return this.q.claim!.run(memberId, moment, at).changes > 0;
  }

  /** Starts a member's journey at their first join; false when it had started already. */
  start(memberId: number, chatKey: string, joinedAt: number, joinDay: string, zone: string): boolean {
    return this.q.start!.run(memberId, chatKey, joinedAt, joinDay, zone).changes > 0;
  }

  /** Members whose journey started on a local day in a zone. */
  joinedOn(zone: string, day: string): number[] {
    return (this.q.joinedOn!.all(zone, day) as { memberId: number }[]).map((r) => r.memberId);
  }

  queueWelcome(chatKey: string, memberId: number, at: number): void {
    this.q.queue!.run(chatKey, memberId, at);
  }

  /** Groups whose first waiting newcomer joined at or before `before`, oldest first. */
  dueWelcomeChats(before: number): string[] {
    return (this.q.dueChats!.all(before) as { chatKey: string }[]).map((r) => r.chatKey);
  }

  /** Everyone waiting for a group's welcome, removed from the queue. */
  takeWelcomes(chatKey: string): WaitingWelcome[] {
    const rows = this.q.waitingIn!.all(chatKey) as WaitingWelcome[];
    this.q.dropChat!.run(chatKey);
    return rows;
  }

  firstWaitingAt(): number | undefined {
    return (this.q.firstWaiting!.get() as { at: number | null }).at ?? undefined;
  }

  birthdaysOn(zone: string, monthDay: string): number[] {
    return (this.q.birthdaysOn!.all(zone, monthDay) as { memberId: number }[]).map((r) => r.memberId);
  }

  setBirthday(memberId: number, monthDay: string, zone: string, at: number): void {
    this.q.setBirthday!.run(memberId, monthDay, zone, at);
  }

  /** A member's birthday row (for `/me`, data export). */
  birthdayOf(memberId: number): BirthdayRow | undefined {
    return this.q.birthdayOf!.get(memberId) as BirthdayRow | undefined;
  }

  /** Forgets a member's birthday; true when there was one. */
  deleteBirthday(memberId: number): boolean {
    return this.q.deleteBirthday!.run(memberId).changes > 0;
  }

  setRecap(memberId: number, on: boolean, at: number): void {
    if (on) this.q.recapOn!.run(memberId, at);
    else this.q.recapOff!.run(memberId);
  }

  wantsRecap(memberId: number): boolean {
    return this.q.recapOf!.get(memberId) !== undefined;
  }

  recapMembers(): number[] {
    return (this.q.recapMembers!.all() as { memberId: number }[]).map((r) => r.memberId);
  }

  /** Everything the feature holds, for `export`. */
  exportAll(): { journeys: unknown[]; sent: unknown[]; birthdays: unknown[]; recap: unknown[] } {
    const s = this.db.sqlite;
    const iso = (at: number) => new Date(at).toISOString();
    return {
      journeys: (s.prepare('SELECT member_id AS member, chat_key AS chat, joined_at AS joinedAt, join_day AS joinDay, zone FROM journey_members ORDER BY member_id').all() as { joinedAt: number }[]).map((r) => ({ ...r, joinedAt: iso(r.joinedAt) })),
      sent: (s.prepare('SELECT member_id AS member, moment, at FROM journey_sent ORDER BY at, member_id, moment').all() as { at: number }[]).map((r) => ({ ...r, at: iso(r.at) })),
      birthdays: s.prepare('SELECT member_id AS member, month_day AS monthDay, zone FROM birthdays ORDER BY member_id').all(),
      recap: s.prepare('SELECT member_id AS member FROM recap_optins ORDER BY member_id').all(),
    };
  }
}
