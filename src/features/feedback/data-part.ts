import type { Db } from '../../db/open.ts';
import { onPlatform, placeholders, type MemberDataPart } from '../members/index.ts';

/**
 * How the feedback box follows a member's data. A merge moves tickets, an unsent draft (where the
 * person has none already) and follow-up tasks; replies they wrote stay theirs. An erasure blanks
 * the texts of their tickets, drafts and replies — the figures (response times, counts per kind)
 * stay — and scrubs their name from other texts, digests included.
 */
export function feedbackDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const q = {
    tickets: s.prepare('UPDATE feedback_tickets SET member_id = @into WHERE member_id = @from'),
    assigned: s.prepare('UPDATE feedback_tickets SET assignee_id = @into WHERE assignee_id = @from'),
    draft: s.prepare('UPDATE OR IGNORE feedback_drafts SET member_id = @into WHERE member_id = @from'),
    dropDraft: s.prepare('DELETE FROM feedback_drafts WHERE member_id = @from'),
    events: s.prepare('UPDATE feedback_events SET actor_id = @into WHERE actor_id = @from'),
    tasks: s.prepare('UPDATE staff_tasks SET member_id = @into WHERE member_id = @from'),
    taskAssignee: s.prepare('UPDATE staff_tasks SET assignee_id = @into WHERE assignee_id = @from'),
  };
  // Tickets still open that were written on the platform go with its identity.
  const splitTickets = s.prepare("UPDATE feedback_tickets SET member_id = @leaving WHERE member_id = @member AND status <> 'closed' AND chat_key LIKE @chats");
  const own = (ids: readonly number[]) => placeholders(ids);
  return {
    feature: 'feedback',
    tables: ['feedback_tickets', 'feedback_events', 'feedback_tags', 'feedback_drafts', 'staff_tasks', 'feedback_reminders', 'feedback_digests'],
    merge({ from, into }) {
      const p = { from, into };
      for (const stmt of Object.values(q)) stmt.run(p);
    },
    split({ member, leaving, platform }) {
      splitTickets.run({ member, leaving, chats: onPlatform(platform) });
    },
    personalTexts(ids) {
      const l = own(ids);
      return (
        s
          .prepare(
            `SELECT text FROM feedback_tickets WHERE member_id IN (${l}) UNION SELECT text FROM feedback_drafts WHERE member_id IN (${l})
             UNION SELECT text FROM feedback_events WHERE actor_id IN (${l}) AND kind = 'reply' AND text IS NOT NULL`,
          )
          .all(...ids, ...ids, ...ids) as { text: string }[]
      ).map((r) => r.text);
    },
    erase(step) {
      const ids = step.memberIds;
      const l = own(ids);
      s.prepare(`UPDATE feedback_tickets SET text = '', message_id = NULL WHERE member_id IN (${l})`).run(...ids);
      s.prepare(`UPDATE feedback_events SET text = NULL WHERE actor_id IN (${l}) AND kind = 'reply'`).run(...ids);
      s.prepare(`DELETE FROM feedback_drafts WHERE member_id IN (${l})`).run(...ids);
      for (const [table, column] of [
        ['feedback_tickets', 'text'],
        ['feedback_tickets', 'decision_note'],
        ['feedback_events', 'text'],
        ['staff_tasks', 'note'],
        ['staff_tasks', 'reason'],
        ['feedback_digests', 'body'],
      ] as const)
        step.scrubColumn(table, column);
      step.anonymiseKeyColumn('feedback_tickets', 'source_key');
      step.anonymiseKeyColumn('feedback_tickets', 'chat_key');
    },
    export(ids) {
      const l = own(ids);
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const tickets = (s.prepare(`SELECT id, kind, status, text, created_at AS createdAt, decision, decision_note AS decisionNote, closed_at AS closedAt FROM feedback_tickets WHERE member_id IN (${l}) ORDER BY id`).all(...ids) as {
        id: number;
        createdAt: number;
        closedAt: number | null;
      }[]).map((t) => ({
        ...t,
        createdAt: iso(t.createdAt),
        closedAt: iso(t.closedAt),
        thread: (s.prepare("SELECT kind, text, at FROM feedback_events WHERE ticket_id = ? AND text IS NOT NULL ORDER BY id").all(t.id) as { at: number }[]).map((e) => ({ ...e, at: iso(e.at) })),
      }));
      const draft = s.prepare(`SELECT text, at FROM feedback_drafts WHERE member_id IN (${l})`).get(...ids) as { text: string; at: number } | undefined;
      return { tickets, ...(draft ? { draft: { text: draft.text, at: iso(draft.at) } } : {}) };
    },
  };
}
