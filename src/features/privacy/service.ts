import { randomInt } from 'node:crypto';
import type { Db } from '../../db/open.ts';
import type { MemberDataService, MemberExport } from '../members/index.ts';

/** How long a `/forget` confirmation code is valid. */
export const FORGET_MINUTES = 10;
/** Wrong confirmation codes before the request is dropped (the member asks again). */
const FORGET_MAX_FAILURES = 5;

export type ConfirmResult = { readonly kind: 'erased' } | { readonly kind: 'wrong' } | { readonly kind: 'none' };

export interface PrivacyDeps {
  readonly db: Db;
  readonly data: MemberDataService;
}

/**
 * Members' rights over their data: a copy of everything held about them (`/mydata`,
 * `export-member`) and erasure (`/forget` with a confirmation code, `forget-member`). The work is
 * `MemberDataService`'s, across every feature; this service adds the member-facing confirmation.
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyDeps) {}

  /** Starts an erasure: a six-digit code the member sends back within 10 minutes. */
  requestErasure(memberId: number, at: Date): { code: string; minutes: number } {
    const code = String(randomInt(100_000, 1_000_000));
    this.deps.db.sqlite
      .prepare(
        `INSERT INTO forget_requests (member_id, code, created_at, expires_at, failures) VALUES (?, ?, ?, ?, 0)
         ON CONFLICT (member_id) DO UPDATE SET code = excluded.code, created_at = excluded.created_at, expires_at = excluded.expires_at, failures = 0`,
      )
      .run(memberId, code, at.getTime(), at.getTime() + FORGET_MINUTES * 60_000);
    return { code, minutes: FORGET_MINUTES };
  }

  /** Erases the member's data when `code` is their live confirmation code. */
  confirmErasure(memberId: number, written: string, at: Date): ConfirmResult {
    const s = this.deps.db.sqlite;
    const request = s.prepare('SELECT code, expires_at AS expiresAt FROM forget_requests WHERE member_id = ?').get(memberId) as { code: string; expiresAt: number } | undefined;
    if (!request || request.expiresAt <= at.getTime()) return { kind: 'none' };
    if (written.normalize('NFKC').replace(/\s/g, '') !== request.code) {
      s.prepare('UPDATE forget_requests SET failures = failures + 1 WHERE member_id = ?').run(memberId);
      s.prepare('DELETE FROM forget_requests WHERE member_id = ? AND failures >= ?').run(memberId, FORGET_MAX_FAILURES);
      return { kind: 'wrong' };
    }
    this.deps.data.erase(memberId, { at, actorMemberId: memberId });
    return { kind: 'erased' };
  }

  /** Everything held about the member, per feature. */
  exportFor(memberId: number, at: Date): MemberExport {
    return this.deps.data.exportMember(memberId, at);
  }
}
