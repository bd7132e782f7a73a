import type Database from 'better-sqlite3';
import type { Db } from '../../db/open.ts';
import type { CampaignDef } from './pack.ts';

/** A campaign's row with its definition parsed. */
export interface CampaignRow {
  readonly id: string;
  readonly source: 'pack' | 'chat';
  readonly def: CampaignDef;
  readonly status: 'scheduled' | 'running' | 'judging' | 'closed';
  readonly announcedAt: number | null;
  readonly remindedUntil: number | null;
  readonly endedAt: number | null;
  readonly closedAt: number | null;
  readonly closedBy: number | null;
  readonly seed: string | null;
  readonly createdAt: number;
}

export interface EntryRow {
  readonly id: number;
  readonly campaignId: string;
  readonly memberId: number;
  readonly name: string;
  readonly chatKey: string;
  readonly messageId: string;
  readonly eventKey: string;
  readonly text: string;
  readonly fingerprint: string;
  readonly status: string;
  readonly points: number;
  readonly at: number;
  readonly featuredAt: number | null;
  readonly pickedBy: number | null;
  readonly reactions: number;
}

export interface WinnerRow {
  readonly place: number;
  readonly entryId: number;
  readonly memberId: number;
  readonly name: string;
  readonly score: number | null;
  readonly chatKey: string;
  readonly text: string;
}

type RawCampaign = Omit<CampaignRow, 'def'> & { definition: string };

const ENTRY_COLUMNS = `e.id, e.campaign_id AS campaignId, e.member_id AS memberId, m.name, e.chat_key AS chatKey, e.message_id AS messageId,
  e.event_key AS eventKey, e.text, e.fingerprint, e.status, e.points, e.at, e.featured_at AS featuredAt, e.picked_by AS pickedBy,
  (SELECT COUNT(*) FROM campaign_reactions r WHERE r.entry_id = e.id) AS reactions`;

/** The campaign tables' queries. Every write runs inside the caller's transaction. */
export class CampaignRepo {
  private readonly q: Record<string, Database.Statement>;

