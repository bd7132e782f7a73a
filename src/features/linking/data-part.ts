import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/**
 * Link codes belong to a moment: a merge voids the merged-away member's live codes and moves its
 * guessing record (the rate limit follows the person); an erasure deletes both.
 */
export function linkingDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const q = {
    voidCodes: s.prepare("UPDATE link_codes SET status = 'void' WHERE member_id = @from AND status IN ('open', 'claimed')"),
    attempts: s.prepare('UPDATE link_attempts SET member_id = @into WHERE member_id = @from'),
  };
  return {
    feature: 'linking',
    tables: ['link_codes', 'link_attempts'],
    merge({ from, into }) {
      q.voidCodes.run({ from });
      q.attempts.run({ from, into });
    },
    erase(step) {
      const l = placeholders(step.memberIds);
      s.prepare(`DELETE FROM link_codes WHERE member_id IN (${l}) OR claimed_by IN (${l})`).run(...step.memberIds, ...step.memberIds);
      s.prepare(`DELETE FROM link_attempts WHERE member_id IN (${l})`).run(...step.memberIds);
    },
  };
}
