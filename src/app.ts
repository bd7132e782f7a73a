import type { Clock } from './core/clock.ts';
import { CommandParser } from './core/command-parser.ts';
import type { CommandSpec } from './core/command.ts';
import { Dispatcher, type Listener } from './core/dispatcher.ts';
import { Translator } from './core/i18n.ts';
import type { Logger } from './core/logger.ts';
import type { Outbound } from './core/outbound.ts';
import { OutboundRouter } from './core/outbound-router.ts';
import type { ScheduledJob, Scheduler } from './core/scheduler.ts';
import { buildCommandTable, type Services } from './commands/index.ts';
import type { Content } from './config/load.ts';
import type { Db } from './db/open.ts';
import { AnalyticsService, analyticsListener, digestJob, rollupJob } from './features/analytics/index.ts';
import { AuditService } from './features/audit/index.ts';
import { CheckinService } from './features/checkin/index.ts';
import { ContentService } from './features/content/index.ts';
import { EarningService, earningListener, referralJob } from './features/earning/index.ts';
import { DeadlineTimer, FeedbackService, feedbackDigestJob, feedbackListener, type FeedbackFigures, type FollowUpStats } from './features/feedback/index.ts';
import { ShopService } from './features/shop/index.ts';
import { GroupService, groupsListener } from './features/groups/index.ts';
import { MembersService } from './features/members/index.ts';
import { PointsService } from './features/points/index.ts';
import { QuietService, quietScanJob, type RecallStats } from './features/quiet/index.ts';
import { TierService } from './features/tiers/index.ts';