  constructor(db: Db) {
    const s = db.sqlite;
    const campaignCols = `id, source, definition, status, announced_at AS announcedAt, reminded_until AS remindedUntil, ended_at AS endedAt,
      closed_at AS closedAt, closed_by AS closedBy, seed, created_at AS createdAt`;
    this.q = {
      all: s.prepare(`SELECT ${campaignCols} FROM campaigns ORDER BY created_at, id`),
      get: s.prepare(`SELECT ${campaignCols} FROM campaigns WHERE id = ?`),
      insert: s.prepare(
        `INSERT INTO campaigns (id, source, definition, status, created_at, created_by) VALUES (@id, @source, @definition, 'scheduled', @at, @by) ON CONFLICT (id) DO NOTHING`,
      ),
      // A pack campaign follows its file until it closes.
      refresh: s.prepare(`UPDATE campaigns SET definition = @definition WHERE id = @id AND source = 'pack' AND status != 'closed'`),
      announced: s.prepare(`UPDATE campaigns SET announced_at = @at, status = CASE WHEN status = 'scheduled' THEN 'running' ELSE status END WHERE id = @id AND announced_at IS NULL`),
      reminded: s.prepare('UPDATE campaigns SET reminded_until = @until WHERE id = @id'),
      ended: s.prepare(`UPDATE campaigns SET ended_at = @at, status = @status WHERE id = @id AND status IN ('scheduled', 'running')`),
      closed: s.prepare(`UPDATE campaigns SET status = 'closed', closed_at = @at, closed_by = @by, seed = @seed, ended_at = COALESCE(ended_at, @at) WHERE id = @id AND status != 'closed'`),
      insertEntry: s.prepare(
        `INSERT OR IGNORE INTO campaign_entries (campaign_id, member_id, chat_key, message_id, event_key, text, fingerprint, status, points, at)
         VALUES (@campaignId, @memberId, @chatKey, @messageId, @eventKey, @text, @fingerprint, @status, @points, @at)`,
      ),
      counted: s.prepare(`SELECT COUNT(*) AS n FROM campaign_entries WHERE campaign_id = ? AND member_id = ? AND status IN ('accepted', 'pending')`),
      recentPrints: s.prepare(`SELECT fingerprint FROM campaign_entries WHERE campaign_id = ? AND status IN ('accepted', 'pending') ORDER BY id DESC LIMIT 300`),
      entry: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.id = ?`),
      entryByMessage: s.prepare(`SELECT id, campaign_id AS campaignId, member_id AS memberId FROM campaign_entries WHERE chat_key = ? AND message_id = ? AND status = 'accepted'`),
      entries: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.campaign_id = ? ORDER BY e.id DESC LIMIT ?`),
      pending: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.status = 'pending' ORDER BY e.id LIMIT ?`),
      accepted: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.campaign_id = ? AND e.status = 'accepted' ORDER BY e.at, e.id`),
      picked: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.campaign_id = ? AND e.picked_by IS NOT NULL ORDER BY e.id`),
      featured: s.prepare(`SELECT ${ENTRY_COLUMNS} FROM campaign_entries e JOIN members m ON m.id = e.member_id WHERE e.campaign_id = ? AND e.featured_at IS NOT NULL ORDER BY e.featured_at`),
      mine: s.prepare(`SELECT campaign_id AS campaignId, status, COUNT(*) AS n, SUM(points) AS points FROM campaign_entries WHERE member_id = ? GROUP BY campaign_id, status`),
      decide: s.prepare(`UPDATE campaign_entries SET status = @status, points = @points, reviewed_by = @by WHERE id = @id AND status = 'pending'`),
      pick: s.prepare('UPDATE campaign_entries SET picked_by = @by WHERE id = @id AND picked_by IS NULL'),
      feature: s.prepare('UPDATE campaign_entries SET featured_at = @at WHERE id = @id AND featured_at IS NULL'),
      react: s.prepare('INSERT OR IGNORE INTO campaign_reactions (entry_id, member_id, at) VALUES (?, ?, ?)'),
      insertWinner: s.prepare('INSERT OR IGNORE INTO campaign_winners (campaign_id, place, entry_id, member_id, score) VALUES (?, ?, ?, ?, ?)'),
      winners: s.prepare(
        `SELECT w.place, w.entry_id AS entryId, w.member_id AS memberId, m.name, w.score, e.chat_key AS chatKey, e.text
         FROM campaign_winners w JOIN members m ON m.id = w.member_id JOIN campaign_entries e ON e.id = w.entry_id WHERE w.campaign_id = ? ORDER BY w.place`,
      ),
      figures: s.prepare(
        `SELECT COUNT(*) AS entries, COUNT(DISTINCT member_id) AS participants, COALESCE(SUM(points), 0) AS points FROM campaign_entries WHERE campaign_id = ? AND status = 'accepted' AND at <= ?`,
      ),
      participants: s.prepare(`SELECT DISTINCT member_id AS memberId FROM campaign_entries WHERE campaign_id = ? AND status = 'accepted' AND at <= ?`),
      consent: s.prepare('SELECT consent FROM showcase_consent WHERE member_id = ?'),
      setConsent: s.prepare('INSERT INTO showcase_consent (member_id, consent, updated_at) VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET consent = excluded.consent, updated_at = excluded.updated_at'),
      exportEntries: s.prepare(
        `SELECT e.id, e.campaign_id AS campaign, e.member_id AS member, e.chat_key AS chat, e.status, e.points, e.at, e.featured_at AS featuredAt,
           (SELECT COUNT(*) FROM campaign_reactions r WHERE r.entry_id = e.id) AS reactions FROM campaign_entries e ORDER BY e.id`,
      ),
    };
  }

  private parse(raw: RawCampaign | undefined): CampaignRow | undefined {
    if (!raw) return undefined;
    const { definition, ...rest } = raw;
    return { ...rest, def: JSON.parse(definition) as CampaignDef };
  }

  all(): CampaignRow[] {
    return (this.q.all!.all() as RawCampaign[]).map((r) => this.parse(r)!);
  }

  get(id: string): CampaignRow | undefined {
    return this.parse(this.q.get!.get(id) as RawCampaign | undefined);
  }

  /** Adds a campaign; false when the id is taken. */
  insert(def: CampaignDef, at: number, by: number | null): boolean {
    return this.q.insert!.run({ id: def.id, source: def.source, definition: JSON.stringify(def), at, by }).changes > 0;
  }

  refresh(def: CampaignDef): void {
    this.q.refresh!.run({ id: def.id, definition: JSON.stringify(def) });
  }

  markAnnounced(id: string, at: number): boolean {
    return this.q.announced!.run({ id, at }).changes > 0;
  }

  markReminded(id: string, until: number): void {
    this.q.reminded!.run({ id, until });
  }

  markEnded(id: string, at: number, status: 'judging'): boolean {
    return this.q.ended!.run({ id, at, status }).changes > 0;
  }

  markClosed(id: string, at: number, by: number | null, seed: string | null): boolean {
    return this.q.closed!.run({ id, at, by, seed }).changes > 0;
  }

  /** Records an entry once per (campaign, event); returns its id, or undefined for a repeat. */
  insertEntry(e: { campaignId: string; memberId: number; chatKey: string; messageId: string; eventKey: string; text: string; fingerprint: string; status: string; points: number; at: number }): number | undefined {
    const r = this.q.insertEntry!.run(e);
    return r.changes > 0 ? Number(r.lastInsertRowid) : undefined;
  }

  /** Entries of a member that count against the cap (accepted or waiting for review). */
  countedOf(campaignId: string, memberId: number): number {
    return (this.q.counted!.get(campaignId, memberId) as { n: number }).n;
  }

  /** Fingerprints of the campaign's latest counted entries, for the near-duplicate check. */
  recentPrints(campaignId: string): string[] {
    return (this.q.recentPrints!.all(campaignId) as { fingerprint: string }[]).map((r) => r.fingerprint);
  }

  entry(id: number): EntryRow | undefined {
    return this.q.entry!.get(id) as EntryRow | undefined;
  }

  acceptedEntryAt(chatKey: string, messageId: string): { id: number; campaignId: string; memberId: number }[] {
    return this.q.entryByMessage!.all(chatKey, messageId) as { id: number; campaignId: string; memberId: number }[];
  }

  entries(campaignId: string, limit: number): EntryRow[] {
    return this.q.entries!.all(campaignId, limit) as EntryRow[];
  }

  pending(limit: number): EntryRow[] {
    return this.q.pending!.all(limit) as EntryRow[];
  }

  accepted(campaignId: string): EntryRow[] {
    return this.q.accepted!.all(campaignId) as EntryRow[];
  }

  picked(campaignId: string): EntryRow[] {
    return this.q.picked!.all(campaignId) as EntryRow[];
  }

  featured(campaignId: string): EntryRow[] {
    return this.q.featured!.all(campaignId) as EntryRow[];
  }

  /** A member's entries per campaign and status. */
  mine(memberId: number): { campaignId: string; status: string; n: number; points: number }[] {
    return this.q.mine!.all(memberId) as { campaignId: string; status: string; n: number; points: number }[];
  }

  decide(id: number, status: 'accepted' | 'rejected', points: number, by: number): boolean {
    return this.q.decide!.run({ id, status, points, by }).changes > 0;
  }

  pick(id: number, by: number): boolean {
    return this.q.pick!.run({ id, by }).changes > 0;
  }

  feature(id: number, at: number): boolean {
    return this.q.feature!.run({ id, at }).changes > 0;
  }

  react(entryId: number, memberId: number, at: number): boolean {
    return this.q.react!.run(entryId, memberId, at).changes > 0;
  }

  insertWinner(campaignId: string, place: number, entryId: number, memberId: number, score: number | null): void {
    this.q.insertWinner!.run(campaignId, place, entryId, memberId, score);
  }

  winners(campaignId: string): WinnerRow[] {
    return this.q.winners!.all(campaignId) as WinnerRow[];
  }

  /** Accepted entries, their authors and points, counting entries made up to `asOf` (ms; default all). */
  figures(campaignId: string, asOf = Number.MAX_SAFE_INTEGER): { entries: number; participants: number; points: number } {
    return this.q.figures!.get(campaignId, asOf) as { entries: number; participants: number; points: number };
  }

  /** The members with an accepted entry made up to `asOf` (ms; default all). */
  participants(campaignId: string, asOf = Number.MAX_SAFE_INTEGER): number[] {
    return (this.q.participants!.all(campaignId, asOf) as { memberId: number }[]).map((r) => r.memberId);
  }

  consent(memberId: number): string | undefined {
    return (this.q.consent!.get(memberId) as { consent: string } | undefined)?.consent;
  }

  setConsent(memberId: number, consent: string, at: number): void {
    this.q.setConsent!.run(memberId, consent, at);
  }

  exportEntries(): { id: number; campaign: string; member: number; chat: string; status: string; points: number; at: number; featuredAt: number | null; reactions: number }[] {
    return this.q.exportEntries!.all() as { id: number; campaign: string; member: number; chat: string; status: string; points: number; at: number; featuredAt: number | null; reactions: number }[];
  }
}
