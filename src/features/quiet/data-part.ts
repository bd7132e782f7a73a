import type { Db } from '../../db/open.ts';
import { onPlatform, placeholders, type MemberDataPart, type MembersService } from '../members/index.ts';

const LIVE = "('open', 'snoozed', 'recalled')";

/**
 * How quiet flags follow a member's data. A merge moves the flags to the one person; a flag raised
 * on one identity while the other was active is no longer true — the person was not quiet — so it
 * is dismissed; a recall the person answered on the other identity counts as `returned` (via
 * `linked`). An erasure keeps the flags' figures and scrubs the notes.
 */
export function quietDataPart(db: Db, members: MembersService): MemberDataPart {
  const s = db.sqlite;
  const q = {
    live: s.prepare(`SELECT id FROM quiet_flags WHERE member_id = ? AND status IN ${LIVE}`),
    dismiss: s.prepare("UPDATE quiet_flags SET status = 'dismissed', reviewed_at = @at, note = 'merged' WHERE id = @id"),
    move: s.prepare('UPDATE OR IGNORE quiet_flags SET member_id = @into WHERE member_id = @from'),
    // A recall that was answered on the other identity is a recall that worked.
    returned: s.prepare(
      `UPDATE quiet_flags SET status = 'returned', returned_at = @active, returned_via = 'linked'
       WHERE member_id = @into AND status = 'recalled' AND recalled_at <= @active AND returned_at IS NULL`,
    ),
    neverQuiet: s.prepare(
      `UPDATE quiet_flags SET status = 'dismissed', reviewed_at = @at, note = 'active on a linked identity'
       WHERE member_id = @into AND status IN ${LIVE} AND quiet_since < @active`,
    ),
    // A live flag whose recall went to the platform is about that identity: it leaves with it.
    split: s.prepare(`UPDATE OR IGNORE quiet_flags SET member_id = @leaving WHERE member_id = @member AND status IN ${LIVE} AND recall_chat LIKE @chats`),
  };
  return {
    feature: 'quiet',
    tables: ['quiet_flags'],
    merge({ from, into, at }) {
      // One live flag per member: the merged-away member's gives way.
      const kept = q.live.get(into) as { id: number } | undefined;
      const other = q.live.get(from) as { id: number } | undefined;
      if (kept && other) q.dismiss.run({ id: other.id, at: at.getTime() });
      q.move.run({ from, into });
      const active = members.get(into)?.lastActiveAt;
      if (active === null || active === undefined) return;
      q.returned.run({ into, active });
      q.neverQuiet.run({ into, active, at: at.getTime() });
    },
    split({ member, leaving, platform }) {
      q.split.run({ member, leaving, chats: onPlatform(platform) });
    },
    erase(step) {
      step.scrubColumn('quiet_flags', 'note');
      step.anonymiseKeyColumn('quiet_flags', 'recall_chat');
    },
    export(ids) {
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return (
        s
          .prepare(
            `SELECT status, flagged_at AS flaggedAt, quiet_since AS quietSince, days_quiet AS daysQuiet, stage, note, recall_template AS recallTemplate,
               recalled_at AS recalledAt, bonus, returned_at AS returnedAt FROM quiet_flags WHERE member_id IN (${placeholders(ids)}) ORDER BY flagged_at`,
          )
          .all(...ids) as { flaggedAt: number; quietSince: number; recalledAt: number | null; returnedAt: number | null }[]
      ).map((r) => ({ ...r, flaggedAt: iso(r.flaggedAt), quietSince: iso(r.quietSince), recalledAt: iso(r.recalledAt), returnedAt: iso(r.returnedAt) }));
    },
  };
}
