import { UserError } from '../../core/errors.ts';
import type { UserRef } from '../../core/ids.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import { membersDataPart } from './data-part.ts';
import { erasureStep, placeholders, type MemberDataPart } from './member-data.ts';

export interface MemberDataDeps {
  readonly db: Db;
  readonly audit: AuditService;
}

/** What `/mydata` and `export-member` hand over. */
export interface MemberExport {
  readonly member: number;
  readonly generatedAt: string;
  /** One section per feature that holds something about the member. */
  readonly sections: Readonly<Record<string, unknown>>;
}

/**
 * Runs merges, erasures and exports across every feature's registered part, each in one
 * synchronous transaction (no `await` inside): the one place where "a member's data" is defined.
 */
export class MemberDataService {
  private readonly own: MemberDataPart;
  private readonly others: MemberDataPart[] = [];

  constructor(private readonly deps: MemberDataDeps) {
    this.own = membersDataPart(deps.db.sqlite);
  }

  /** Adds a feature's part; the composition root registers one per feature, like listeners. */
  register(part: MemberDataPart): void {
    if ([this.own, ...this.others].some((p) => p.feature === part.feature)) throw new Error(`member data part "${part.feature}" registered twice`);
    this.others.push(part);
  }

  /** Every registered part, the members feature's first. */
  get parts(): readonly MemberDataPart[] {
    return [this.own, ...this.others];
  }

  /**
   * Merges `from` into `into`: every part moves its rows (members first, so the others see the
   * merged member), then the merge is audited. Refuses a member already merged or erased.
   */
  merge(from: number, into: number, opts: { at: Date; key: string; actorMemberId: number | null; via: string }): void {
    const { db, audit } = this.deps;
    db.transaction(() => {
      if (from === into) throw new UserError('link.same_member');
      for (const id of [from, into]) {
        const row = db.sqlite.prepare('SELECT merged_into AS mergedInto, erased_at AS erasedAt FROM members WHERE id = ?').get(id) as { mergedInto: number | null; erasedAt: number | null } | undefined;
        if (!row || row.mergedInto !== null || row.erasedAt !== null) throw new UserError('link.unavailable');
      }
      const step = { from, into, at: opts.at, key: opts.key, actorMemberId: opts.actorMemberId };
      for (const part of this.parts) part.merge?.(step);
      audit.record({ at: opts.at, actorMemberId: opts.actorMemberId, action: 'member.merge', targetMemberId: into, detail: { from, into, via: opts.via } });
    });
  }

  /**
   * Unlinks the member's identities on `platform` (`/unlink`): they go back to the member they were
   * first seen as when that one was merged into this member, else to a new member; every part
   * gives them their rows back (`split`), the points they brought and earned since linking move
   * with two `unlink` ledger rows, and it is audited. Refuses unlinking the member's only platform.
   * Linking again merges them as before, so link → unlink → link returns the same totals.
   */
  unlink(memberId: number, platform: string, opts: { at: Date; key: string; actorMemberId: number | null; via: string }): { member: number; leaving: number; reopened: boolean } {
    const { db, audit } = this.deps;
    const s = db.sqlite;
    return db.transaction(() => {
      const row = s.prepare('SELECT merged_into AS mergedInto, erased_at AS erasedAt FROM members WHERE id = ?').get(memberId) as { mergedInto: number | null; erasedAt: number | null } | undefined;
      if (!row || row.mergedInto !== null || row.erasedAt !== null) throw new UserError('link.unavailable');
      const identities = s
        .prepare('SELECT platform, user_id AS userId, name, first_seen_at AS firstSeenAt, home_member_id AS home FROM identities WHERE member_id = ? ORDER BY first_seen_at')
        .all(memberId) as { platform: string; userId: string; name: string; firstSeenAt: number; home: number | null }[];
      const going = identities.filter((i) => i.platform === platform);
      if (going.length === 0) throw new UserError('unlink.not_linked', { platform });
      if (going.length === identities.length) throw new UserError('unlink.only_identity', { platform });
      const first = going[0]!;
      const home =
        first.home === null || first.home === memberId
          ? undefined
          : (s.prepare('SELECT id, merged_at AS mergedAt FROM members WHERE id = ? AND merged_into = ? AND erased_at IS NULL').get(first.home, memberId) as { id: number; mergedAt: number | null } | undefined);
      let leaving: number;
      let linkedAt: number;
      if (home) {
        leaving = home.id;
        linkedAt = home.mergedAt ?? 0;
        s.prepare('UPDATE members SET merged_into = NULL, merged_at = NULL WHERE id = ?').run(leaving);
      } else {
        const tier = (s.prepare('SELECT tier, locale FROM members WHERE id = ?').get(memberId) as { tier: string; locale: string | null });
        leaving = Number(s.prepare('INSERT INTO members (name, locale, tier, created_at) VALUES (?, ?, ?, ?)').run(first.name, tier.locale, tier.tier, first.firstSeenAt).lastInsertRowid);
        const since = s.prepare('SELECT MIN(merged_at) AS at FROM members WHERE merged_into = ?').get(memberId) as { at: number | null };
        linkedAt = Math.max(first.firstSeenAt, since.at ?? first.firstSeenAt);
      }
      s.prepare('UPDATE identities SET member_id = ?, home_member_id = ? WHERE member_id = ? AND platform = ?').run(leaving, leaving, memberId, platform);
      const base = { member: memberId, leaving, platform, reopened: home !== undefined, linkedAt, at: opts.at, key: opts.key, actorMemberId: opts.actorMemberId };
      const earned = this.parts.reduce((sum, p) => sum + (p.earnedSince?.(base) ?? 0), 0);
      const step = { ...base, earned };
      for (const part of this.parts) part.split?.(step);
      audit.record({ at: opts.at, actorMemberId: opts.actorMemberId, action: 'member.unlink', targetMemberId: memberId, detail: { member: memberId, leaving, platform, via: opts.via } });
      return { member: memberId, leaving, reopened: home !== undefined };
    });
  }

