import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/** Recorded purchases follow the person on a merge (tier requirements count both); an erasure keeps the amounts and scrubs notes and keys. */
export function purchasesDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const move = s.prepare('UPDATE purchases SET member_id = @into WHERE member_id = @from');
  return {
    feature: 'purchases',
    tables: ['purchases'],
    merge: ({ from, into }) => void move.run({ from, into }),
    erase(step) {
      step.scrubColumn('purchases', 'note');
      step.anonymiseKeyColumn('purchases', 'source_key');
    },
    export(ids) {
      return (s.prepare(`SELECT orders, amount, at, note, source FROM purchases WHERE member_id IN (${placeholders(ids)}) ORDER BY at`).all(...ids) as { at: number }[]).map((r) => ({
        ...r,
        at: new Date(r.at).toISOString(),
      }));
    },
  };
}
