import type { Db } from '../../db/open.ts';
import { placeholders, type MemberDataPart } from '../members/index.ts';

/**
 * How redemptions follow a member's data: a merge moves them to the person, so per-member limits
 * count both identities' redemptions. An erasure keeps them (counts and costs are accounting) and
 * scrubs the refusal reasons and the keys that name an identity, and drops shipping details. Reward codes handed out are the
 * brand's, not personal data; the export lists them so the member has their copy.
 */
export function shopDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const move = s.prepare('UPDATE redemptions SET member_id = @into WHERE member_id = @from');
  return {
    feature: 'shop',
    tables: ['redemptions', 'reward_codes', 'reward_stock', 'stock_alerts'],
    merge: ({ from, into }) => void move.run({ from, into }),
    erase(step) {
      // Shipping details (name, address, phone) are personal through and through: gone, not scrubbed.
      s.prepare(`UPDATE redemptions SET details = NULL WHERE member_id IN (${placeholders(step.memberIds)})`).run(...step.memberIds);
      step.scrubColumn('redemptions', 'reason');
      step.anonymiseKeyColumn('redemptions', 'event_key');
      step.anonymiseKeyColumn('redemptions', 'chat_key');
    },
    export(ids) {
      return (s.prepare(`SELECT sku, qty, cost, status, code, at, reason, details FROM redemptions WHERE member_id IN (${placeholders(ids)}) ORDER BY at, id`).all(...ids) as { at: number; code: string | null }[]).map((r) => ({
        ...r,
        code: r.code === null ? null : r.code.split('\n'),
        at: new Date(r.at).toISOString(),
      }));
    },
  };
}
