import { createHash, randomInt } from 'node:crypto';
import { UserError } from '../../core/errors.ts';
import { PLATFORMS } from '../../core/ids.ts';
import type { Db } from '../../db/open.ts';
import type { MemberDataService, MembersService } from '../members/index.ts';
import { LinkRepo } from './repo.ts';

/** How long a code may be redeemed (and the redemption confirmed). */
export const CODE_MINUTES = 10;
/** Wrong guesses at one code before it is locked for good. */
export const CODE_MAX_FAILURES = 20;
/** Wrong codes one member may try per hour before being told to wait. */
export const GUESSES_PER_HOUR = 10;
/** Codes one member may make per hour. */
export const CODES_PER_HOUR = 5;

const HOUR_MS = 3_600_000;
const KNOWN_PLATFORMS: ReadonlySet<string> = new Set(PLATFORMS);
/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const HALF = 4;

/** A code as members type it: full-width, lower case, spaces and dashes all accepted. */
export function normaliseCode(raw: string): string {
  return raw.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Whether a text holds something shaped like a link code (`ABCD-EFGH`). */
export function looksLikeCode(text: string): boolean {
  return /^[A-Z0-9]{8}$/.test(normaliseCode(text));
}

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** What redeeming a code came to; wrong guesses are results, not errors, so their count survives the transaction. */
export type RedeemResult =
  | { readonly kind: 'claimed'; readonly other: number }
  | { readonly kind: 'wrong' }
  | { readonly kind: 'locked'; readonly owner?: number }
  | { readonly kind: 'expired' }
  | { readonly kind: 'wait'; readonly minutes: number };

export interface LinkDeps {
  readonly db: Db;
  readonly members: MembersService;
  readonly data: MemberDataService;
}

/**
 * Verified linking: a member proves they hold both identities by carrying a one-time code from a
 * DM on one platform to a DM on the other, then confirms. Codes live 10 minutes, are used once,
 * are kept only as a hash, and lock after 20 wrong guesses; each member may try 10 wrong codes an
 * hour. Operators link by hand. Either way the merge is `MemberDataService.merge`, audited there.
 */
export class LinkService {
  private readonly repo: LinkRepo;

  constructor(private readonly deps: LinkDeps) {
    this.repo = new LinkRepo(deps.db);
  }

  /** A new code for the member (any open one is replaced). Shown only in a DM by the handler. */
  createCode(memberId: number, at: Date): { code: string; expiresAt: Date } {
    const now = at.getTime();
    if (this.repo.madeSince(memberId, now - HOUR_MS) >= CODES_PER_HOUR) throw new UserError('link.too_many_codes', { minutes: 60 });
    let lookup = '';
    for (let tries = 0; tries < 20 && (lookup === '' || this.repo.lookupTaken(lookup, now)); tries++) lookup = randomChars(HALF);
    const code = lookup + randomChars(HALF);
    const expiresAt = now + CODE_MINUTES * 60_000;
    this.repo.insert(memberId, lookup, hash(code), now, expiresAt);
    return { code: `${code.slice(0, HALF)}-${code.slice(HALF)}`, expiresAt: new Date(expiresAt) };
  }

  /**
   * Redeems a code for `memberId` (the identity on the other platform). A right code is claimed and
   * waits for `confirm`; a wrong one counts against the guesser and, where its first half names a
   * live code, against that code.
   */
  redeem(memberId: number, raw: string, at: Date): RedeemResult {
    const now = at.getTime();
    const wrong = this.repo.wrongSince(memberId, now - HOUR_MS);
    if (wrong.n >= GUESSES_PER_HOUR) return { kind: 'wait', minutes: Math.max(1, Math.ceil(((wrong.first ?? now) + HOUR_MS - now) / 60_000)) };
    const code = normaliseCode(raw);
    const row = code.length === HALF * 2 ? this.repo.byLookup(code.slice(0, HALF)) : undefined;
    if (row && row.status === 'locked') return { kind: 'locked' };
    const live = row !== undefined && (row.status === 'open' || row.status === 'claimed') && row.expiresAt > now;
    if (!row || hash(code) !== row.secretHash) {
      this.repo.attempt(memberId, now, false);
      if (row && live && this.repo.fail(row.id, CODE_MAX_FAILURES)) return { kind: 'locked', owner: row.memberId };
      return { kind: 'wrong' };
    }
    this.repo.attempt(memberId, now, true);
    if (!live) return { kind: 'expired' };
    if (row.memberId === memberId) throw new UserError('link.same_member');
    const owner = this.deps.members.get(row.memberId);
    if (!owner || owner.mergedInto !== null || owner.erasedAt !== null) {
      this.repo.void(row.id);
      return { kind: 'expired' };
    }
    this.repo.claim(row.id, memberId, now);
    return { kind: 'claimed', other: row.memberId };
  }

  /**
   * Links the member's claimed code: the two members become one (the older one stays). Returns
   * the member both identities now belong to; throws `link.nothing_to_confirm` without a claim.
   */
  confirm(memberId: number, at: Date): { into: number; from: number } {
    const row = this.repo.claimedBy(memberId, at.getTime());
    if (!row || !this.repo.use(row.id, at.getTime())) throw new UserError('link.nothing_to_confirm');
    const [into, from] = row.memberId < memberId ? [row.memberId, memberId] : [memberId, row.memberId];
    this.deps.data.merge(from, into, { at, key: `link:${row.id}`, actorMemberId: memberId, via: 'code' });
    return { into, from };
  }

  /** An operator links two members by hand (`/link @a @b`): audited as the operator's merge. */
  linkByOperator(a: number, b: number, actorMemberId: number, at: Date, key: string): { into: number; from: number } {
    const [into, from] = a < b ? [a, b] : [b, a];
    this.deps.data.merge(from, into, { at, key: `link:${key}`, actorMemberId, via: 'operator' });
    return { into, from };
  }

  /**
   * Takes the member's identities on `platform` out of them (`/unlink`, by the member or an
   * operator): see `MemberDataService.unlink` for the split. Returns who each side is now.
   */
  unlink(memberId: number, platform: string, actorMemberId: number, at: Date, key: string, via: 'member' | 'operator'): { member: number; leaving: number } {
    if (!KNOWN_PLATFORMS.has(platform)) throw new UserError('unlink.unknown_platform', { platform, platforms: PLATFORMS.join(', ') });
    return this.deps.data.unlink(memberId, platform, { at, key: `unlink:${key}`, actorMemberId, via });
  }

  /** A code written in a group is no longer secret: it is voided before anyone else can use it. */
  burn(raw: string): boolean {
    const code = normaliseCode(raw);
    const row = code.length === HALF * 2 ? this.repo.byLookup(code.slice(0, HALF)) : undefined;
    if (!row || hash(code) !== row.secretHash) return false;
    this.repo.void(row.id);
    return true;
  }
}

function randomChars(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
