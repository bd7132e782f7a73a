import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { UserRef } from '../../core/ids.ts';

/**
 * How a feature's rows follow the life of a member's data: a merge (two identities found to be one
 * person), an erasure (`/forget`) and an export (`/mydata`). Every feature whose tables hold member
 * rows registers one part at the composition root, like its listeners; `MemberData` runs them all in
 * one synchronous transaction, so a crash mid-merge or mid-erasure leaves nothing half done.
 */
export interface MemberDataPart {
  /** The feature that owns the part: the export's section name. */
  readonly feature: string;
  /**
   * The tables this part answers for. Every table of the database is claimed by exactly one part
   * (a test checks), so a new table cannot be forgotten by merge, erasure or export.
   */
  readonly tables: readonly string[];
  /** Moves `from`'s rows to `into`, keeping what accounting needs per identity. No `await`: runs in the merge's transaction. */
  merge?(step: MergeStep): void;
  /**
   * Points the leaving identity earned in this part's rows since it was linked (check-ins in its
   * platform's groups, posts and shares keyed by its events): summed over every part before any
   * splits, so the points part can give them back.
   */
  earnedSince?(step: Omit<SplitStep, 'earned'>): number;
  /** Gives the leaving identity its rows back (`/unlink`). No `await`: runs in the unlink's transaction. */
  split?(step: SplitStep): void;
  /**
   * Free texts the member wrote that this part stores (ticket texts): collected from every part
   * before any erases, so the other parts can scrub copies of them (an outbox reply that quoted one).
   */
  personalTexts?(memberIds: readonly number[]): string[];
  /** Removes the member's personal data from this part's tables, keeping anonymous rows accounting needs. */
  erase?(step: ErasureStep): void;
  /** What this part holds about the member, JSON-ready; omitted when there is nothing. */
  export?(memberIds: readonly number[], at: Date): unknown;
}

/** One merge: `from` goes away into `into`. */
export interface MergeStep {
  readonly from: number;
  readonly into: number;
  readonly at: Date;
  /** Unique per merge: the source key of rows the merge writes (ledger transfers). */
  readonly key: string;
  readonly actorMemberId: number | null;
}

/**
 * One unlink: the identities of `platform` leave `member` for `leaving` (the member they were first
 * seen as, reopened, or a new one).
 */
export interface SplitStep {
  readonly member: number;
  readonly leaving: number;
  readonly platform: string;
  /** Whether `leaving` is the identity's own earlier member, reopened (its history was kept there). */
  readonly reopened: boolean;
  /** When the identity joined `member` (ms): what it earned from then on goes with it. */
  readonly linkedAt: number;
  /** Points earned on the identity since `linkedAt`, over every part. */
  readonly earned: number;
  readonly at: Date;
  /** Unique per unlink: the source key of rows the unlink writes. */
  readonly key: string;
  readonly actorMemberId: number | null;
}

/** A chat key on the platform: `LIKE` pattern for the leaving identity's groups and direct chats. */
export const onPlatform = (platform: string) => `${platform.replace(/[%_\\]/g, '')}:%`;

/** The erased: what to look for, and helpers every part uses on its own tables. */
export interface ErasureStep {
  /** The member and every member merged into it earlier. */
  readonly memberIds: readonly number[];
  readonly identities: readonly UserRef[];
  readonly at: Date;
  /** Whether a text still holds a name, handle, identity or text of the member. */
  mentions(text: string | null): boolean;
  /** `text` with every name, handle, identity and text of the member replaced by a neutral mark. */
  scrub(text: string): string;
  /** A key (event or source key) that names one of the identities, replaced by an anonymous one that stays unique. */
  anonymiseKey(key: string): string;
  /**
   * Scrubs one text column of a table wherever it mentions the member (the rows are found by SQL
   * first). `anywhere`: names match inside words too, for texts kept without spaces (fingerprints).
   */
  scrubColumn(table: string, column: string, options?: { anywhere?: boolean }): number;
  /** Anonymises one key column of a table wherever it names one of the identities. */
  anonymiseKeyColumn(table: string, column: string): number;
}

/** What stands in for erased text. */
export const ERASED = '[erased]';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Builds the erasure's matchers. Names and handles are replaced as whole words (a name "Al" must
 * not eat "Alice"), except CJK names, which are written without spaces around them. User ids are
 * replaced only where they stand as an id — a key segment (`telegram:dm:42:m:7`) or a JSON string
 * (`"userId":"42"`) — since a short numeric id also appears in ordinary text.
 */
