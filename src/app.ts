import type { Clock } from './core/clock.ts';
import { CommandParser } from './core/command-parser.ts';
import type { CommandSpec } from './core/command.ts';
import { Dispatcher, type Listener } from './core/dispatcher.ts';
import { Translator } from './core/i18n.ts';
import type { Platform } from './core/ids.ts';
import type { Logger } from './core/logger.ts';
import { OutboundRouter } from './core/outbound-router.ts';
import type { ScheduledJob } from './core/scheduler.ts';
import { buildCommandTable } from './commands/index.ts';
import type { Content } from './config/load.ts';
import type { Db } from './db/open.ts';
import { AuditService } from './features/audit/index.ts';
import { CheckinService } from './features/checkin/index.ts';
import { GroupService } from './features/groups/index.ts';
import { MembersService } from './features/members/index.ts';
import { PointsService } from './features/points/index.ts';
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
  readonly services: {
    readonly members: MembersService;
    readonly groups: GroupService;
    readonly tiers: TierService;
    readonly audit: AuditService;
    readonly points: PointsService;
    readonly checkins: CheckinService;
  };
  /** Remembers a platform's bot handle (learnt at adapter start) for `/cmd@bot` addressing. */
  setBotHandle(platform: Platform, handle: string): void;
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
  redemptions: unknown[];
  flags: unknown[];
  audit: unknown[];
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
  db.transaction(() => groups.applyConfig(clock.now()));

  const services = { members, groups, tiers, audit, points, checkins };
  const commands = buildCommandTable({ ...services, translator, timeZone: config.community.timezone });
  const listeners: Listener[] = [];
  const router = new OutboundRouter({ logger, ...(options.sleep ? { sleep: options.sleep } : {}) });
  const handles = new Map<Platform, string>();
  const dispatcher = new Dispatcher({
    store: db,
    directory: members,
    parser: new CommandParser(commands),
    listeners,
    translator,
    deliver: (outs) => router.deliver(outs),
    clock,
    logger,
    botHandle: (p) => handles.get(p),
  });

  return {
    db,
    content,
    clock,
    translator,
    commands,
    dispatcher,
    router,
    jobs: [],
    services,
    setBotHandle: (platform, handle) => handles.set(platform, handle),
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
        redemptions: [],
        flags: [],
        audit: audit.exportAll(),
      };
    },
  };
}
