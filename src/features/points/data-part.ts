import type { Db } from '../../db/open.ts';
import { onPlatform, placeholders, type MemberDataPart } from '../members/index.ts';
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
    // Posts, shares and other rows keyed by the identity's events, earned since the link.
    earnedByKey: s.prepare("SELECT COALESCE(SUM(delta), 0) AS n FROM ledger WHERE member_id = @member AND earned = 1 AND at >= @since AND source_key LIKE @keys"),
    broughtIn: s.prepare("SELECT -delta AS n FROM ledger WHERE member_id = ? AND reason = 'merge' AND delta < 0 ORDER BY at DESC, id DESC LIMIT 1"),
    open: s.prepare('INSERT OR IGNORE INTO balances (member_id, balance, lifetime) VALUES (?, 0, 0)'),
    earnedBefore: s.prepare('SELECT COALESCE(SUM(delta), 0) AS n FROM ledger WHERE member_id = ? AND earned = 1'),
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
    earnedSince({ member, platform, linkedAt }) {
      return (q.earnedByKey.get({ member, since: linkedAt, keys: onPlatform(platform) }) as { n: number }).n;
    },
    split({ member, leaving, reopened, earned, at, key, actorMemberId }) {
      // What the identity brought when it was linked, plus what it earned since, within the balance.
      const brought = reopened ? ((q.broughtIn.get(leaving) as { n: number } | undefined)?.n ?? 0) : 0;
      const now = (q.standing.get(member) as { balance: number; lifetime: number } | undefined) ?? { balance: 0, lifetime: 0 };
      const amount = Math.max(0, Math.min(brought + earned, now.balance));
      if (amount > 0) {
        points.credit({ memberId: member, delta: -amount, reason: 'unlink', sourceKey: `${key}:out`, at, actorMemberId, earned: false });
        points.credit({ memberId: leaving, delta: amount, reason: 'unlink', sourceKey: `${key}:in`, at, actorMemberId, earned: false });
      }
      // Lifetime: what the identity earned on its own member, and on this one since the link.
      const lifetime = Math.max(0, Math.min((reopened ? (q.earnedBefore.get(leaving) as { n: number }).n : 0) + earned, now.lifetime));
      q.open.run(leaving);
      q.lifetime.run(-lifetime, member);
      q.lifetime.run(lifetime, leaving);
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
