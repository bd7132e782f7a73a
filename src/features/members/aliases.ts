import type Database from 'better-sqlite3';

/** An identity whose alias matched an unknown platform id. */
export interface AliasMatch {
  readonly memberId: number;
  readonly userId: string;
  readonly alias: string;
  /** The matched identity's display name. */
  readonly name: string;
}

/**
 * How an unknown platform id is found among known people by alias: one member (rebind), several
 * (ambiguous: a person decides), or none (a new member).
 */
export type AliasLookup = { readonly kind: 'none' } | { readonly kind: 'one'; readonly match: AliasMatch } | { readonly kind: 'many'; readonly matches: readonly AliasMatch[] };

/**
 * An alias names one person strongly (`weixin:`: a WeChat id is unique and chosen once) or weakly
 * (`remark:`: the bot account's note, which two people may share). Strong matches decide alone;
 * weak ones count only when no strong alias matched anyone, and a single weak match is trusted
 * only when the display name is the same too (else a person must decide).
 */
const isStrong = (alias: string) => alias.startsWith('weixin:');

/** The identity aliases table: kept current from events, asked when an id is unknown. */
export class IdentityAliasStore {
  private readonly q: {
    readonly of: Database.Statement<[string, string]>;
    readonly add: Database.Statement<[string, string, string]>;
    readonly clear: Database.Statement<[string, string]>;
    readonly move: Database.Statement<[string, string, string]>;
  };

  constructor(private readonly sqlite: Database.Database) {
    this.q = {
      of: sqlite.prepare('SELECT alias FROM identity_aliases WHERE platform = ? AND user_id = ? ORDER BY alias'),
      add: sqlite.prepare('INSERT OR IGNORE INTO identity_aliases (platform, user_id, alias) VALUES (?, ?, ?)'),
      clear: sqlite.prepare('DELETE FROM identity_aliases WHERE platform = ? AND user_id = ?'),
      move: sqlite.prepare('UPDATE OR REPLACE identity_aliases SET user_id = ? WHERE platform = ? AND user_id = ?'),
    };
  }

  /** Stores an identity's aliases as the platform reports them now (written only when they changed). */
  sync(platform: string, userId: string, aliases: readonly string[]): void {
    const want = [...new Set(aliases)].sort();
    const have = (this.q.of.all(platform, userId) as { alias: string }[]).map((r) => r.alias);
    if (want.length === have.length && want.every((a, i) => a === have[i])) return;
    this.q.clear.run(platform, userId);
    for (const a of want) this.q.add.run(platform, userId, a);
  }

  /** The known people on `platform` (other than `userId`) who carry one of `aliases`; `name` is the newcomer's. */
  lookup(platform: string, userId: string, aliases: readonly string[], name: string | undefined): AliasLookup {
    if (aliases.length === 0) return { kind: 'none' };
    const rows = this.sqlite
      .prepare(
        `SELECT i.member_id AS memberId, a.user_id AS userId, a.alias AS alias, i.name AS name FROM identity_aliases a
         JOIN identities i ON i.platform = a.platform AND i.user_id = a.user_id
         JOIN members m ON m.id = i.member_id AND m.merged_into IS NULL AND m.erased_at IS NULL
         WHERE a.platform = ? AND a.user_id <> ? AND a.alias IN (SELECT value FROM json_each(?)) ORDER BY i.member_id, a.alias`,
      )
      .all(platform, userId, JSON.stringify([...new Set(aliases)])) as AliasMatch[];
    const strong = rows.filter((r) => isStrong(r.alias));
    const used = strong.length > 0 ? strong : rows;
    const byMember = new Map<number, AliasMatch>();
    for (const r of used) if (!byMember.has(r.memberId)) byMember.set(r.memberId, r);
    const matches = [...byMember.values()];
    if (matches.length === 0) return { kind: 'none' };
    if (matches.length === 1 && (strong.length > 0 || matches[0]!.name === name)) return { kind: 'one', match: matches[0]! };
    return { kind: 'many', matches };
  }

  /** Moves an identity's aliases to its new id (a rebind). */
  move(platform: string, from: string, to: string): void {
    this.q.move.run(to, platform, from);
  }
}