  /** The member and every member merged into it, at any depth. */
  lineage(memberId: number): number[] {
    const rows = this.deps.db.sqlite
      .prepare(
        `WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT m.id FROM members m JOIN tree t ON m.merged_into = t.id)
         SELECT id FROM tree ORDER BY id`,
      )
      .all(memberId) as { id: number }[];
    return [memberId, ...rows.map((r) => r.id).filter((id) => id !== memberId)];
  }

  /**
   * Erases a member's personal data (`/forget`, `forget-member`): names, identities, handles and
   * the texts they wrote, in every table, keeping the anonymous rows accounting needs under the
   * tombstone member (ledger amounts, redemption counts, activity totals). Idempotent: a second
   * call changes nothing and says so. The audit row carries ids only.
   */
  erase(memberId: number, opts: { at: Date; actorMemberId: number | null }): { erased: boolean } {
    const { db, audit } = this.deps;
    return db.transaction(() => {
      const row = db.sqlite.prepare('SELECT merged_into AS mergedInto, erased_at AS erasedAt FROM members WHERE id = ?').get(memberId) as { mergedInto: number | null; erasedAt: number | null } | undefined;
      if (!row || row.mergedInto !== null) throw new UserError('forget.unknown');
      if (row.erasedAt !== null) return { erased: false };
      const ids = this.lineage(memberId);
      const list = placeholders(ids);
      const identities = db.sqlite.prepare(`SELECT platform, user_id AS userId, handle, name FROM identities WHERE member_id IN (${list})`).all(...ids) as (UserRef & { handle: string | null; name: string })[];
      const memberNames = (db.sqlite.prepare(`SELECT name FROM members WHERE id IN (${list})`).all(...ids) as { name: string }[]).map((r) => r.name);
      const names = [...memberNames, ...identities.flatMap((i) => [i.name, ...(i.handle ? [i.handle] : [])])];
      const texts = this.parts.flatMap((p) => p.personalTexts?.(ids) ?? []);
      const step = erasureStep(db.sqlite, { memberIds: ids, identities: identities.map((i) => ({ platform: i.platform, userId: i.userId })), names, texts, at: opts.at });
      // The members part goes last: the others still find the identities while they erase.
      for (const part of [...this.others, this.own]) part.erase?.(step);
      audit.record({ at: opts.at, actorMemberId: opts.actorMemberId, action: 'member.forget', targetMemberId: memberId, detail: { members: ids.length } });
      return { erased: true };
    });
  }

  /** Everything Hearth holds about a member (and the members merged into them), per feature. */
  exportMember(memberId: number, at: Date): MemberExport {
    const ids = this.lineage(memberId);
    const sections: Record<string, unknown> = {};
    this.deps.db.sqlite.transaction(() => {
      for (const part of this.parts) {
        const data = part.export?.(ids, at);
        if (data !== undefined) sections[part.feature] = data;
      }
    })();
    return { member: memberId, generatedAt: at.toISOString(), sections };
  }
}