export interface AppOptions {
  readonly db: Db;
  readonly content: Content;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Identity keys with the owner role (`BOT_OWNERS`). */
  readonly owners?: readonly string[];
  /** How the outbound router waits between retries (tests pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The platform-agnostic bot: features, command table, dispatcher and outbound router over one
 * database. Adapters and schedulers are attached by the composition root (`main.ts`).
 */
export interface App {
  readonly db: Db;
  readonly content: Content;
  readonly clock: Clock;
  readonly translator: Translator;
  readonly commands: readonly CommandSpec[];
  readonly dispatcher: Dispatcher;
  readonly router: OutboundRouter;
  readonly jobs: readonly ScheduledJob[];
  readonly services: Services;
  /**
   * Registers every job with a scheduler and lets scheduled content reschedule on `/reload`: the
   * one way the composition root, the simulator and tests attach a scheduler.
   */
  schedule(scheduler: Scheduler): void;
  /** The state as JSON-ready data: what `hearth export` prints. */
  exportState(): ExportedState;
}

export interface ExportedState {
  members: {
    id: number;
    name: string;
    identities: string[];
    balance: number;
    lifetime: number;
    tier: string;
    streak: number;
    lastActiveAt: string | null;
  }[];
  ledger: { id: number; member: number; delta: number; reason: string; source: string; actor: number | null; note: string | null; at: string }[];
  redemptions: { id: number; member: number; sku: string; qty: number; cost: number; status: string; code: string | null; at: string; reason: string | null }[];
  flags: unknown[];
  /** Recall outcomes per template and tier, with the unrecalled baseline (issue 5). */
  recallStats: RecallStats;
  audit: unknown[];
  /** Tickets with their threads, follow-up tasks, the response figures and follow-up outcomes and churn reasons. */
  feedback: { tickets: unknown[]; followUps: unknown[]; figures: FeedbackFigures; followUpStats: FollowUpStats };
}

export function createApp(options: AppOptions): App {
  const { db, content, clock, logger } = options;
  const config = content.community;
  const translator = new Translator(content.messages, 'en');
  const tiers = new TierService(config);
  const groups = new GroupService(db.orm, config);
  const audit = new AuditService(db.orm);
  const members = new MembersService({ orm: db.orm, config, groups, tiers, owners: new Set(options.owners ?? []) });
  const points = new PointsService(db, config.community.timezone);
  const checkins = new CheckinService({ db, rule: config.earning.checkin, points, members, tiers });
  const quiet = new QuietService({
    db,
    config: config.quiet,
    tiers,
    members,
    points,
    audit,
    translator,
    logger,
    timeZone: config.community.timezone,
    locale: config.community.locale,
    ...(config.staff.chat ? { staffChat: config.staff.chat } : {}),
  });
  // Every interaction (commands such as /checkin included) passes through recordActivity: a
  // flagged member's return is recorded there, in the event's transaction.
  members.onActivity((note) => quiet.noteActivity(note));
  const earning = new EarningService({ db, rule: config.earning, points, members, tiers, checkins, audit });
  checkins.onCheckIn((memberId, at, chat) => earning.completeTask(memberId, 'first-checkin', at, chat));
  const shop = new ShopService({ db, catalogue: content.rewards, points, tiers, checkins, audit });
  db.transaction(() => groups.applyConfig(clock.now()));
  const router = new OutboundRouter({
    logger,
    paceMs: config.posts.paceMs,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    onUndeliverable: (failed) => quiet.undeliverable(failed),
  });
  const posts = new ContentService({ db, config, contentDir: content.dir, clock, logger, translator, router, groups, members, checkins, points, audit });

  const analytics = new AnalyticsService({
    db,
    clock,
    members,
    earning,
    points,
    quiet,
    translator,
    community: config.community.name,
    timeZone: config.community.timezone,
    locale: config.community.locale,
    targets: config.targets,
    ...(config.staff.chat ? { staffChat: config.staff.chat } : {}),
  });
  // First sightings and returns are recorded from the same funnel as every interaction.
  members.onActivity((note) => analytics.noteActivity(note));

  const feedback = new FeedbackService({ db, community: config, members, points, tiers, groups, quiet, audit, translator, logger });

  const services = { members, groups, tiers, audit, points, checkins, content: posts, quiet, earning, shop, feedback, analytics };
  const commands = buildCommandTable({ ...services, translator, timeZone: config.community.timezone, staffChat: config.staff.chat, staffLocale: config.community.locale });
  const listeners: Listener[] = [
    groupsListener(tiers),
    earningListener(earning, { chat: config.staff.chat, locale: config.community.locale, translator }),
    feedbackListener(feedback),
    analyticsListener(analytics),
  ];
  // Everything the bot says goes through the router, after the transaction that decided it.
  const deliver = async (outs: readonly Outbound[]): Promise<void> => {
    await router.deliver(outs);
  };
  const feedbackJobDeps = { feedback, db, clock, timeZone: config.community.timezone, digestCron: config.feedback.digestCron, deliver };
  const deadlines = new DeadlineTimer(feedbackJobDeps);
  const dispatcher = new Dispatcher({
    store: db,
    directory: members,
    parser: new CommandParser(commands),
    listeners,
    translator,
    deliver,
    clock,
    logger,
  });

  return {
    db,
    content,
    clock,
    translator,
    commands,
    dispatcher,
    router,
    jobs: [
      ...posts.jobs(),
      quietScanJob({ quiet, db, scanAt: config.quiet.scanAt, timeZone: config.community.timezone, deliver, afterScan: (slot) => feedback.syncFollowUps(slot) }),
      referralJob({ db, earning, members, translator, timeZone: config.community.timezone, deliver }),
      rollupJob({ analytics, rollupAt: config.analytics.rollupAt, timeZone: config.community.timezone }),
      digestJob({
        analytics,
        db,
        translator,
        cron: config.analytics.digestCron,
        timeZone: config.community.timezone,
        locale: config.community.locale,
        staffChat: config.staff.chat,
        deliver,
      }),
      feedbackDigestJob(feedbackJobDeps),
    ],
    services,
    schedule(scheduler) {
      for (const job of this.jobs) scheduler.add(job);
      posts.attach(scheduler);
      deadlines.attach(scheduler);
    },
    exportState: () => {
      const standings = points.allStandings();
      const tz = config.community.timezone;
      const now = clock.now();
      return {
        members: members.exportAll().map((m) => ({
          id: m.id,
          name: m.name,
          identities: m.identities,
          balance: standings.get(m.id)?.balance ?? 0,
          lifetime: standings.get(m.id)?.lifetime ?? 0,
          tier: m.tier,
          streak: checkins.currentStreak(m.id, now, tz),
          lastActiveAt: m.lastActiveAt,
        })),
        ledger: points.exportLedger(),
        redemptions: shop.exportAll(),
        flags: quiet.exportAll(now),
        recallStats: quiet.stats(),
        audit: audit.exportAll(),
        feedback: feedback.exportAll(now),
      };
    },
  };
}
