import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/** A pending `/forget` goes with the erasure it confirms; a merge drops the merged-away member's. */
export function privacyDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  return {
    feature: 'privacy',
    tables: ['forget_requests'],
    merge: ({ from }) => void s.prepare('DELETE FROM forget_requests WHERE member_id = ?').run(from),
    erase: (step) => void s.prepare(`DELETE FROM forget_requests WHERE member_id IN (${placeholders(step.memberIds)})`).run(...step.memberIds),
  };
}
