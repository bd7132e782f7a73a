import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/**
 * Dashboard links and sessions on a merge, an erasure and an export. A merge ends the merged
 * member's sessions and voids their unused links (they sign in again as the member they became);
 * an erasure deletes both; an export lists the sign-ins.
 */
export function dashboardDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const q = {
    endSessions: s.prepare('UPDATE dashboard_sessions SET ended_at = @at WHERE member_id = @from AND ended_at IS NULL'),
    voidLinks: s.prepare('UPDATE dashboard_links SET used_at = @at WHERE member_id = @from AND used_at IS NULL'),
  };
  return {
    feature: 'dashboard',
    tables: ['dashboard_links', 'dashboard_sessions'],
    merge({ from, at }) {
      q.endSessions.run({ from, at: at.getTime() });
      q.voidLinks.run({ from, at: at.getTime() });
    },
    erase(step) {
      const l = placeholders(step.memberIds);
      s.prepare(`DELETE FROM dashboard_sessions WHERE member_id IN (${l})`).run(...step.memberIds);
      s.prepare(`DELETE FROM dashboard_links WHERE member_id IN (${l})`).run(...step.memberIds);
    },
    export(memberIds) {
      const rows = s
        .prepare(`SELECT created_at AS createdAt, expires_at AS expiresAt, ended_at AS endedAt FROM dashboard_sessions WHERE member_id IN (${placeholders(memberIds)}) ORDER BY created_at`)
        .all(...memberIds) as { createdAt: number; expiresAt: number; endedAt: number | null }[];
      if (rows.length === 0) return undefined;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return { sessions: rows.map((r) => ({ signedIn: iso(r.createdAt), expires: iso(r.expiresAt), ended: iso(r.endedAt) })) };
    },
  };
}
