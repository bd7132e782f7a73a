import { addDays, localDay } from '../../core/clock.ts';
import type { Db } from '../../db/open.ts';
import { onPlatform, placeholders, type MemberDataPart } from '../members/index.ts';
import type { CheckinService } from './service.ts';

/**
 * How check-ins follow a merge: one history per person, one check-in per day. Days only `from`
 * checked in on move to `into`; a day both checked in on keeps `into`'s row and leaves `from`'s on
 * the merged-away member (both were paid before they were one person; the ledger keeps both), so
 * checking in again that day — on either platform — pays nothing. The streak alive after the merge
 * is the better of the two.
 */
export function checkinDataPart(db: Db, checkins: CheckinService, timeZone: string): MemberDataPart {
  const s = db.sqlite;
  const q = {
    move: s.prepare('UPDATE OR IGNORE checkins SET member_id = @into WHERE member_id = @from'),
    latest: s.prepare('SELECT day, streak FROM checkins WHERE member_id = ? ORDER BY day DESC LIMIT 1'),
    setStreak: s.prepare('UPDATE checkins SET streak = ? WHERE member_id = ? AND day = ?'),
    earnedSince: s.prepare('SELECT COALESCE(SUM(points), 0) AS n FROM checkins WHERE member_id = @member AND at >= @since AND chat_key LIKE @chats'),
    split: s.prepare('UPDATE OR IGNORE checkins SET member_id = @leaving WHERE member_id = @member AND chat_key LIKE @chats'),
  };
  return {
    feature: 'checkin',
    tables: ['checkins'],
    merge({ from, into, at }) {
      const best = Math.max(checkins.currentStreak(from, at, timeZone), checkins.currentStreak(into, at, timeZone));
      q.move.run({ from, into });
      const today = localDay(at, timeZone);
      const last = q.latest.get(into) as { day: string; streak: number } | undefined;
      if (last && last.streak < best && (last.day === today || last.day === addDays(today, -1))) q.setStreak.run(best, into, last.day);
    },
    earnedSince({ member, platform, linkedAt }) {
      return (q.earnedSince.get({ member, since: linkedAt, chats: onPlatform(platform) }) as { n: number }).n;
    },
    // The days checked in in the platform's groups go with it; each side's streak is what its own rows say.
    split({ member, leaving, platform }) {
      q.split.run({ member, leaving, chats: onPlatform(platform) });
    },
    erase(step) {
      step.anonymiseKeyColumn('checkins', 'event_key');
      step.anonymiseKeyColumn('checkins', 'chat_key');
    },
    export(ids) {
      return s
        .prepare(`SELECT day, chat_key AS chat, streak, points, position, at FROM checkins WHERE member_id IN (${placeholders(ids)}) ORDER BY day`)
        .all(...ids)
        .map((r) => ({ ...(r as object), at: new Date((r as { at: number }).at).toISOString() }));
    },
  };
}
