import { sleep as realSleep, type Clock } from './core/clock.ts';
import { CommandParser } from './core/command-parser.ts';
import type { CommandSpec } from './core/command.ts';
import { Dispatcher, type Listener } from './core/dispatcher.ts';
import { Translator } from './core/i18n.ts';
import type { Logger } from './core/logger.ts';
import type { Outbound } from './core/outbound.ts';
import type { AdapterStatus, Capability } from './core/adapter.ts';
import type { Platform } from './core/ids.ts';
import { OutboundRouter } from './core/outbound-router.ts';
import type { Delivery } from './core/outbox.ts';
import { withNotices, type NoticeKind, type NoticeMode, type NoticePolicy } from './core/notices.ts';
import type { CommunityConfig } from './config/schema.ts';
import { OutboxSender, type UndeliverableMessage } from './core/outbox-sender.ts';
import { Pacer } from './core/send-policy.ts';
import type { ScheduledJob, Scheduler } from './core/scheduler.ts';
import { buildCommandTable, type Services } from './commands/index.ts';
import type { Content } from './config/load.ts';
import type { Db } from './db/open.ts';
import { AnalyticsService, analyticsDataPart, analyticsListener, digestJob, rollupJob } from './features/analytics/index.ts';
import { AuditService, auditDataPart } from './features/audit/index.ts';
import { CampaignService, CampaignTimer, campaignsDataPart, campaignsListener } from './features/campaigns/index.ts';
import { CheckinService, checkinDataPart } from './features/checkin/index.ts';
import { ContentService, contentDataPart } from './features/content/index.ts';
import { EarningService, earningDataPart, earningListener, referralJob, textRetentionJob } from './features/earning/index.ts';
import { DeadlineTimer, FeedbackService, feedbackDataPart, feedbackDigestJob, feedbackListener, type FeedbackFigures, type FollowUpStats } from './features/feedback/index.ts';
import { ShopService, shopDataPart } from './features/shop/index.ts';
import { GroupService, groupsDataPart, groupsListener } from './features/groups/index.ts';
import { LinkService, linkingDataPart } from './features/linking/index.ts';
import { PrivacyService, privacyDataPart } from './features/privacy/index.ts';
import { MemberDataService, MembersService, memberReconcileJob } from './features/members/index.ts';
import { PointsService, pointsDataPart } from './features/points/index.ts';
import { QuietService, quietDataPart, quietScanJob, type RecallStats } from './features/quiet/index.ts';
import { PurchasesService, purchasesDataPart } from './features/purchases/index.ts';
import { CapabilityDoors, LadderService, tierReviewJob, tiersDataPart, tiersListener, TierService } from './features/tiers/index.ts';
import { OutboxService, outboxDataPart, outboxRetentionJob, SqliteOutboxStore, type OutboxReport } from './features/outbox/index.ts';
import { JourneyService, journeyCatchUp, journeyDataPart, journeyListener, journeyMomentsJobs, loadJourney, WelcomeTimer } from './features/journey/index.ts';
import { DashboardService, dashboardDataPart, type DashboardTimes } from './features/dashboard/index.ts';

