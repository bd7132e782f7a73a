import { and, desc, eq, inArray } from 'drizzle-orm';
import { localDay, startOfLocalDay, weekStart, type Clock } from '../../core/clock.ts';
import { nextSlot, previousSlot } from '../../core/cron.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { joinLines, seg, type Body, type Outbound } from '../../core/outbound.ts';
import { tagOutbound, type Delivery, type OutboxResult } from '../../core/outbox.ts';
import type { ScheduledJob, Scheduler } from '../../core/scheduler.ts';
import type { CommunityConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { CheckinService } from '../checkin/index.ts';
import type { GroupRow, GroupService } from '../groups/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import { loadPack, runsOn, type Pack, type Post } from './pack.ts';
import { renderBody, usedValues, type LiveValue } from './render.ts';
import { contentRuns, contentState } from './schema.ts';

export interface ContentDeps {
  readonly db: Db;
  readonly config: CommunityConfig;
  /** The content directory: posts are read from `<dir>/posts`, holidays from `<dir>/holidays.yaml`. */
  readonly contentDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly translator: Translator;
  /** Posts are written to the outbox in the transaction that claims their run rows. */
  readonly delivery: Delivery;
  /** Registers for the outbox's final outcomes, which the run rows record. */
  readonly onSettled: (listener: (result: OutboxResult) => void) => void;
  readonly groups: GroupService;
  readonly members: MembersService;
  readonly checkins: CheckinService;
  readonly points: PointsService;
  readonly audit: AuditService;
}

/** A post in the calendar: its state and its next run in each group it targets. */
export interface PostPlan {
  readonly post: Post;
  readonly state: 'on' | 'paused' | 'disabled';
  readonly groups: readonly { readonly group: GroupRow; readonly zone: string; readonly next?: Date }[];
}

/** Identifies one run row. */
interface RunKey {
  readonly postId: string;
  readonly slot: number;
  readonly chatKey: string;
}

const ORIGIN = 'content:';

/** The outbox origin of a run's message, so its outcome finds the run row again after a restart. */
function originOf(key: RunKey): string {
  return ORIGIN + JSON.stringify([key.postId, key.slot, key.chatKey]);
}

function runKeyOf(origin: string | null): RunKey | undefined {
  if (!origin?.startsWith(ORIGIN)) return undefined;
  const [postId, slot, chatKey] = JSON.parse(origin.slice(ORIGIN.length)) as [string, number, string];
  return { postId, slot, chatKey };
}

/** How many leaderboard rows `{{leaderboard}}` shows. */
const LEADERBOARD_ROWS = 5;

/**
 * The content calendar: loads the pack, decides which groups a post goes to and when, and runs
 * each `(post, slot, group)` at most once. Every run is recorded in the same transaction as its
 * outbox message; the outbox retries, paces and expires it, and its outcome comes back to the run
 * row (`sent`, `failed`, `expired`).
 */
export class ContentService {
  private current: Pack;
  private scheduler: Pick<Scheduler, 'add' | 'remove'> | undefined;
  private jobIds: string[] = [];
  /** The next run per post and zone, and from when it was computed (see `plannedRun`). */
  private readonly planned = new Map<string, { post: Post; from: number; next: Date | undefined }>();

  constructor(private readonly deps: ContentDeps) {
    this.current = this.read();
    deps.onSettled((result) => this.settle(result));
  }

  get pack(): Pack {
    return this.current;
  }

  private read(): Pack {
    return loadPack(this.deps.contentDir, { tiers: this.deps.config.tiers.map((t) => t.id), defaultLocale: this.deps.config.community.locale });
  }

  /**
   * Re-reads and validates the pack. A bad pack throws (ConfigError naming file and field) and the
   * running pack stays; a good one replaces it and its jobs are rescheduled. Audited.
   */
  reload(actorMemberId: number | null, at: Date): Pack {
    const next = this.read();
    this.current = next;
    if (this.scheduler) {
      for (const id of this.jobIds) this.scheduler.remove(id);
      for (const job of this.postJobs()) this.scheduler.add(job);
    }
    this.deps.audit.record({ at, actorMemberId, action: 'content.reload', detail: { posts: next.posts.length } });
    return next;
  }

  /**
   * Remembers the scheduler the jobs were added to, so `/reload` can reschedule. Call after adding
   * `app.jobs`.
   */
  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.scheduler = scheduler;
  }

  /** Every job: one per post and time zone its groups use. */
  jobs(): ScheduledJob[] {
    return this.postJobs();
  }

  /** Each enabled post with every time zone its groups may use (the default, and group overrides). */
  private schedules(): { post: Post; zone: string }[] {
    const overrides = new Set(this.deps.groups.all().flatMap((g) => (g.timezone ? [g.timezone] : [])));
    return this.current.posts.filter((p) => p.enabled).flatMap((post) => [...new Set([this.defaultZone(post), ...overrides])].map((zone) => ({ post, zone })));
  }

  private postJobs(): ScheduledJob[] {
    const schedules = this.schedules();
    const jobs = schedules.map(({ post, zone }) => ({
      id: `content:${post.id}@${zone}`,
      cron: post.cron,
      timeZone: zone,
      run: async (slot: Date) => {
        await this.runSlot(post.id, zone, slot, 'scheduled');
        this.plan(post, zone, this.deps.clock.now());
      },
    }));
    this.jobIds = jobs.map((j) => j.id);
    // Planned here, outside any transaction, so the first `/posts` finds every next run ready.
    this.planned.clear();
    const now = this.deps.clock.now();
    for (const { post, zone } of schedules) this.plan(post, zone, now);
    return jobs;
  }

  /** How late a slot may still be posted: at start (catch-up) and when a wake-up comes late. */
  private get graceMs(): number {
    return this.deps.config.posts.catchUpMinutes * 60_000;
  }

  private defaultZone(post: Post): string {
    return post.timeZone ?? this.deps.config.community.timezone;
  }

  /** A post's time zone in a group: the group's own zone, else the post's, else the community's. */
  zoneOf(post: Post, group: GroupRow | undefined): string {
    return group?.timezone ?? this.defaultZone(post);
  }

  /** The language a group reads posts in. */
  localeOf(group: GroupRow | undefined): Locale {
    return (group && this.deps.config.posts.groupLocales[group.chatKey]) || this.deps.config.community.locale;
  }

  /**
   * The groups a post goes to: those known in the groups table whose tier or chat is targeted
   * (all groups when neither is given), on a targeted platform (all when none given). The
   * moderators' chat is never a target: member-facing posts do not belong there.
   */
  targets(post: Post): GroupRow[] {
    return this.groupsFor(post.targets);
  }

  /**
   * The groups a set of targets reaches, as for a post: known groups by tier or chat (all when
   * neither is given), on the given platforms (all when none), never the moderators' chat. Other
   * features' broadcasts (a campaign's announcement) use it so they reach the groups posts would.
   */
  groupsFor(targets: Post['targets'], known: readonly GroupRow[] = this.deps.groups.all()): GroupRow[] {
    const { tiers, groups, platforms } = targets;
    const staff = this.deps.config.staff.chat;
    return known
      .filter((g) => g.chatKey !== staff)
      .filter((g) => (tiers.length === 0 && groups.length === 0) || tiers.includes(g.tier) || groups.includes(g.chatKey))
      .filter((g) => platforms.length === 0 || (platforms as readonly string[]).includes(g.platform))
      .sort((a, b) => a.chatKey.localeCompare(b.chatKey));
  }

  /** The post's body for a group (or the community when no group), with live values as of `at`. */
  render(post: Post, group: GroupRow | undefined, at: Date, locale = this.localeOf(group)): Body {
    const { translator, config, checkins, members, points } = this.deps;
    const text = post.bodies[locale] ?? post.bodies[post.defaultLocale]!;
    const zone = this.zoneOf(post, group);
    const today = localDay(at, zone);
    const used = usedValues(text);
    const values: Partial<Record<LiveValue, Body>> = {};
    if (used.has('date')) values.date = [seg.text(today)];
    if (used.has('community')) values.community = [seg.text(config.community.name)];
    if (used.has('group')) values.group = [seg.text(group?.title ?? group?.chatKey ?? config.community.name)];
    if (used.has('checkins_today')) values.checkins_today = [seg.text(String(group ? checkins.countOn(group.chatKey, today) : 0))];
    if (used.has('member_count')) values.member_count = [seg.text(String(group ? members.memberCount(group.chatKey) : 0))];
    if (used.has('leaderboard')) {
      const rows = points.leaders(LEADERBOARD_ROWS, startOfLocalDay(weekStart(today), zone));
      values.leaderboard =
        rows.length === 0
          ? translator.t(locale, 'content.leaderboard_empty')
          : joinLines(rows.map((r, i) => translator.t(locale, 'content.leaderboard_row', { place: i + 1, name: r.name, points: r.points })));
    }
    return renderBody(text, values);
  }

  isPaused(postId: string): boolean {
    const row = this.deps.db.orm.select({ paused: contentState.paused }).from(contentState).where(eq(contentState.postId, postId)).get();
    return row?.paused === 1;
  }

  /** Pauses or resumes a post's scheduled runs, audited. */
  setPaused(postId: string, paused: boolean, by: number | null, at: Date): void {
    this.deps.db.orm
      .insert(contentState)
      .values({ postId, paused: paused ? 1 : 0, updatedAt: at.getTime(), updatedBy: by })
      .onConflictDoUpdate({ target: contentState.postId, set: { paused: paused ? 1 : 0, updatedAt: at.getTime(), updatedBy: by } })
      .run();
    this.deps.audit.record({ at, actorMemberId: by, action: paused ? 'content.pause' : 'content.resume', detail: { post: postId } });
  }

  /**
   * Runs one slot of a post for the groups in `zone`: claims `(post, slot, group)` rows in one
   * transaction, then sends after commit. A slot already claimed (double fire, restart, catch-up
   * after a run) is skipped. Returns how many groups the slot was sent to now.
   */
  async runSlot(postId: string, zone: string, wake: Date, kind: 'scheduled' | 'catch-up'): Promise<number> {
    const post = this.current.byId.get(postId);
    if (!post || !post.enabled) return 0;
    // Two wake-ups inside one slot (node-cron firing late, a restart) map to the same slot.
    const slot = previousSlot(post.cron, zone, wake) ?? wake;
    if (!runsOn(post, localDay(slot, zone)) || this.isPaused(post.id)) return 0;
    // A slot older than the grace window is stale (a reminder for a past day): like catch-up, skip it.
    if (this.deps.clock.now().getTime() - slot.getTime() > this.graceMs) {
      this.deps.logger.warn({ post: post.id, zone, slot }, 'scheduled post slot is past the grace window; not posted');
      return 0;
    }
    const outs = this.deps.db.transaction(() => {
      const claimed = this.targets(post)
        .filter((g) => this.zoneOf(post, g) === zone)
        .flatMap((g) => this.claim(post, slot, g, kind));
      this.deps.delivery.record(`content:${post.id}@${zone}:${slot.getTime()}`, claimed);
      return claimed;
    });
    await this.deps.delivery.flush();
    return outs.length;
  }

  /**
   * Claims a run row for one group and returns the message to send, or nothing when the row exists
   * already or the group is quiet (`skipIfQuiet`, recorded as skipped). Runs inside a transaction.
   */
  claim(post: Post, slot: Date, group: GroupRow, kind: 'scheduled' | 'catch-up' | 'manual'): Outbound[] {
    const { orm } = this.deps.db;
    const now = this.deps.clock.now().getTime();
    const exists = orm
      .select({ s: contentRuns.status })
      .from(contentRuns)
      .where(and(eq(contentRuns.postId, post.id), eq(contentRuns.slot, slot.getTime()), eq(contentRuns.chatKey, group.chatKey)))
      .get();
    if (exists) return [];
    const quiet = post.skipIfQuiet && kind !== 'manual' && this.quietSinceLastPost(post.id, group.chatKey);
    const body = quiet ? [] : this.render(post, group, slot);
    orm
      .insert(contentRuns)
      .values({ postId: post.id, slot: slot.getTime(), chatKey: group.chatKey, kind, status: quiet ? 'skipped' : 'pending', attempts: 0, body: JSON.stringify(body), createdAt: now })
      .run();
    if (quiet) return [];
    return [this.runMessage(post.id, slot, group, body)];
  }

  /**
   * Claims a run row `(runId, slot, group)` for a message another feature composed (a campaign's
   * announcement, reminder or results) and returns it to record in the outbox, or nothing when
   * that slot already went to the group. The same once-per-slot-and-group rule as posts, and the
   * outbox's outcome is recorded on the row the same way. Runs inside a transaction.
   */
  claimComposed(runId: string, slot: Date, group: GroupRow, body: Body, kind: 'scheduled' | 'catch-up' | 'manual'): Outbound[] {
    const inserted = this.deps.db.orm
      .insert(contentRuns)
      .values({ postId: runId, slot: slot.getTime(), chatKey: group.chatKey, kind, status: 'pending', attempts: 0, body: JSON.stringify(body), createdAt: this.deps.clock.now().getTime() })
      .onConflictDoNothing()
      .run();
    if (inserted.changes === 0) return [];
    return [this.runMessage(runId, slot, group, body)];
  }

  private runMessage(runId: string, slot: Date, group: GroupRow, body: Body): Outbound {
    const out: Outbound = { type: 'send', chat: parseChatKey(group.chatKey), body };
    return tagOutbound(out, { cls: 'broadcast', origin: originOf({ postId: runId, slot: slot.getTime(), chatKey: group.chatKey }) });
  }

  /** No member message in the group since this post last went there. */
  private quietSinceLastPost(postId: string, chatKey: string): boolean {
    const last = this.deps.db.orm
      .select({ slot: contentRuns.slot })
      .from(contentRuns)
      .where(and(eq(contentRuns.postId, postId), eq(contentRuns.chatKey, chatKey), inArray(contentRuns.status, ['sent', 'pending', 'failed'])))
      .orderBy(desc(contentRuns.slot))
      .get();
    if (!last) return false;
    const spoke = this.deps.members.lastInteractionIn(chatKey);
    return spoke === null || spoke < last.slot;
  }

  /** `/post send`: claims the post for every targeted group at `at` (inside the command's transaction), audited. */
  sendNow(post: Post, actorMemberId: number | null, at: Date): Outbound[] {
    const outs = this.targets(post).flatMap((g) => this.claim(post, at, g, 'manual'));
    this.deps.audit.record({ at, actorMemberId, action: 'content.send', detail: { post: post.id, groups: outs.length } });
    return outs;
  }

  /** Records what became of a run's message (the outbox's outcome, in the transaction that decided it). */
  private settle(result: OutboxResult): void {
    const key = runKeyOf(result.message.origin);
    if (!key) return;
    const where = and(eq(contentRuns.postId, key.postId), eq(contentRuns.slot, key.slot), eq(contentRuns.chatKey, key.chatKey));
    const attempts = result.message.attempts + (result.status === 'expired' ? 0 : 1);
    this.deps.db.orm
      .update(contentRuns)
      .set(result.status === 'sent' ? { status: 'sent', error: null, attempts, sentAt: result.at } : { status: result.status, attempts, error: result.error ?? null })
      .where(where)
      .run();
    if (result.status !== 'sent') this.deps.logger.warn({ ...key, status: result.status, error: result.error }, 'scheduled post was not delivered');
  }

  /**
   * At start: for every post and zone, the latest slot at or before `now` within the grace window
   * (`posts.catchUpMinutes`) is run once, because node-cron does not catch up on slots missed while
   * the process was down. Slots already run are skipped by their run rows; runs still `pending`
   * are in the outbox and go out from there.
   */
  async catchUp(now: Date): Promise<number> {
    let sent = 0;
    for (const { post, zone } of this.schedules()) {
      const slot = previousSlot(post.cron, zone, now);
      if (slot && now.getTime() - slot.getTime() <= this.graceMs) sent += await this.runSlot(post.id, zone, slot, 'catch-up');
    }
    return sent;
  }

  /** The next slot a post runs in a group after `after`, as `/posts` and the dashboard show it. */
  nextRun(post: Post, group: GroupRow, after: Date): Date | undefined {
    return this.nextRunIn(post, this.zoneOf(post, group), after);
  }

  /**
   * The next slot a post runs in a time zone after `after`, or none. A few cron steps whatever the
   * post: a post that starts later jumps to its start day, a date-bound one (holidays, listed
   * dates) to its next listed day, so nothing walks daily slots until one matches.
   */
  nextRunIn(post: Post, zone: string, after: Date): Date | undefined {
    const firstOf = (day: string) => new Date(Math.max(after.getTime(), startOfLocalDay(day, zone).getTime() - 1));
    if (post.days) {
      const from = localDay(after, zone);
      for (const d of [...post.days].sort()) {
        if (d < from || !runsOn(post, d)) continue;
        const t = nextSlot(post.cron, zone, firstOf(d));
        if (localDay(t, zone) === d) return t;
      }
      return undefined;
    }
    const t = nextSlot(post.cron, zone, post.start !== undefined && localDay(after, zone) < post.start ? firstOf(post.start) : after);
    const d = localDay(t, zone);
    return runsOn(post, d) ? t : undefined;
  }

  /**
   * The next run of a post in a zone after `at`, from what was computed before when it still holds
   * (computed at or before `at`, and its run is not yet past): the post jobs refresh it after each
   * slot, outside any transaction, so `/posts` inside an event's transaction only reads it.
   */
  private plannedRun(post: Post, zone: string, at: Date): Date | undefined {
    const key = `${post.id}@${zone}`;
    const known = this.planned.get(key);
    if (known && known.post === post && known.from <= at.getTime() && (known.next === undefined || known.next.getTime() > at.getTime())) return known.next;
    return this.plan(post, zone, at);
  }

  private plan(post: Post, zone: string, at: Date): Date | undefined {
    const next = this.nextRunIn(post, zone, at);
    this.planned.set(`${post.id}@${zone}`, { post, from: at.getTime(), next });
    return next;
  }

  /**
   * Every post with its state and the next run in each group it targets, as of `at`: computed once
   * per post and time zone, not per group. A disabled or paused post has no next run. What `/posts`
   * and the dashboard's content page show.
   */
  calendar(at: Date): PostPlan[] {
    const known = this.deps.groups.all();
    return this.current.posts.map((post) => {
      const state: PostPlan['state'] = !post.enabled ? 'disabled' : this.isPaused(post.id) ? 'paused' : 'on';
      const groups = this.groupsFor(post.targets, known).map((group) => {
        const zone = this.zoneOf(post, group);
        const next = state === 'on' ? this.plannedRun(post, zone, at) : undefined;
        return { group, zone, ...(next ? { next } : {}) };
      });
      return { post, state, groups };
    });
  }

  /** Run rows for a post (newest first), for tests and reports. */
  runs(postId?: string): (typeof contentRuns.$inferSelect)[] {
    const q = this.deps.db.orm.select().from(contentRuns);
    return (postId ? q.where(eq(contentRuns.postId, postId)) : q).orderBy(desc(contentRuns.slot), contentRuns.chatKey).all();
  }
}
