import type { Db } from '../../db/open.ts';
import { ERASED, placeholders, type MemberDataPart } from '../members/index.ts';

/** From most to least private: a merged person keeps the more private of their two settings. */
const PRIVACY = ['off', 'anonymous', 'name'];

/**
 * How campaign rows follow a member's data. A merge moves entries, reactions (one per person and
 * entry) and wins to the person, and keeps the more private quoting setting. An erasure replaces
 * the texts of their entries (counts, points and wins stay: accounting and published results),
 * anonymises the keys that name an identity and drops their quoting setting. The export lists
 * their entries, wins and setting.
 */
export function campaignsDataPart(db: Db): MemberDataPart {
  const s = db.sqlite;
  const q = {
    entries: s.prepare('UPDATE campaign_entries SET member_id = @into WHERE member_id = @from'),
    reactions: s.prepare('UPDATE OR IGNORE campaign_reactions SET member_id = @into WHERE member_id = @from'),
    dropReactions: s.prepare('DELETE FROM campaign_reactions WHERE member_id = ?'),
    winners: s.prepare('UPDATE campaign_winners SET member_id = @into WHERE member_id = @from'),
    consent: s.prepare('SELECT consent FROM showcase_consent WHERE member_id = ?'),
    setConsent: s.prepare('INSERT INTO showcase_consent (member_id, consent, updated_at) VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET consent = excluded.consent, updated_at = excluded.updated_at'),
    dropConsent: s.prepare('DELETE FROM showcase_consent WHERE member_id = ?'),
  };
  return {
    feature: 'campaigns',
    tables: ['campaigns', 'campaign_entries', 'campaign_reactions', 'campaign_winners', 'showcase_consent'],
    merge({ from, into, at }) {
      q.entries.run({ from, into });
      q.reactions.run({ from, into });
      q.dropReactions.run(from);
      q.winners.run({ from, into });
      const a = (q.consent.get(into) as { consent: string } | undefined)?.consent;
      const b = (q.consent.get(from) as { consent: string } | undefined)?.consent;
      if (b !== undefined && (a === undefined || PRIVACY.indexOf(b) < PRIVACY.indexOf(a))) q.setConsent.run(into, b, at.getTime());
      q.dropConsent.run(from);
    },
    personalTexts(ids) {
      return (s.prepare(`SELECT text FROM campaign_entries WHERE member_id IN (${placeholders(ids)})`).all(...ids) as { text: string }[]).map((r) => r.text);
    },
    erase(step) {
      const ids = step.memberIds;
      s.prepare(`UPDATE campaign_entries SET text = ?, fingerprint = 'erased:' || id WHERE member_id IN (${placeholders(ids)})`).run(ERASED, ...ids);
      step.anonymiseKeyColumn('campaign_entries', 'event_key');
      s.prepare(`DELETE FROM showcase_consent WHERE member_id IN (${placeholders(ids)})`).run(...ids);
      step.scrubColumn('campaigns', 'definition');
    },
    export(ids) {
      const list = placeholders(ids);
      const entries = (s.prepare(`SELECT campaign_id AS campaign, chat_key AS chat, text, status, points, at FROM campaign_entries WHERE member_id IN (${list}) ORDER BY at, id`).all(...ids) as { at: number }[]).map((e) => ({
        ...e,
        at: new Date(e.at).toISOString(),
      }));
      const wins = s.prepare(`SELECT campaign_id AS campaign, place FROM campaign_winners WHERE member_id IN (${list}) ORDER BY campaign_id`).all(...ids);
      const consent = (s.prepare(`SELECT consent FROM showcase_consent WHERE member_id IN (${list})`).get(...ids) as { consent: string } | undefined)?.consent ?? null;
      if (entries.length === 0 && wins.length === 0 && consent === null) return undefined;
      return { entries, wins, showcase: consent };
    },
  };
}