export interface AppOptions {
  readonly db: Db;
  readonly content: Content;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Identity keys with the owner role (`BOT_OWNERS`). */
  readonly owners?: readonly string[];
  /**
   * How the outbox sender (and the in-memory router) wait for a retry or a send gap; rejects early
   * when `signal` aborts. Tests pass one that moves their fake clock, or a no-op: then only what is
   * due at the clock's time is sent, as in the simulator.
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * `false`: no outbox; messages wait in memory and go straight to the router after commit (what
   * Hearth did before the outbox, kept as the benchmark's baseline). Loses messages on a crash.
   */
  readonly outbox?: boolean;
  /** The send-policy jitter's randomness (tests pass a fixed one). */
  readonly random?: () => number;
  /**
   * The web dashboard's public address (what `/dashboard` links point at) and how long links and
   * sessions last. No address: `/dashboard` says the dashboard is off.
   */
  readonly dashboard?: { readonly baseUrl?: string; readonly times?: DashboardTimes };
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
  /** Sends what the outbox holds; `start()` it in a long-running process, `drain()` it elsewhere. */
  readonly outbox: OutboxSender;
  /** How what the bot says is handed over: the outbox, or memory with `outbox: false`. */
  readonly delivery: Delivery;
  readonly jobs: readonly ScheduledJob[];
  readonly services: Services;
  /**
   * Registers every job with a scheduler and lets scheduled content reschedule on `/reload`: the
   * one way the composition root, the simulator and tests attach a scheduler.
   */
  schedule(scheduler: Scheduler): void;
  /** On start: sends (or expires, when too old) the journey moments that fell due while the bot was down. */
  catchUpJourney(now: Date): Promise<void>;
  /** The state as JSON-ready data: what `hearth export` prints. */
  exportState(): ExportedState;
  /**
   * Tells the staff chat (through the outbox) when an adapter goes offline, needs a new login or
   * is back: the composition root calls it from every adapter's `onStatus`.
   */
  noteAdapterStatus(platform: Platform, status: AdapterStatus): void;
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
  /** Tier decisions (tier, since, why, manual hold, warning) and tier invites with their state. */
  tiers: { decisions: unknown[]; invites: unknown[] };
  /** Recorded purchases (`/purchase`, `import-purchases`). */
  purchases: { id: number; member: number; orders: number; amount: number; at: string; note: string | null; source: string; actor: number | null }[];
  flags: unknown[];
  /** Recall outcomes per template and tier, with the unrecalled baseline (issue 5). */
  recallStats: RecallStats;
  audit: unknown[];
  /** Messages per platform and status, and the oldest one still waiting. */
  outbox: OutboxReport;
  /** Tickets with their threads, follow-up tasks, the response figures and follow-up outcomes and churn reasons. */
  feedback: { tickets: unknown[]; followUps: unknown[]; figures: FeedbackFigures; followUpStats: FollowUpStats };
  /** Campaigns with their state, winners (and draw seed) and figures (entries, participants, new participants, UGC lift), and every entry. */
  campaigns: { campaigns: unknown[]; entries: unknown[] };
  /** Journeys (who joined where and when), every moment sent, birthdays (month-day only) and recap opt-ins. */
  journey: ReturnType<JourneyService['exportAll']>;
}

