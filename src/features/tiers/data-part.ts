import type { Db } from '../../db/open.ts';
import { onPlatform, placeholders, type MemberDataPart, type MembersService } from '../members/index.ts';
import type { TierService } from './tier-ladder.ts';

/**
 * How tiers follow a member's data: after a merge the person holds the better of the two tiers
 * (with that tier's decision: since when, why, any manual hold), and both identities' invites.
 */
export function tiersDataPart(db: Db, tiers: TierService, members: MembersService): MemberDataPart {
  const s = db.sqlite;
  const q = {
    decision: s.prepare('SELECT tier FROM member_tiers WHERE member_id = ?'),
    take: s.prepare(
      `INSERT OR REPLACE INTO member_tiers (member_id, tier, since, reason, note, decided_by, manual_until, warned_at, grace_until, keep_ok_until)
       SELECT @into, tier, since, reason, note, decided_by, manual_until, warned_at, grace_until, keep_ok_until FROM member_tiers WHERE member_id = @from`,
    ),
    drop: s.prepare('DELETE FROM member_tiers WHERE member_id = ?'),
    invites: s.prepare('UPDATE tier_invites SET member_id = @into WHERE member_id = @from'),
    splitInvites: s.prepare('UPDATE tier_invites SET member_id = @leaving WHERE member_id = @member AND chat_key LIKE @chats'),
  };
  return {
    feature: 'tiers',
    tables: ['member_tiers', 'tier_invites'],
    merge({ from, into }) {
      const a = members.get(into);
      const b = members.get(from);
      if (!a || !b) return;
      const better = tiers.higher(a.tier, b.tier);
      if (better !== a.tier) {
        if (q.decision.get(from)) q.take.run({ from, into });
        members.setTier(into, better);
      }
      q.drop.run(from);
      q.invites.run({ from, into });
    },
    // Both sides keep the person's tier at the unlink (the next review judges each alone); the
    // invites to the platform's groups go with the identity.
    split({ member, leaving, platform }) {
      const person = members.get(member);
      if (person) members.setTier(leaving, person.tier);
      q.splitInvites.run({ member, leaving, chats: onPlatform(platform) });
    },
    erase(step) {
      step.scrubColumn('member_tiers', 'note');
    },
    export(ids) {
      const list = placeholders(ids);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const decision = s.prepare(`SELECT tier, since, reason, note, manual_until AS manualUntil FROM member_tiers WHERE member_id IN (${list})`).get(...ids) as
        | { since: number; manualUntil: number | null }
        | undefined;
      const invites = (s.prepare(`SELECT tier, chat_key AS chat, via, status, sent_at AS sentAt, joined_at AS joinedAt FROM tier_invites WHERE member_id IN (${list}) ORDER BY sent_at`).all(...ids) as { sentAt: number; joinedAt: number | null }[]).map(
        (r) => ({ ...r, sentAt: iso(r.sentAt), joinedAt: iso(r.joinedAt) }),
      );
      return { decision: decision ? { ...decision, since: iso(decision.since), manualUntil: iso(decision.manualUntil) } : null, invites };
    },
  };
}
