import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

const TABLES = ['journey_members', 'journey_sent', 'welcome_queue', 'birthdays', 'recap_optins'] as const;

/**
 * The journey's rows follow a merge (the kept member keeps their own journey, birthday and moments
 * where both have one, so nothing is sent twice); an erasure deletes the birthday, the recap
 * opt-in, the journey and any waiting welcome, and keeps the moments already sent (ids only) so
 * none is sent again.
 */
export function journeyDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const moves = TABLES.flatMap((t) => [s.prepare(`UPDATE OR IGNORE ${t} SET member_id = @into WHERE member_id = @from`), s.prepare(`DELETE FROM ${t} WHERE member_id = @from`)]);
  return {
    feature: 'journey',
    tables: [...TABLES],
    merge: ({ from, into }) => {
      for (const q of moves) q.run({ from, into });
    },
    erase({ memberIds }) {
      for (const t of ['journey_members', 'welcome_queue', 'birthdays', 'recap_optins']) s.prepare(`DELETE FROM ${t} WHERE member_id IN (${placeholders(memberIds)})`).run(...memberIds);
    },
    export(ids) {
      const iso = (at: number) => new Date(at).toISOString();
      const journey = s.prepare(`SELECT chat_key AS chat, joined_at AS joinedAt, zone FROM journey_members WHERE member_id IN (${placeholders(ids)})`).all(...ids) as { joinedAt: number }[];
      const birthday = s.prepare(`SELECT month_day AS monthDay, zone FROM birthdays WHERE member_id IN (${placeholders(ids)})`).get(...ids);
      const recap = s.prepare(`SELECT 1 FROM recap_optins WHERE member_id IN (${placeholders(ids)})`).get(...ids) !== undefined;
      const sent = (s.prepare(`SELECT moment, at FROM journey_sent WHERE member_id IN (${placeholders(ids)}) ORDER BY at, moment`).all(...ids) as { at: number }[]).map((r) => ({ ...r, at: iso(r.at) }));
      if (journey.length === 0 && !birthday && !recap && sent.length === 0) return undefined;
      return { joined: journey.map((j) => ({ ...j, joinedAt: iso(j.joinedAt) })), birthday: birthday ?? null, monthlyRecap: recap, moments: sent };
    },
  };
}
