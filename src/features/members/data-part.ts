import type Database from 'better-sqlite3';
import { isRole, roleRank } from '../../core/roles.ts';
import { onPlatform, placeholders, type MemberDataPart } from './member-data.ts';

/**
 * The members feature's own part: identities, memberships, daily activity, roles and the member
 * row; and the dispatcher's processed-event keys, since this feature is the core's directory.
 * A merge runs this part first, so every other part sees the merged member (last activity, tenure).
 */
export function membersDataPart(sqlite: Database.Database): MemberDataPart {
  const q = {
    identities: sqlite.prepare('UPDATE identities SET member_id = @into WHERE member_id = @from'),
    // One presence per group: the earliest join and first sighting, the latest activity; still in
    // the group if either identity is.
    memberships: sqlite.prepare(
      `INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at, left_at)
       SELECT @into, chat_key, joined_at, first_seen_at, last_active_at, left_at FROM memberships WHERE member_id = @from
       ON CONFLICT (member_id, chat_key) DO UPDATE SET
         joined_at = COALESCE(MIN(joined_at, excluded.joined_at), joined_at, excluded.joined_at),
         first_seen_at = MIN(first_seen_at, excluded.first_seen_at),
         last_active_at = COALESCE(MAX(last_active_at, excluded.last_active_at), last_active_at, excluded.last_active_at),
         left_at = CASE WHEN left_at IS NULL OR excluded.left_at IS NULL THEN NULL ELSE MAX(left_at, excluded.left_at) END`,
    ),
    dropMemberships: sqlite.prepare('DELETE FROM memberships WHERE member_id = @from'),
    // Activity counts add up, so retention and interaction figures keep their totals.
    activity: sqlite.prepare(
      `INSERT INTO activity_days (member_id, chat_key, day, messages, checkins, shares, reactions)
       SELECT @into, chat_key, day, messages, checkins, shares, reactions FROM activity_days WHERE member_id = @from
       ON CONFLICT (member_id, chat_key, day) DO UPDATE SET messages = messages + excluded.messages, checkins = checkins + excluded.checkins,
         shares = shares + excluded.shares, reactions = reactions + excluded.reactions`,
    ),
    dropActivity: sqlite.prepare('DELETE FROM activity_days WHERE member_id = @from'),
    role: sqlite.prepare('SELECT role, granted_by AS grantedBy, granted_at AS grantedAt FROM member_roles WHERE member_id = ?'),
    moveRole: sqlite.prepare('INSERT OR REPLACE INTO member_roles (member_id, role, granted_by, granted_at) SELECT @into, role, granted_by, granted_at FROM member_roles WHERE member_id = @from'),
    dropRole: sqlite.prepare('DELETE FROM member_roles WHERE member_id = ?'),
    // The person's tenure starts at the older identity; their last activity is the latest of both.
    member: sqlite.prepare(
      `UPDATE members SET
         created_at = MIN(created_at, (SELECT created_at FROM members WHERE id = @from)),
         last_active_at = COALESCE(MAX(last_active_at, (SELECT last_active_at FROM members WHERE id = @from)), last_active_at, (SELECT last_active_at FROM members WHERE id = @from)),
         locale = COALESCE(locale, (SELECT locale FROM members WHERE id = @from))
       WHERE id = @into`,
    ),
    mergedInto: sqlite.prepare('UPDATE members SET merged_into = @into WHERE id = @from OR merged_into = @from'),
    mergedAt: sqlite.prepare('UPDATE members SET merged_at = @at WHERE id = @from'),
    // An unlink: the groups and daily activity of the platform go with its identity.
    splitMemberships: sqlite.prepare(
      `INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at, left_at)
       SELECT @leaving, chat_key, joined_at, first_seen_at, last_active_at, left_at FROM memberships WHERE member_id = @member AND chat_key LIKE @chats
       ON CONFLICT (member_id, chat_key) DO UPDATE SET joined_at = excluded.joined_at, first_seen_at = excluded.first_seen_at,
         last_active_at = excluded.last_active_at, left_at = excluded.left_at`,
    ),
    dropSplitMemberships: sqlite.prepare('DELETE FROM memberships WHERE member_id = @member AND chat_key LIKE @chats'),
    splitActivity: sqlite.prepare(
      `INSERT INTO activity_days (member_id, chat_key, day, messages, checkins, shares, reactions)
       SELECT @leaving, chat_key, day, messages, checkins, shares, reactions FROM activity_days WHERE member_id = @member AND chat_key LIKE @chats
       ON CONFLICT (member_id, chat_key, day) DO UPDATE SET messages = messages + excluded.messages, checkins = checkins + excluded.checkins,
         shares = shares + excluded.shares, reactions = reactions + excluded.reactions`,
    ),
    dropSplitActivity: sqlite.prepare('DELETE FROM activity_days WHERE member_id = @member AND chat_key LIKE @chats'),
    splitLastActive: sqlite.prepare('UPDATE members SET last_active_at = (SELECT MAX(last_active_at) FROM memberships WHERE member_id = @leaving) WHERE id = @leaving'),
  };
  return {
    feature: 'members',
    // Identity aliases are keyed by identity, so a merge carries them with the identities.
    tables: ['members', 'identities', 'identity_aliases', 'memberships', 'activity_days', 'member_roles', 'processed_events'],
    merge({ from, into, at }) {
      const p = { from, into };
      q.identities.run(p);
      q.memberships.run(p);
      q.dropMemberships.run(p);
      q.activity.run(p);
      q.dropActivity.run(p);
      const a = q.role.get(into) as { role: string } | undefined;
      const b = q.role.get(from) as { role: string } | undefined;
      if (b && isRole(b.role) && (!a || !isRole(a.role) || roleRank(b.role) > roleRank(a.role))) q.moveRole.run(p);
      q.dropRole.run(from);
      q.member.run(p);
      q.mergedInto.run(p);
      q.mergedAt.run({ from, at: at.getTime() });
    },
    split({ member, leaving, platform }) {
      const p = { member, leaving, chats: onPlatform(platform) };
      q.splitMemberships.run(p);
      q.dropSplitMemberships.run(p);
      q.splitActivity.run(p);
      q.dropSplitActivity.run(p);
      q.splitLastActive.run({ leaving });
    },
    erase(step) {
      const ids = step.memberIds;
      const list = placeholders(ids);
      // Event keys that name an identity (a DM chat, a join) become anonymous but stay unique.
      step.anonymiseKeyColumn('processed_events', 'key');
      sqlite
        .prepare(`DELETE FROM identity_aliases WHERE (platform, user_id) IN (SELECT platform, user_id FROM identities WHERE member_id IN (${list}))`)
        .run(...ids);
      sqlite.prepare(`DELETE FROM identities WHERE member_id IN (${list})`).run(...ids);
      sqlite.prepare(`DELETE FROM member_roles WHERE member_id IN (${list})`).run(...ids);
      sqlite.prepare(`UPDATE members SET name = '', locale = NULL, erased_at = ? WHERE id IN (${list})`).run(step.at.getTime(), ...ids);
      // Memberships and activity counts keep only group keys, days and counts: the retention and
      // interaction totals stay as they were, under the tombstone.
    },
    export(ids) {
      const list = placeholders(ids);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const member = sqlite.prepare(`SELECT id, name, locale, tier, created_at AS createdAt, last_active_at AS lastActiveAt FROM members WHERE id = ?`).get(ids[0]) as
        | { id: number; name: string; locale: string | null; tier: string; createdAt: number; lastActiveAt: number | null }
        | undefined;
      return {
        profile: member ? { ...member, createdAt: iso(member.createdAt), lastActiveAt: iso(member.lastActiveAt) } : null,
        identities: (
          sqlite
            .prepare(
              `SELECT i.platform, i.user_id AS userId, i.handle, i.name, i.first_seen_at AS firstSeenAt,
                 (SELECT json_group_array(a.alias) FROM identity_aliases a WHERE a.platform = i.platform AND a.user_id = i.user_id) AS aliases
               FROM identities i WHERE i.member_id IN (${list}) ORDER BY i.first_seen_at`,
            )
            .all(...ids) as { firstSeenAt: number; aliases: string }[]
        ).map((r) => ({ ...r, firstSeenAt: iso(r.firstSeenAt), aliases: JSON.parse(r.aliases) as string[] })),
        groups: (
          sqlite.prepare(`SELECT chat_key AS chat, joined_at AS joinedAt, first_seen_at AS firstSeenAt, last_active_at AS lastActiveAt, left_at AS leftAt FROM memberships WHERE member_id IN (${list}) ORDER BY chat_key`).all(...ids) as {
            joinedAt: number | null;
            firstSeenAt: number;
            lastActiveAt: number | null;
            leftAt: number | null;
          }[]
        ).map((r) => ({ ...r, joinedAt: iso(r.joinedAt), firstSeenAt: iso(r.firstSeenAt), lastActiveAt: iso(r.lastActiveAt), leftAt: iso(r.leftAt) })),
        activityDays: sqlite
          .prepare(`SELECT day, SUM(messages) AS messages, SUM(checkins) AS checkins, SUM(shares) AS shares, SUM(reactions) AS reactions FROM activity_days WHERE member_id IN (${list}) GROUP BY day ORDER BY day`)
          .all(...ids),
        role: (q.role.get(ids[0]) as { role: string } | undefined)?.role ?? null,
      };
    },
  };
}
