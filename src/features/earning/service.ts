import type Database from 'better-sqlite3';
import type { Actor } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { msg } from '../../core/i18n.ts';
import type { MemberJoinedEvent, MessageEvent } from '../../core/events.ts';
import { parseUserKey, type UserRef } from '../../core/ids.ts';
import type { EarningConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { CheckinService } from '../checkin/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { TierService } from '../tiers/index.ts';
import { fingerprint, similarityTo } from './similarity.ts';

/** The new-member tasks, in the order `/tasks` shows them. */
export const TASKS = ['first-checkin', 'first-post', 'first-share'] as const;
export type Task = (typeof TASKS)[number];

const DAY_MS = 86_400_000;
const MEDIA_KINDS: ReadonlySet<MessageEvent['kind']> = new Set(['image', 'video']);
/** A message that earned nothing and completed no task. */
const NOTHING: Earned = { kind: 'none', points: 0, tasks: [] };

export interface EarningDeps {
  readonly db: Db;
  readonly rule: EarningConfig;
  readonly points: PointsService;
  readonly members: MembersService;
  readonly tiers: TierService;
  readonly checkins: CheckinService;
  readonly audit: AuditService;
}

/** What one message earned, for the listener's reply. */
export interface Earned {
  readonly kind: 'post' | 'share' | 'queued' | 'none';
  readonly points: number;
  /** New-member tasks this message completed, with their bonus (the completion bonus as `all`). */
  readonly tasks: readonly { task: Task | 'all'; points: number }[];
  /** The claim when the share was queued for review. */
  readonly claim?: { readonly id: number; readonly url: string | null };
}

export interface ClaimRow {
  readonly id: number;
  readonly memberId: number;
  readonly name: string;
  readonly url: string | null;
  readonly at: number;
  readonly eventKey: string;
  readonly chatKey: string;
}

/** A referral that became payable (or was paid) when the settle job ran. */
export interface SettledReferral {
  readonly inviterId: number;
  readonly newcomerId: number;
  readonly points: number;
}

/**
 * The earning rules besides check-in: post and share points with their anti-farming limits,
 * share review, referrals, new-member tasks and boosts. Every payment is a ledger row whose
 * source key is the event that caused it, so redelivery never pays twice.
 */
export class EarningService {
  private readonly q: Record<string, Database.Statement>;
  /** The config's planned boosts with their instants parsed once, not on every payment. */
  private readonly plannedBoosts: readonly { factor: number; from: number; until: number; groups: readonly string[] | undefined }[];

  constructor(private readonly deps: EarningDeps) {
    this.plannedBoosts = deps.rule.boosts.map((b) => ({ factor: b.factor, from: new Date(b.from).getTime(), until: new Date(b.until).getTime(), groups: b.groups }));
    const s = deps.db.sqlite;
    this.q = {
      recentPosts: s.prepare('SELECT fingerprint FROM earn_posts WHERE member_id = ? AND at > ? ORDER BY id DESC LIMIT 50'),
      // Both read a bounded stretch of the member's posts through (member_id, at), not their whole
      // history: a regular's every message used to scan every post they ever made.
      paidSince: s.prepare('SELECT 1 FROM earn_posts WHERE member_id = ? AND at > ? AND paid = 1 LIMIT 1'),
      paidPostsOn: s.prepare('SELECT COUNT(*) AS n FROM earn_posts WHERE member_id = ? AND at >= ? AND day = ? AND paid = 1'),
      insertPost: s.prepare('INSERT OR IGNORE INTO earn_posts (member_id, day, at, fingerprint, paid, event_key) VALUES (?, ?, ?, ?, ?, ?)'),
      sharesOn: s.prepare("SELECT COUNT(*) AS n FROM share_claims WHERE member_id = ? AND day = ? AND status IN ('paid', 'pending', 'approved')"),
      sameUrl: s.prepare("SELECT 1 FROM share_claims WHERE member_id = ? AND url = ? AND at > ? AND status != 'rejected' LIMIT 1"),
      insertClaim: s.prepare('INSERT OR IGNORE INTO share_claims (member_id, chat_key, day, at, url, status, event_key) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      pendingClaims: s.prepare(
        `SELECT c.id, c.member_id AS memberId, m.name, c.url, c.at, c.event_key AS eventKey, c.chat_key AS chatKey
         FROM share_claims c JOIN members m ON m.id = c.member_id WHERE c.status = 'pending' ORDER BY c.id LIMIT ?`,
      ),
      claim: s.prepare('SELECT id, member_id AS memberId, url, at, event_key AS eventKey, chat_key AS chatKey, status FROM share_claims WHERE id = ?'),
      decideClaim: s.prepare("UPDATE share_claims SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'"),
      insertTask: s.prepare('INSERT OR IGNORE INTO member_tasks (member_id, task, at) VALUES (?, ?, ?)'),
      tasksOf: s.prepare('SELECT task FROM member_tasks WHERE member_id = ?'),
      taskDone: s.prepare('SELECT 1 FROM member_tasks WHERE member_id = ? AND task = ?'),
      referralOf: s.prepare('SELECT 1 FROM referrals WHERE newcomer_id = ?'),
      insertReferral: s.prepare(
        'INSERT OR IGNORE INTO referrals (newcomer_id, inviter_id, invite_code, chat_key, joined_at, status) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      voidReferral: s.prepare("UPDATE referrals SET status = 'void', settled_at = ? WHERE newcomer_id = ? AND chat_key = ? AND status = 'pending'"),
      dueReferrals: s.prepare("SELECT newcomer_id AS newcomerId, inviter_id AS inviterId FROM referrals WHERE status = 'pending' AND joined_at <= ? ORDER BY joined_at"),
      payReferral: s.prepare("UPDATE referrals SET status = 'paid', settled_at = ? WHERE newcomer_id = ? AND status = 'pending'"),
      activeBoosts: s.prepare('SELECT factor FROM boosts WHERE starts_at <= @at AND ends_at > @at AND (chat_key IS NULL OR chat_key = @chat)'),
      endBoosts: s.prepare('UPDATE boosts SET ends_at = @at WHERE starts_at <= @at AND ends_at > @at AND chat_key IS @chat'),
      insertBoost: s.prepare('INSERT INTO boosts (factor, chat_key, starts_at, ends_at, created_by) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  /** The boost in force for a group (or, with null, community-wide) at `at`: the largest one, boosts do not stack. */
  boostFactor(chatKey: string | null, at: Date): number {
    const fromDb = (this.q.activeBoosts!.all({ at: at.getTime(), chat: chatKey }) as { factor: number }[]).map((b) => b.factor);
    const t = at.getTime();
    const fromConfig = this.plannedBoosts
      .filter((b) => b.from <= t && t < b.until && (b.groups === undefined || (chatKey !== null && b.groups.includes(chatKey))))
      .map((b) => b.factor);
    return Math.max(1, ...fromDb, ...fromConfig);
  }

  /** Base points times the member's tier multiplier and the boost in force. */
  private amount(base: number, memberId: number, chatKey: string | null, at: Date, knownTier?: string): number {
    const tier = knownTier ?? this.deps.members.get(memberId)?.tier ?? this.deps.tiers.lowest;
    return Math.round(base * this.deps.tiers.multiplier(tier) * this.boostFactor(chatKey, at));
  }

  /** Starts a boost now for `hours`; audited. Runs inside the command's transaction. */
  startBoost(factor: number, hours: number, chatKey: string | null, actorMemberId: number, at: Date): Date {
    const ends = new Date(at.getTime() + hours * 3_600_000);
    this.q.insertBoost!.run(factor, chatKey, at.getTime(), ends.getTime(), actorMemberId);
    this.deps.audit.record({ at, actorMemberId, action: 'boost.start', detail: { factor, hours, chat: chatKey } });
    return ends;
  }

  /**
   * Ends the running `/boost`s of one scope (a group, or with null the community-wide ones) now;
   * audited. Boosts planned in config are not touched. Returns how many ended.
   */
  endBoosts(chatKey: string | null, actorMemberId: number, at: Date): number {
    const ended = this.q.endBoosts!.run({ at: at.getTime(), chat: chatKey }).changes;
    if (ended > 0) this.deps.audit.record({ at, actorMemberId, action: 'boost.end', detail: { chat: chatKey, ended } });
    return ended;
  }

  /**
   * A message in a group: a share if it carries a link, a forward or a share card, else a post.
   * Runs inside the event's transaction.
   */
  onMessage(event: MessageEvent, actor: Actor, chatKey: string, timeZone: string): Earned {
    const urls = [...event.links, ...(event.shareCard?.url ? [event.shareCard.url] : [])];
    if (urls.length > 0 || event.isForwarded || event.shareCard) return this.share(event, actor, chatKey, timeZone, urls);
    return this.post(event, actor, chatKey, timeZone);
  }

  private post(event: MessageEvent, actor: Actor, chatKey: string, timeZone: string): Earned {
    const rule = this.deps.rule.post;
    const text = event.text.trim();
    const media = MEDIA_KINDS.has(event.kind);
    if (!media && [...text].length < rule.minLength) return NOTHING;
    const at = event.at.getTime();
    const day = localDay(event.at, timeZone);
    const print = fingerprint(text);
    // A captionless photo has nothing to compare; each one is its own fingerprint.
    const comparable = print.length > 0 ? print : `media:${event.key}`;
    // Cooling down: a paid post less than the cooldown before this one (or, replayed out of order, after it).
    const cooling = this.q.paidSince!.get(actor.memberId, at - rule.cooldownSec * 1000) !== undefined;
    // A post labelled with local day D was made at or after D's midnight in UTC+14, the earliest zone.
    const dayFloor = Date.parse(`${day}T00:00:00Z`) - 14 * 3_600_000;
    const payable = !cooling && rule.points > 0 && (this.q.paidPostsOn!.get(actor.memberId, dayFloor, day) as { n: number }).n < rule.perDay;
    // A post that cannot pay, from a member whose first-post task is done, earns nothing whether
    // or not it repeats an earlier one: the near-duplicate scan only runs when its answer matters.
    const matters = payable || !this.taskDone(actor.memberId, 'first-post');
    const duplicate = matters && this.isNearDuplicate(actor.memberId, comparable, at, rule.duplicateSimilarity);
    const pays = payable && !duplicate;
    this.q.insertPost!.run(actor.memberId, day, at, comparable, pays ? 1 : 0, event.key);
    if (duplicate || !matters) return NOTHING;
    let points = 0;
    if (pays) {
      points = this.amount(rule.points, actor.memberId, chatKey, event.at, actor.tier);
      this.deps.points.credit({ memberId: actor.memberId, delta: points, reason: 'post', sourceKey: event.key, at: event.at });
    }
    return { kind: pays ? 'post' : 'none', points, tasks: this.completeTask(actor.memberId, 'first-post', event.at, chatKey, actor.tier) };
  }

  /** Whether the member posted something at least `threshold` similar within the last day (their last 50 posts). */
  private isNearDuplicate(memberId: number, comparable: string, at: number, threshold: number): boolean {
    const recent = this.q.recentPosts!.all(memberId, at - DAY_MS) as { fingerprint: string }[];
    if (recent.length === 0) return false;
    // An exact repeat (the common spam) needs no bigram counting.
    if (recent.some((r) => r.fingerprint === comparable)) return true;
    const similar = similarityTo(comparable);
    return recent.some((r) => similar(r.fingerprint) >= threshold);
  }

  private share(event: MessageEvent, actor: Actor, chatKey: string, timeZone: string, urls: readonly string[]): Earned {
    const rule = this.deps.rule.share;
    const url = urls.find((u) => allowedDomain(u, rule.domains)) ?? null;
    if (urls.length > 0 && rule.domains.length > 0 && url === null) return { kind: 'none', points: 0, tasks: [] };
    const day = localDay(event.at, timeZone);
    this.deps.members.recordActivity(actor.memberId, chatKey, day, 'shares', event.at);
    if (url !== null && this.q.sameUrl!.get(actor.memberId, url, event.at.getTime() - DAY_MS)) return { kind: 'none', points: 0, tasks: [] };
    if ((this.q.sharesOn!.get(actor.memberId, day) as { n: number }).n >= rule.perDay) return { kind: 'none', points: 0, tasks: [] };
    const status = rule.review ? 'pending' : 'paid';
    const id = Number(this.q.insertClaim!.run(actor.memberId, chatKey, day, event.at.getTime(), url, status, event.key).lastInsertRowid);
    if (rule.review) return { kind: 'queued', points: 0, tasks: [], claim: { id, url } };
    const points = this.payShare(actor.memberId, event.key, chatKey, event.at, actor.tier);
    return { kind: 'share', points, tasks: this.completeTask(actor.memberId, 'first-share', event.at, chatKey, actor.tier) };
  }

  private payShare(memberId: number, eventKey: string, chatKey: string, at: Date, tier?: string): number {
    const points = this.amount(this.deps.rule.share.points, memberId, chatKey, at, tier);
    if (points > 0) this.deps.points.credit({ memberId, delta: points, reason: 'share', sourceKey: eventKey, at });
    return points;
  }

  /** Shares waiting for a moderator, oldest first. */
  pendingClaims(limit = 20): ClaimRow[] {
    return this.q.pendingClaims!.all(limit) as ClaimRow[];
  }

  /** How many shares wait for a moderator. */
  pendingClaimCount(): number {
    return (this.deps.db.sqlite.prepare("SELECT COUNT(*) AS n FROM share_claims WHERE status = 'pending'").get() as { n: number }).n;
  }

  /**
   * A moderator's decision on a queued share. Only a pending claim can be decided, so a command
   * delivered twice decides (and pays) once. Audited.
   */
  reviewClaim(id: number, approve: boolean, actorMemberId: number, at: Date): { claim: ClaimRow; points: number; tasks: Earned['tasks'] } {
    const claim = this.q.claim!.get(id) as (ClaimRow & { status: string }) | undefined;
    if (!claim) throw new UserError('earning.claim_unknown', { id });
    const changed = this.q.decideClaim!.run(approve ? 'approved' : 'rejected', actorMemberId, at.getTime(), id).changes;
    if (changed === 0) throw new UserError('earning.claim_decided', { id, status: msg(`earning.claim_status.${claim.status}`) });
    this.deps.audit.record({ at, actorMemberId, action: approve ? 'share.approve' : 'share.reject', targetMemberId: claim.memberId, detail: { claim: id, url: claim.url } });
    const name = this.deps.members.get(claim.memberId)?.name ?? String(claim.memberId);
    if (!approve) return { claim: { ...claim, name }, points: 0, tasks: [] };
    const points = this.payShare(claim.memberId, claim.eventKey, claim.chatKey, new Date(claim.at));
    return { claim: { ...claim, name }, points, tasks: this.completeTask(claim.memberId, 'first-share', at, claim.chatKey) };
  }

  /**
   * Marks a new-member task done (once) and pays its bonus; pays the completion bonus when it was
   * the last one. Returns what was paid now. `tier`: the member's tier when the caller knows it.
   */
  completeTask(memberId: number, task: Task, at: Date, chatKey: string | null, tier?: string): { task: Task | 'all'; points: number }[] {
    // Most calls find the task long done: a read, instead of an insert that is ignored.
    if (this.taskDone(memberId, task)) return [];
    if (this.q.insertTask!.run(memberId, task, at.getTime()).changes === 0) return [];
    const rule = this.deps.rule.tasks;
    const paid: { task: Task | 'all'; points: number }[] = [];
    const pay = (t: Task | 'all', base: number) => {
      const points = this.amount(base, memberId, chatKey, at, tier);
      if (points > 0) this.deps.points.credit({ memberId, delta: points, reason: `task.${t}`, sourceKey: String(memberId), at });
      paid.push({ task: t, points });
    };
    pay(task, task === 'first-checkin' ? rule.firstCheckin : task === 'first-post' ? rule.firstPost : rule.firstShare);
    if (this.tasksDone(memberId).size === TASKS.length) pay('all', rule.completion);
    return paid;
  }

  /** Whether the member has done one new-member task. */
  taskDone(memberId: number, task: Task): boolean {
    return this.q.taskDone!.get(memberId, task) !== undefined;
  }

  tasksDone(memberId: number): Set<string> {
    return new Set((this.q.tasksOf!.all(memberId) as { task: string }[]).map((r) => r.task));
  }

  /**
   * Records who invited a newcomer: the inviter the platform reports, else the member a named
   * invite link belongs to. Only a member new to the community counts, and only their first join.
   */
  onJoin(event: MemberJoinedEvent, newcomerId: number, chatKey: string): void {
    if (this.q.referralOf!.get(newcomerId)) return;
    const newcomer = this.deps.members.get(newcomerId);
    if (!newcomer || newcomer.createdAt < event.at.getTime()) return;
    const linkOwner = event.inviteCode !== undefined ? this.deps.rule.referral.links[event.inviteCode] : undefined;
    const inviterRef = event.inviter ?? (linkOwner !== undefined ? parseUserKey(linkOwner) : undefined);
    const inviterId = inviterRef ? this.deps.members.ensureMember({ user: inviterRef }, event.at).id : null;
    if (inviterId === newcomerId) return;
    if (inviterId === null && event.inviteCode === undefined) return;
    this.q.insertReferral!.run(newcomerId, inviterId, event.inviteCode ?? null, chatKey, event.at.getTime(), inviterId === null ? 'recorded' : 'pending');
  }

  /**
   * Posts (that could earn) and shares made on a local day, paid or not, by anyone but `leaveOut`
   * (staff: their posts are the brand's own content, not UGC): the retention report's daily UGC
   * rollup reads it once per day.
   */
  ugcOn(day: string, leaveOut: Iterable<number> = []): { posts: number; paidPosts: number; shares: number; paidShares: number } {
    const s = this.deps.db.sqlite;
    const ids = JSON.stringify([...leaveOut]);
    const posts = s
      .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(paid), 0) AS paid FROM earn_posts WHERE day = ? AND member_id NOT IN (SELECT value FROM json_each(?))')
      .get(day, ids) as { n: number; paid: number };
    const shares = s
      .prepare("SELECT COUNT(*) AS n, COALESCE(SUM(status IN ('paid', 'approved')), 0) AS paid FROM share_claims WHERE day = ? AND member_id NOT IN (SELECT value FROM json_each(?))")
      .get(day, ids) as { n: number; paid: number };
    return { posts: posts.n, paidPosts: posts.paid, shares: shares.n, paidShares: shares.paid };
  }

  /** The member a named invite link pays (`earning.referral.links`), if the code is one. */
  inviteLinkOwner(code: string): UserRef | undefined {
    const owner = this.deps.rule.referral.links[code];
    return owner === undefined ? undefined : parseUserKey(owner);
  }

  /** A newcomer who leaves before their referral settles voids it. */
  onLeave(memberId: number, chatKey: string, at: Date): void {
    this.q.voidReferral!.run(at.getTime(), memberId, chatKey);
  }

  /**
   * Pays every pending referral whose newcomer has stayed `stayDays` and checked in at least once;
   * the others wait. Idempotent: a referral is paid once (status and ledger key both guard it).
   */
  settleReferrals(now: Date): SettledReferral[] {
    const rule = this.deps.rule.referral;
    const due = this.q.dueReferrals!.all(now.getTime() - rule.stayDays * DAY_MS) as { newcomerId: number; inviterId: number }[];
    const settled: SettledReferral[] = [];
    for (const r of due) {
      if (!this.deps.checkins.hasCheckedIn(r.newcomerId)) continue;
      this.q.payReferral!.run(now.getTime(), r.newcomerId);
      const points = this.amount(rule.points, r.inviterId, null, now);
      if (points > 0) this.deps.points.credit({ memberId: r.inviterId, delta: points, reason: 'referral', sourceKey: String(r.newcomerId), at: now });
      settled.push({ inviterId: r.inviterId, newcomerId: r.newcomerId, points });
    }
    return settled;
  }
}

/** Whether a URL's host is one of `domains` or a subdomain of one; every URL counts when none are configured. */
export function allowedDomain(url: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^\.+/, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}
