import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';

/** How long a sign-in link and a session last. */
export interface DashboardTimes {
  /** Minutes a link from `/dashboard` can be used (once). */
  readonly linkMinutes: number;
  /** Hours a session lasts after signing in; then the member asks for a new link. */
  readonly sessionHours: number;
}

export const DEFAULT_DASHBOARD_TIMES: DashboardTimes = { linkMinutes: 10, sessionHours: 8 };

export interface DashboardDeps {
  readonly db: Db;
  readonly audit: AuditService;
  /** Where the dashboard is reached (`https://bot.example.com`); none: the dashboard is off. */
  readonly baseUrl: string | undefined;
  readonly times?: DashboardTimes;
}

/** A signed-in session as a request sees it. */
export interface DashboardSession {
  readonly memberId: number;
  readonly csrf: string;
  readonly expiresAt: number;
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sign-in for the web dashboard without passwords: a staff member asks in chat and gets a
 * one-time, short-lived link; opening it starts a session. Tokens are stored only as hashes; a
 * link works once and before it expires; a session ends at sign-out or expiry. Sign-ins and
 * sign-outs are audited. Who may do what once signed in is the command table's business, not this.
 */
export class DashboardService {
  private readonly times: DashboardTimes;
  private readonly q: {
    readonly insertLink: Database.Statement;
    readonly useLink: Database.Statement;
    readonly useDownload: Database.Statement;
    readonly insertSession: Database.Statement;
    readonly session: Database.Statement<[string, number]>;
    readonly endSession: Database.Statement;
    readonly purge: Database.Statement;
    readonly purgeSessions: Database.Statement;
  };

  constructor(private readonly deps: DashboardDeps) {
    this.times = deps.times ?? DEFAULT_DASHBOARD_TIMES;
    const s = deps.db.sqlite;
    this.q = {
      insertLink: s.prepare('INSERT INTO dashboard_links (token_hash, member_id, created_at, expires_at, purpose) VALUES (?, ?, ?, ?, ?)'),
      // Conditional: of two requests racing with one link, exactly one signs in.
      useLink: s.prepare("UPDATE dashboard_links SET used_at = @at WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @at AND purpose = 'sign-in' RETURNING member_id AS memberId"),
      useDownload: s.prepare("UPDATE dashboard_links SET used_at = @at WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @at AND purpose = 'mydata' RETURNING member_id AS memberId"),
      insertSession: s.prepare('INSERT INTO dashboard_sessions (id_hash, member_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      session: s.prepare('SELECT member_id AS memberId, csrf, expires_at AS expiresAt FROM dashboard_sessions WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?'),
      endSession: s.prepare('UPDATE dashboard_sessions SET ended_at = @at WHERE id_hash = @hash AND ended_at IS NULL RETURNING member_id AS memberId'),
      purge: s.prepare('DELETE FROM dashboard_links WHERE expires_at < ?'),
      purgeSessions: s.prepare('DELETE FROM dashboard_sessions WHERE expires_at < ?'),
    };
  }

  get enabled(): boolean {
    return this.deps.baseUrl !== undefined;
  }

  get linkMinutes(): number {
    return this.times.linkMinutes;
  }

  get sessionMs(): number {
    return this.times.sessionHours * 3_600_000;
  }

  /** A new one-time sign-in link for a member (the caller checked their role). */
  issueLink(memberId: number, at: Date): { url: string; expiresAt: Date } {
    const base = this.deps.baseUrl;
    if (base === undefined) throw new Error('the dashboard is not configured');
    const token = secret();
    const expiresAt = new Date(at.getTime() + this.times.linkMinutes * 60_000);
    // Links and sessions past their expiry by a day are of no use to anyone: kept small here.
    this.q.purge.run(at.getTime() - 86_400_000);
    this.q.insertLink.run(hash(token), memberId, at.getTime(), expiresAt.getTime(), 'sign-in');
    this.deps.audit.record({ at, actorMemberId: memberId, action: 'dashboard.link', targetMemberId: memberId, detail: { expiresAt: expiresAt.toISOString() } });
    return { url: `${base.replace(/\/+$/, '')}/login?token=${token}`, expiresAt };
  }

  /**
   * A one-time, short-lived link to download the member's own data (`/mydata` where the platform
   * cannot send files): the same token mechanics as a sign-in link, but it opens no session.
   * Undefined when the dashboard does not run.
   */
  issueDownload(memberId: number, at: Date): { url: string; expiresAt: Date; minutes: number } | undefined {
    const base = this.deps.baseUrl;
    if (base === undefined) return undefined;
    const token = secret();
    const expiresAt = new Date(at.getTime() + this.times.linkMinutes * 60_000);
    this.q.purge.run(at.getTime() - 86_400_000);
    this.q.insertLink.run(hash(token), memberId, at.getTime(), expiresAt.getTime(), 'mydata');
    this.deps.audit.record({ at, actorMemberId: memberId, action: 'mydata.link', targetMemberId: memberId, detail: { expiresAt: expiresAt.toISOString() } });
    return { url: `${base.replace(/\/+$/, '')}/mydata?token=${token}`, expiresAt, minutes: this.times.linkMinutes };
  }

  /** Spends a download link: the member whose data it opens, or undefined (unknown, used or expired). Audited. */
  takeDownload(token: string, at: Date): number | undefined {
    return this.deps.db.transaction(() => {
      const used = this.q.useDownload.get({ hash: hash(token), at: at.getTime() }) as { memberId: number } | undefined;
      if (used) this.deps.audit.record({ at, actorMemberId: used.memberId, action: 'mydata.download', targetMemberId: used.memberId });
      return used?.memberId;
    });
  }

  /**
   * Exchanges a link's token for a session: undefined when the token is unknown, used already or
   * expired. Returns the cookie's value (shown to nobody else) and the session.
   */
  signIn(token: string, at: Date): { cookie: string; session: DashboardSession } | undefined {
    return this.deps.db.transaction(() => {
      const used = this.q.useLink.get({ hash: hash(token), at: at.getTime() }) as { memberId: number } | undefined;
      if (!used) return undefined;
      const cookie = secret();
      const csrf = secret();
      const expiresAt = at.getTime() + this.sessionMs;
      this.q.purgeSessions.run(at.getTime() - 86_400_000);
      this.q.insertSession.run(hash(cookie), used.memberId, csrf, at.getTime(), expiresAt);
      this.deps.audit.record({ at, actorMemberId: used.memberId, action: 'dashboard.sign_in', targetMemberId: used.memberId });
      return { cookie, session: { memberId: used.memberId, csrf, expiresAt } };
    });
  }

  /** The live session behind a cookie value, or undefined (unknown, signed out or expired). */
  session(cookie: string, at: Date): DashboardSession | undefined {
    return this.q.session.get(hash(cookie), at.getTime()) as DashboardSession | undefined;
  }

  signOut(cookie: string, at: Date): void {
    this.deps.db.transaction(() => {
      const ended = this.q.endSession.get({ hash: hash(cookie), at: at.getTime() }) as { memberId: number } | undefined;
      if (ended) this.deps.audit.record({ at, actorMemberId: ended.memberId, action: 'dashboard.sign_out', targetMemberId: ended.memberId });
    });
  }
}
