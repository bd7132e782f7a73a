import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/**
 * How earning follows a member's data. A merge moves posts and share claims (so daily caps,
 * cooldowns and the near-duplicate filter see one person), new-member tasks the person has not done
 * under the other identity, and referrals (a referral of oneself, once merged, is void). An
 * erasure blanks the texts kept for the near-duplicate filter and the shared links, keeping the
 * counts.
 */
export function earningDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const q = {
    posts: s.prepare('UPDATE earn_posts SET member_id = @into WHERE member_id = @from'),
    claims: s.prepare('UPDATE share_claims SET member_id = @into WHERE member_id = @from'),
    tasks: s.prepare('UPDATE OR IGNORE member_tasks SET member_id = @into WHERE member_id = @from'),
    newcomer: s.prepare('UPDATE OR IGNORE referrals SET newcomer_id = @into WHERE newcomer_id = @from'),
    inviter: s.prepare('UPDATE referrals SET inviter_id = @into WHERE inviter_id = @from'),
    selfReferral: s.prepare("UPDATE referrals SET status = 'void', settled_at = @at WHERE newcomer_id = @into AND inviter_id = @into AND status = 'pending'"),
  };
  return {
    feature: 'earning',
    tables: ['earn_posts', 'share_claims', 'member_tasks', 'referrals', 'boosts'],
    merge({ from, into, at }) {
      const p = { from, into };
      q.posts.run(p);
      q.claims.run(p);
      q.tasks.run(p);
      q.newcomer.run(p);
      q.inviter.run(p);
      q.selfReferral.run({ into, at: at.getTime() });
    },
    erase(step) {
      const list = placeholders(step.memberIds);
      s.prepare(`UPDATE earn_posts SET fingerprint = '' WHERE member_id IN (${list})`).run(...step.memberIds);
      s.prepare(`UPDATE share_claims SET url = NULL, excerpt = NULL WHERE member_id IN (${list})`).run(...step.memberIds);
      step.scrubColumn('earn_posts', 'fingerprint', { anywhere: true });
      step.scrubColumn('share_claims', 'reason');
      step.anonymiseKeyColumn('earn_posts', 'event_key');
      step.anonymiseKeyColumn('share_claims', 'chat_key');
      step.anonymiseKeyColumn('share_claims', 'event_key');
      step.anonymiseKeyColumn('referrals', 'invite_code');
    },
    export(ids) {
      const list = placeholders(ids);
      const iso = (r: { at: number }) => ({ ...r, at: new Date(r.at).toISOString() });
      return {
        posts: (s.prepare(`SELECT day, paid, at FROM earn_posts WHERE member_id IN (${list}) ORDER BY at`).all(...ids) as { at: number }[]).map(iso),
        shares: (s.prepare(`SELECT day, url, kind, excerpt, status, reason, at FROM share_claims WHERE member_id IN (${list}) ORDER BY at`).all(...ids) as { at: number }[]).map(iso),
        tasks: (s.prepare(`SELECT task, at FROM member_tasks WHERE member_id IN (${list}) ORDER BY at`).all(...ids) as { at: number }[]).map(iso),
        referredBy: s.prepare(`SELECT inviter_id AS inviter, status FROM referrals WHERE newcomer_id IN (${list})`).get(...ids) ?? null,
        referred: (s.prepare(`SELECT COUNT(*) AS n FROM referrals WHERE inviter_id IN (${list})`).get(...ids) as { n: number }).n,
      };
    },
  };
}