export function erasureStep(sqlite: Database.Database, subject: { memberIds: readonly number[]; identities: readonly UserRef[]; names: readonly string[]; texts: readonly string[]; at: Date }): ErasureStep {
  // A full name and each of its parts ("Zebulon's photo" names Zebulon Quarry).
  const nameParts = subject.names.flatMap((n) => [n, ...n.split(/[\s._-]+/u).filter((p) => p.length >= 3)]);
  const words = [...new Set(nameParts.map((n) => n.trim()).filter((n) => n.length >= 2))];
  const texts = [...new Set(subject.texts.map((t) => t.trim()).filter((t) => t.length >= 4))];
  // JSON columns hold texts with their quotes and line breaks escaped.
  const literal = [...new Set([...texts, ...texts.map((t) => JSON.stringify(t).slice(1, -1))])].sort((a, b) => b.length - a.length);
  const wordAlternatives = words.flatMap((w) => [w, JSON.stringify(w).slice(1, -1)]).sort((a, b) => b.length - a.length);
  const parts: string[] = [];
  if (literal.length > 0) parts.push(literal.map(escapeRe).join('|'));
  for (const w of [...new Set(wordAlternatives)]) parts.push(CJK.test(w) ? escapeRe(w) : `(?<![\\p{L}\\p{N}_])${escapeRe(w)}(?![\\p{L}\\p{N}_])`);
  const ids = [...new Set(subject.identities.map((i) => i.userId))];
  if (ids.length > 0) parts.push(`(?<=^|[:"@])(?:${ids.map(escapeRe).join('|')})(?=$|[:"])`);
  const pattern = parts.length > 0 ? new RegExp(parts.join('|'), 'giu') : undefined;
  // Names as written without spaces or case (the near-duplicate filter's fingerprints).
  const squashed = [...new Set(words.flatMap((w) => [w, w.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '')]).filter((w) => w.length >= 3))];
  const anywhere = squashed.length + literal.length > 0 ? new RegExp([...literal, ...squashed].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'giu') : undefined;
  const keyPattern = ids.length > 0 ? new RegExp(`(?:^|:)(?:dm:)?(?:${ids.map(escapeRe).join('|')})(?::|$)`, 'u') : undefined;
  const needles = [...new Set([...literal, ...words, ...squashed, ...ids].map((n) => n.toLowerCase()))];
  const mentions = (text: string | null): boolean => {
    if (text === null || !pattern) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  };
  const scrub = (text: string): string => (pattern ? text.replace(pattern, ERASED) : text);
  const names = (key: string) => keyPattern !== undefined && subject.identities.some((i) => key.startsWith(`${i.platform}:`)) && keyPattern.test(key);
  const anonymiseKey = (key: string) => (names(key) ? `erased:${createHash('sha256').update(key).digest('hex').slice(0, 24)}` : key);
  // Rows are found by `instr` first, so an erasure reads only the rows that name the member.
  const candidates = (table: string, column: string): { id: number; v: string }[] => {
    if (needles.length === 0) return [];
    const where = needles.map(() => `instr(lower(${column}), ?) > 0`).join(' OR ');
    return sqlite.prepare(`SELECT rowid AS id, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL AND (${where})`).all(...needles) as { id: number; v: string }[];
  };
  return {
    memberIds: subject.memberIds,
    identities: subject.identities,
    at: subject.at,
    mentions,
    scrub,
    anonymiseKey,
    scrubColumn(table, column, options) {
      const update = sqlite.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
      let n = 0;
      for (const row of candidates(table, column)) {
        const next = options?.anywhere && anywhere ? scrub(row.v).replace(anywhere, ERASED) : scrub(row.v);
        if (next !== row.v) n += update.run(next, row.id).changes;
      }
      return n;
    },
    anonymiseKeyColumn(table, column) {
      if (ids.length === 0) return 0;
      const update = sqlite.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
      const where = ids.map(() => `instr(${column}, ?) > 0`).join(' OR ');
      let n = 0;
      for (const row of sqlite.prepare(`SELECT rowid AS id, ${column} AS v FROM ${table} WHERE ${where}`).all(...ids) as { id: number; v: string }[]) {
        const next = anonymiseKey(row.v);
        if (next !== row.v) n += update.run(next, row.id).changes;
      }
      return n;
    },
  };
}

/** `?, ?, ?` for an `IN (…)` list. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
