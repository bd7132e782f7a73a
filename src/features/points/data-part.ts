import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';
import type { PointsService } from './service.ts';

/**
 * How points follow a member's data. A merge moves the balance with two `merge` ledger rows (out of
 * one member, into the other), so every member's balance still equals the sum of their ledger and
 * each identity's history stays where it was earned; lifetime and this week's earnings move with
 * it, so ranks and tiers see one person. An erasure keeps the amounts (points liability) and drops
 * the notes' and keys' personal parts.
 */
export function pointsDataPart(db: Db, points: PointsService): MemberDataPart {
  const s = db.sqlite;
  const q = {
    standing: s.prepare('SELECT balance, lifetime FROM balances WHERE member_id = ?'),
    lifetime: s.prepare('UPDATE balances SET lifetime = lifetime + ? WHERE member_id = ?'),
    weekly: s.prepare(
      `INSERT INTO points_weekly (week, member_id, points) SELECT week, @into, points FROM points_weekly WHERE member_id = @from
       ON CONFLICT (week, member_id) DO UPDATE SET points = points + excluded.points`,
    ),
    dropWeekly: s.prepare('DELETE FROM points_weekly WHERE member_id = @from'),
  };
  return {
    feature: 'points',
    tables: ['balances', 'ledger', 'points_weekly'],
    merge({ from, into, at, key, actorMemberId }) {
      const was = q.standing.get(from) as { balance: number; lifetime: number } | undefined;
      if (!was) return;
      if (was.balance !== 0) {
        points.credit({ memberId: from, delta: -was.balance, reason: 'merge', sourceKey: `${key}:out`, at, actorMemberId, earned: false });
        points.credit({ memberId: into, delta: was.balance, reason: 'merge', sourceKey: `${key}:in`, at, actorMemberId, earned: false });
      }
      // Lifetime is what ranks and tier requirements read: it belongs to the person.
      q.lifetime.run(was.lifetime, into);
      q.lifetime.run(-was.lifetime, from);
      q.weekly.run({ from, into });
      q.dropWeekly.run({ from });
    },
    erase(step) {
      step.scrubColumn('ledger', 'note');
      step.anonymiseKeyColumn('ledger', 'source_key');
    },
    export(ids) {
      const list = placeholders(ids);
      const standing = s.prepare(`SELECT COALESCE(SUM(balance), 0) AS balance, COALESCE(SUM(lifetime), 0) AS lifetime FROM balances WHERE member_id IN (${list})`).get(...ids);
      const ledger = (s.prepare(`SELECT delta, reason, source_key AS source, note, at FROM ledger WHERE member_id IN (${list}) ORDER BY at, id`).all(...ids) as { at: number }[]).map((r) => ({
        ...r,
        at: new Date(r.at).toISOString(),
      }));
      return { ...(standing as object), ledger };
    },
  };
}
