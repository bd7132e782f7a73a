import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';
import type { AnalyticsService } from './service.ts';

/**
 * How retention analytics follows a member's data. A merge keeps the person's earliest arrival
 * (its day, source, invite code and inviter), moves the leave history, points inviters at the one
 * person, and then recomputes the windows from the merged activity (the members part runs first),
 * so cohorts count one person once with every day they were active. An erasure anonymises invite
 * codes that name an identity; the rest is days, sources and counts, kept under the tombstone like
 * the activity totals. The daily and weekly rollups hold no member rows.
 */
export function analyticsDataPart(db: Db, analytics: AnalyticsService): MemberDataPart {
  const s = db.sqlite;
  const q = {
    row: s.prepare('SELECT joined_at AS joinedAt FROM analytics_members WHERE member_id = ?'),
    drop: s.prepare('DELETE FROM analytics_members WHERE member_id = ?'),
    take: s.prepare('UPDATE analytics_members SET member_id = @into WHERE member_id = @from'),
    inviter: s.prepare('UPDATE analytics_members SET inviter_id = @into WHERE inviter_id = @from'),
    selfInvited: s.prepare('UPDATE analytics_members SET inviter_id = NULL WHERE member_id = @into AND inviter_id = @into'),
    leaves: s.prepare('UPDATE OR IGNORE analytics_leaves SET member_id = @into WHERE member_id = @from'),
    dropLeaves: s.prepare('DELETE FROM analytics_leaves WHERE member_id = @from'),
  };
  return {
    feature: 'analytics',
    tables: ['analytics_members', 'analytics_leaves', 'analytics_days', 'analytics_points_days', 'analytics_tier_weeks', 'analytics_tier_moves', 'analytics_state', 'analytics_digests'],
    merge({ from, into, at }) {
      const a = q.row.get(into) as { joinedAt: number } | undefined;
      const b = q.row.get(from) as { joinedAt: number } | undefined;
      // The person arrived with whichever identity came first.
      if (b && (!a || b.joinedAt < a.joinedAt)) {
        q.drop.run(into);
        q.take.run({ from, into });
      } else q.drop.run(from);
      q.inviter.run({ from, into });
      q.selfInvited.run({ into });
      q.leaves.run({ from, into });
      q.dropLeaves.run({ from });
      analytics.afterMerge(into, at);
    },
    erase(step) {
      step.anonymiseKeyColumn('analytics_members', 'invite_code');
    },
    export(ids) {
      const list = placeholders(ids);
      const row = s
        .prepare(`SELECT join_day AS joinDay, source, invite_code AS inviteCode, inviter_id AS inviter, chat_key AS firstGroup, platform FROM analytics_members WHERE member_id IN (${list}) ORDER BY joined_at LIMIT 1`)
        .get(...ids);
      const leaves = s.prepare(`SELECT left_day AS leftDay, back_day AS backDay FROM analytics_leaves WHERE member_id IN (${list}) ORDER BY left_at`).all(...ids);
      return row === undefined ? undefined : { ...row, leaves };
    },
  };
}