export function createApp(options: AppOptions): App {
  const { db, content, clock, logger } = options;
  const config = content.community;
  const translator = new Translator(content.messages, 'en');
  const tiers = new TierService(config);
  const audit = new AuditService(db.orm);
  const groups = new GroupService(db.orm, config, audit);
  const members = new MembersService({ orm: db.orm, config, groups, tiers, audit, owners: new Set(options.owners ?? []), translator });
  const points = new PointsService(db, config.community.timezone, audit);
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
    cheapestReward: (tier, locale) => shop.cheapestFor(tier, locale),
  });
  // Every interaction (commands such as /checkin included) passes through recordActivity: a
  // flagged member's return is recorded there, in the event's transaction.
  members.onActivity((note) => quiet.noteActivity(note));
  const earning = new EarningService({ db, rule: config.earning, points, members, tiers, checkins, audit });
  checkins.onCheckIn((memberId, at, chat) => earning.completeTask(memberId, 'first-checkin', at, chat));
  checkins.useBoosts((chat, at) => earning.boostFactor(chat, at));
  const shop = new ShopService({ db, catalogue: content.rewards, points, tiers, checkins, audit, translator, staffChat: config.staff.chat, staffLocale: config.community.locale });
  db.transaction(() => groups.applyConfig(clock.now()));
  const sleep = options.sleep ?? realSleep;
  // The door asks what the member's platform can do at the moment it opens.
  const doors = new CapabilityDoors({ capabilitiesOf: (p): ReadonlySet<Capability> | undefined => router.adapter(p)?.capabilities, translator, staffChat: config.staff.chat, staffLocale: config.community.locale });
  // What finally fails is offered to the features that can do something instead (a staff task).
  const undeliverable = (failed: UndeliverableMessage): Outbound[] => [...quiet.undeliverable(failed), ...doors.undeliverable(failed)];
  const router = new OutboundRouter({ logger, sleep, onUndeliverable: undeliverable });
  const store = new SqliteOutboxStore(db);
  const outboxService = new OutboxService({ store, translator, timeZone: config.community.timezone, staffChat: config.staff.chat, staffLocale: config.community.locale, keepDays: config.delivery.keepDays, beforeRead: () => sender.writeSettled() });
  const d = config.delivery;
  const sender = new OutboxSender({
    store,
    adapter: (platform) => router.adapter(platform),
    pacer: new Pacer({
      policies: d.policies,
      chats: d.chats,
      timeZone: config.community.timezone,
      countSince: (platform, since, lane) => store.sentSince(platform, since, lane),
      ...(options.random ? { random: options.random } : {}),
    }),
    timing: { now: () => clock.now().getTime(), sleep },
    logger,
    maxAgeMs: {
      reply: d.maxAgeMinutes.reply * 60_000,
      staff: d.maxAgeMinutes.staff * 60_000,
      direct: d.maxAgeMinutes.direct * 60_000,
      broadcast: d.maxAgeMinutes.broadcast * 60_000,
      bulk: d.maxAgeMinutes.bulk * 60_000,
    },
    retry: d.retry,
    onUndeliverable: undeliverable,
    onDeferred: (report) => outboxService.deferredNotice(report),
  });
  const purchases = new PurchasesService({ db, members, audit, timeZone: config.community.timezone });
  const ladder = new LadderService({
    db,
    config,
    tiers,
    members,
    groups,
    audit,
    translator,
    logger,
    doors,
    ...(config.staff.chat ? { staffChat: config.staff.chat } : {}),
  });
  members.onActivity((note) => ladder.noteActivity(note));
  // Everything the bot says is written to the outbox in the transaction that decided it and sent
  // after commit. Without the outbox (the benchmark's baseline) it waits in memory instead.
  // Task and milestone notices take the form their group's mode asks for as they are written.
  const delivery: Delivery = withNotices(
    options.outbox === false
      ? memoryDelivery(router)
      : {
          record: (key, outs) => sender.record(key, outs, clock.now()),
          flush: () => sender.flush(),
        },
    noticePolicy(config),
  );
  const posts = new ContentService({ db, config, contentDir: content.dir, clock, logger, translator, delivery, onSettled: (l) => sender.onSettled(l), groups, members, checkins, points, audit });

  const analytics = new AnalyticsService({
    db,
    clock,
    members,
    earning,
    points,
    quiet,
    ladder,
    translator,
    community: config.community.name,
    timeZone: config.community.timezone,
    locale: config.community.locale,
    targets: config.targets,
    ...(config.staff.chat ? { staffChat: config.staff.chat } : {}),
  });
  // First sightings and returns are recorded from the same funnel as every interaction.
  members.onActivity((note) => analytics.noteActivity(note));

  const journey = new JourneyService({
    db,
    config,
    members,
    points,
    checkins,
    earning,
    shop,
    audit,
    translator,
    delivery,
    steps: loadJourney(content.dir, config.community.locale),
    ...(config.staff.chat ? { staffChat: config.staff.chat } : {}),
  });
  checkins.usePerks((memberId, at) => journey.checkinFactor(memberId, at));
  checkins.onCheckIn((memberId, at, chat, streak) => journey.noteCheckIn(memberId, at, chat, streak));
  points.onEarned((entry, lifetime) => journey.noteEarned(entry, lifetime));

  const feedback = new FeedbackService({ db, community: config, members, points, tiers, groups, quiet, audit, translator, logger });
  const campaigns = new CampaignService({ db, config, rewards: content.rewards, contentDir: content.dir, translator, logger, content: posts, members, points, shop, audit, sent: outboxService });
  campaigns.syncPack(clock.now());
  analytics.useCampaignFigures((from, to, locale) => campaigns.inRange(from, to, locale, clock.now()));

  const dashboard = new DashboardService({ db, audit, baseUrl: options.dashboard?.baseUrl, ...(options.dashboard?.times ? { times: options.dashboard.times } : {}) });

  // How every feature's rows follow a merge, an erasure and an export: one part per feature.
  const memberData = new MemberDataService({ db, audit });
  for (const part of [
    groupsDataPart(),
    pointsDataPart(db, points),
    checkinDataPart(db, checkins, config.community.timezone),
    tiersDataPart(db, tiers, members),
    quietDataPart(db, members),
    earningDataPart(db),
    shopDataPart(db),
    purchasesDataPart(db),
    feedbackDataPart(db),
    contentDataPart(),
    outboxDataPart(),
    auditDataPart(),
    linkingDataPart(db),
    campaignsDataPart(db),
    analyticsDataPart(db, analytics),
    privacyDataPart(db),
    journeyDataPart(db),
    dashboardDataPart(db),
  ])
    memberData.register(part);
  const link = new LinkService({ db, members, data: memberData });
  const privacy = new PrivacyService({ db, data: memberData });

  const services = { members, memberData, link, privacy, groups, tiers, ladder, purchases, audit, points, checkins, content: posts, quiet, earning, shop, outbox: outboxService, feedback, journey, analytics, dashboard, campaigns };
  const commands = buildCommandTable({ ...services, translator, timeZone: config.community.timezone, staffChat: config.staff.chat, staffLocale: config.community.locale });
  const listeners: Listener[] = [
    groupsListener(tiers),
    tiersListener(ladder),
    earningListener(earning, { chat: config.staff.chat, locale: config.community.locale, translator }),
    feedbackListener(feedback),
    journeyListener(journey),
    analyticsListener(analytics),
    campaignsListener(campaigns, { chat: config.staff.chat, locale: config.community.locale, translator }),
  ];
  const feedbackJobDeps = { feedback, db, clock, timeZone: config.community.timezone, digestCron: config.feedback.digestCron, delivery };
  const deadlines = new DeadlineTimer(feedbackJobDeps);
  const journeyJobDeps = { journey, db, clock, delivery };
  const welcomes = new WelcomeTimer(journeyJobDeps);
  const campaignTimer = new CampaignTimer({ campaigns, db, clock, timeZone: config.community.timezone, delivery });
  const dispatcher = new Dispatcher({
    store: db,
    directory: members,
    parser: new CommandParser(commands),
    listeners,
    translator,
    delivery,
    clock,
    logger,
    capabilities: (platform) => router.adapter(platform)?.capabilities ?? new Set(),
  });

  return {
    db,
    content,
    clock,
    translator,
    commands,
    dispatcher,
    router,
    outbox: sender,
    delivery,
    jobs: [
      ...posts.jobs(),
      quietScanJob({ quiet, db, scanAt: config.quiet.scanAt, timeZone: config.community.timezone, delivery, afterScan: (slot) => feedback.syncFollowUps(slot) }),
      referralJob({ db, earning, members, translator, timeZone: config.community.timezone, delivery }),
      textRetentionJob({ db, days: config.privacy.messageTextDays, timeZone: config.community.timezone }),
      outboxRetentionJob({ outbox: outboxService, timeZone: config.community.timezone, logger }),
      memberReconcileJob({ members, groups, adapters: () => router.registered(), dispatch: (event) => dispatcher.dispatch(event), timeZone: config.community.timezone, logger }),
      tierReviewJob({ ladder, db, reviewAt: config.ladder.reviewAt, timeZone: config.community.timezone, delivery }),
      rollupJob({ analytics, rollupAt: config.analytics.rollupAt, timeZone: config.community.timezone }),
      digestJob({
        analytics,
        db,
        translator,
        cron: config.analytics.digestCron,
        timeZone: config.community.timezone,
        locale: config.community.locale,
        staffChat: config.staff.chat,
        delivery,
      }),
      feedbackDigestJob(feedbackJobDeps),
      ...journeyMomentsJobs(journeyJobDeps, config.journey.sendAt, journey.zones()),
    ],
    services,
    schedule(scheduler) {
      for (const job of this.jobs) scheduler.add(job);
      posts.attach(scheduler);
      deadlines.attach(scheduler);
      campaignTimer.attach(scheduler);
      welcomes.attach(scheduler);
    },
    catchUpJourney: (now) => journeyCatchUp(journeyJobDeps, config.journey.sendAt, now),
    noteAdapterStatus: (platform, status) => {
      const at = clock.now();
      const outs = outboxService.statusNotice(platform, status, at);
      if (outs.length === 0) return;
      db.transaction(() => delivery.record(`adapter.status:${platform}:${status.state}:${at.getTime()}`, outs));
      void delivery.flush().catch((err: unknown) => logger.error({ err }, 'could not send the adapter status notice'));
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
        tiers: ladder.exportAll(),
        purchases: purchases.exportAll(),
        flags: quiet.exportAll(now),
        recallStats: quiet.stats(),
        audit: audit.exportAll(),
        outbox: outboxService.stats(),
        feedback: feedback.exportAll(now),
        campaigns: campaigns.exportAll(now),
        journey: journey.exportAll(),
      };
    },
  };
}

/**
 * Each group's notice modes: its own `notices`, else the community's, else `dm` (milestones: the
 * older `journey.milestones.announce` where `notices.milestones` is not set).
 */
export function noticePolicy(config: CommunityConfig): NoticePolicy {
  const own = new Map(config.groups.map((g) => [g.chat, g.notices ?? {}]));
  const legacy: NoticeMode | undefined = config.journey.milestones.announce === undefined ? undefined : config.journey.milestones.announce === 'group' ? 'public' : 'dm';
  const fallback: Record<NoticeKind, NoticeMode> = { tasks: config.notices.tasks ?? 'dm', milestones: config.notices.milestones ?? legacy ?? 'dm' };
  return (kind, chatKey) => own.get(chatKey)?.[kind] ?? fallback[kind];
}

/**
 * The benchmark's baseline without an outbox: what a transaction said waits in memory and goes to
 * the router after commit, as before the outbox. A crash loses it; nothing else uses this.
 */
function memoryDelivery(router: OutboundRouter): Delivery {
  const waiting: Outbound[] = [];
  return {
    record: (_key, outs) => void waiting.push(...outs),
    flush: async () => {
      await router.deliver(waiting.splice(0));
    },
  };
}
