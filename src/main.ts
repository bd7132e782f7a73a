import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { runConsole } from '../adapters/local/console.ts';
import { formatForConsole } from '../adapters/local/console.ts';
import { LocalAdapter } from '../adapters/local/local-adapter.ts';
import { parseSimLine, renderSimOutput, SimLineError } from '../adapters/local/simulation.ts';
import { createApp, type App, type ExportedState } from './app.ts';
import { loadContent } from './config/load.ts';
import type { Env } from './config/env.ts';
import type { AdapterStatus } from './core/adapter.ts';
import { adapterEnabled, readAdapterEnv, type AdapterDescriptor, type AdapterEnv } from './core/adapter-env.ts';
import { buildCatalog } from './core/catalog.ts';
import { discordDescriptor } from '../adapters/discord/env.ts';
import { telegramDescriptor } from '../adapters/telegram/env.ts';
import { wechatDescriptor } from '../adapters/wechat/env.ts';
import type { PlatformAdapter } from './core/adapter.ts';
import { FakeClock, systemClock, type Clock } from './core/clock.ts';
import { UserError } from './core/errors.ts';
import type { Platform } from './core/ids.ts';
import type { Logger } from './core/logger.ts';
import { silentLogger } from './core/logger.ts';
import { openDb } from './db/open.ts';
import { parseCodesCsv } from './features/shop/index.ts';
import { renderCsv, renderTable, type ReportOptions } from './features/analytics/index.ts';
import type { ImportResult } from './features/purchases/index.ts';
import { CronScheduler } from './infra/cron-scheduler.ts';
import { SimScheduler } from './infra/sim-scheduler.ts';
import { generateCommunity } from './sim/generate.ts';
import { serveDashboard } from './web/server.ts';
import { addDays, localDay } from './core/clock.ts';

/**
 * The composition root: the only place that wires adapters, features and infrastructure together.
 */

export interface SimulateOptions {
  readonly dbPath: string;
  readonly contentDir: string;
  readonly input: Readable;
  readonly output: Writable;
  readonly errors: Writable;
  readonly owners?: readonly string[];
  readonly logger?: Logger;
  /** Told how long each event line took, parse to delivered replies, in ms (`npm run bench`). */
  readonly onEvent?: (ms: number) => void;
  /** `false`: no outbox, replies wait in memory (the benchmark's baseline; see `AppOptions.outbox`). */
  readonly outbox?: boolean;
  /** A line more than this many days ahead of the stream's time is refused (default 366). */
  readonly maxGapDays?: number;
  /** At most this many slots of one job run when the clock jumps (see `SimSchedulerOptions`). */
  readonly maxSlotsPerJump?: number;
}

/**
 * The times a simulated stream may use. A line outside them (year 0000, 9999-12-31) is a broken
 * stamp, not a community's history: taken as the clock, it would make every job run for each slot
 * in between.
 */
export const SIM_TIME_RANGE = { from: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') } as const;
export const DEFAULT_MAX_GAP_DAYS = 366;

/**
 * How many lines on each side of a line its time is judged against: a line is refused when it lies
 * more than the allowed gap from the median of the accepted lines before it and the lines after it,
 * so one wrong stamp — even on the first line — is refused alone and the good lines around it run.
 */
export const SIM_JUDGE_WINDOW = 8;

/** The median of some times (the lower middle one for an even count). */
function medianTime(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Why a line's time cannot be used (undefined: it can): outside the sane range, more than
 * `maxGapDays` after the stream's clock, or more than `maxGapDays` from the median of the times
 * around it (`around`: the accepted lines before it and the lines after it, itself included).
 */
function streamTimeProblem(at: Date, now: Date | undefined, around: readonly number[], maxGapDays: number): string | undefined {
  if (at < SIM_TIME_RANGE.from || at >= SIM_TIME_RANGE.until) {
    return `at: ${at.toISOString()} is outside the times a stream may use (${SIM_TIME_RANGE.from.toISOString().slice(0, 10)} to ${SIM_TIME_RANGE.until.toISOString().slice(0, 10)})`;
  }
  const maxGapMs = maxGapDays * 86_400_000;
  if (now && at.getTime() - now.getTime() > maxGapMs) {
    const days = Math.floor((at.getTime() - now.getTime()) / 86_400_000);
    return `at: ${at.toISOString()} is ${days} days after the stream's time ${now.toISOString()}; a jump of more than ${maxGapDays} days is refused (--max-gap-days)`;
  }
  const median = medianTime(around);
  if (Math.abs(at.getTime() - median) > maxGapMs) {
    const days = Math.floor(Math.abs(at.getTime() - median) / 86_400_000);
    const side = at.getTime() < median ? 'before' : 'after';
    return `at: ${at.toISOString()} is ${days} days ${side} the lines around it (median ${new Date(median).toISOString()}); more than ${maxGapDays} days is refused (--max-gap-days)`;
  }
  return undefined;
}

/** A line as read: its number and its text. */
type ReadLine = { readonly lineNo: number; readonly raw: string };

export interface SimulateSummary {
  readonly lines: number;
  readonly events: number;
  readonly badLines: number;
  readonly sent: number;
}

/**
 * Replays JSON-lines events through the whole bot on a simulated clock and writes what the bot
 * sends as JSON lines (DESIGN §7). A bad line is reported on `errors` with its number; the rest
 * of the stream still runs.
 */
export async function simulate(options: SimulateOptions): Promise<SimulateSummary> {
  const db = openDb(options.dbPath);
  const clock = new FakeClock(new Date(0));
  const logger = options.logger ?? silentLogger;
  let started = false;
  let app: App | undefined;
  let scheduler: SimScheduler | undefined;
  let events = 0;
  let badLines = 0;
  let sent = 0;
  let lineNo = 0;
  const adapters = new Map<Platform, LocalAdapter>();
  const write = (line: string) => options.output.write(`${line}\n`);
  const adapterFor = async (platform: Platform): Promise<LocalAdapter> => {
    let a = adapters.get(platform);
    if (!a) {
      a = new LocalAdapter((out, messageId) => {
        sent++;
        write(JSON.stringify(renderSimOutput(out, clock.now(), app!.content.community.community.timezone, messageId)));
      }, platform);
      app!.router.register(a);
      await a.start(app!.dispatcher.sink);
      adapters.set(platform, a);
    }
    return a;
  };
  // Lines are judged against the lines around them, so up to SIM_JUDGE_WINDOW lines are read
  // ahead of the one being replayed; `current` is the line being replayed.
  let current = 0;
  const accepted: number[] = [];
  const refuse = (n: number, err: unknown) => {
    badLines++;
    options.errors.write(`${err instanceof SimLineError ? err.message : `line ${n}: ${String(err)}`}\n`);
  };
  const parsed = (line: ReadLine) => {
    try {
      return parseSimLine(line.raw, line.lineNo);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  const replay = async (line: ReadLine, step: ReturnType<typeof parseSimLine>, ahead: readonly (ReturnType<typeof parseSimLine> | Error)[]) => {
    current = line.lineNo;
    const began = options.onEvent ? performance.now() : 0;
    const around = [...accepted.slice(-SIM_JUDGE_WINDOW), step.at.getTime(), ...ahead.flatMap((a) => (a instanceof Error ? [] : [a.at.getTime()]))];
    const problem = streamTimeProblem(step.at, started ? clock.now() : undefined, around, options.maxGapDays ?? DEFAULT_MAX_GAP_DAYS);
    if (problem) {
      refuse(line.lineNo, new SimLineError(line.lineNo, problem));
      return;
    }
    accepted.push(step.at.getTime());
    if (accepted.length > SIM_JUDGE_WINDOW) accepted.shift();
    if (!started) {
      clock.set(step.at);
      app = createApp({ db, content: loadContent(options.contentDir), clock, logger, owners: options.owners ?? [], sleep: async () => {}, ...(options.outbox === false ? { outbox: false } : {}) });
      scheduler = new SimScheduler(clock, logger, {
        ...(options.maxSlotsPerJump !== undefined ? { maxSlotsPerAdvance: options.maxSlotsPerJump } : {}),
        onSkipped: (s) => options.errors.write(`line ${current}: the clock jumped past more slots of ${s.job} than a jump replays; its slots from ${s.from.toISOString()} to before ${s.resumeAt.toISOString()} were skipped\n`),
      });
      app.schedule(scheduler);
      await adapterFor('local');
      started = true;
      // Like `start`: what a previous run left in the outbox goes first, then the latest content
      // slot missed within the grace window is posted once.
      await app.outbox.drain();
      await app.services.content.catchUp(clock.now());
      await app.catchUpJourney(clock.now());
    }
    // Simulated time flows as real time does: every job slot the clock passes runs at its own
    // time, whether a tick or an event line moves the clock (cron fires whether or not anyone
    // is talking). A tick only moves time. Outbox messages whose retry, gap or daily cap kept
    // them waiting go out once the clock passes their time.
    await scheduler!.advanceTo(step.at);
    await app!.outbox.sendDue();
    if ('tick' in step) return;
    events++;
    const adapter = await adapterFor(step.event.platform);
    await adapter.inject(step.event);
    options.onEvent?.(performance.now() - began);
  };
  const queue: { line: ReadLine; step: ReturnType<typeof parseSimLine> | Error }[] = [];
  const next = async () => {
    const head = queue.shift()!;
    if (head.step instanceof Error) refuse(head.line.lineNo, head.step);
    else await replay(head.line, head.step, queue.map((q) => q.step));
  };
  try {
    const rl = createInterface({ input: options.input, crlfDelay: Infinity });
    for await (const raw of rl) {
      lineNo++;
      if (raw.trim() === '') continue;
      const line = { lineNo, raw };
      queue.push({ line, step: parsed(line) });
      if (queue.length > SIM_JUDGE_WINDOW) await next();
    }
    while (queue.length > 0) await next();
    // The last sent marks are written before the database closes.
    app?.outbox.writeSettled();
  } finally {
    db.close();
  }
  return { lines: lineNo, events, badLines, sent };
}

/** The state of a database as JSON-ready data (`hearth export`). */
export function exportState(dbPath: string, contentDir: string, at?: Date): ExportedState {
  const db = openDb(dbPath);
  try {
    // Streaks are judged as of the last handled event, so a simulated run exports what it saw.
    const last = db.sqlite.prepare('SELECT MAX(at) AS at FROM processed_events').get() as { at: number | null };
    const now = at ?? (last.at === null ? new Date() : new Date(last.at));
    const app = createApp({ db, content: loadContent(contentDir), clock: { now: () => now }, logger: silentLogger });
    return app.exportState();
  } finally {
    db.close();
  }
}

/** What `hearth report` was asked for. */
export interface ReportCommandOptions extends ReportOptions {
  readonly dbPath: string;
  readonly contentDir: string;
  readonly format: 'table' | 'json' | 'csv';
}

/**
 * `hearth report`: the retention report of a database, as a readable table, JSON (the same
 * structure the dashboard reads) or CSV. "Today" is the day of the last handled event, so a
 * simulated community reports what it saw; `--to` sets the as-of day.
 */
export function reportCommand(options: ReportCommandOptions): string {
  const db = openDb(options.dbPath);
  try {
    const last = db.sqlite.prepare('SELECT MAX(at) AS at FROM processed_events').get() as { at: number | null };
    const now = last.at === null ? new Date() : new Date(last.at);
    const content = loadContent(options.contentDir);
    const app = createApp({ db, content, clock: { now: () => now }, logger: silentLogger });
    const report = app.services.analytics.report(options);
    if (options.format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    if (options.format === 'csv') return renderCsv(report);
    return renderTable(report, app.translator, options.locale ?? content.community.community.locale);
  } finally {
    db.close();
  }
}

/**
 * `hearth import-codes`: adds the codes in a CSV file (first column; a `code` header is skipped)
 * to a `code` reward's pool. Codes already in the pool are skipped; the import is audited at the
 * injected clock's time (`--at` on the CLI, for a simulated community). A refusal comes back
 * as an Error in the community's language, as an operator reads it.
 */
export function importCodes(options: { dbPath: string; contentDir: string; sku: string; file: string; clock?: Clock }): { added: number; skipped: number; stock: number | null } {
  const db = openDb(options.dbPath);
  try {
    const content = loadContent(options.contentDir);
    const app = createApp({ db, content, clock: options.clock ?? systemClock, logger: silentLogger });
    try {
      const codes = parseCodesCsv(readFileSync(options.file, 'utf8'));
      const at = app.clock.now();
      // The staff alert (a pool still at or below the low-stock line) is written to the outbox with
      // the import, and the running bot sends it.
      return app.db.transaction(() => {
        const { added, skipped, stock, alerts } = app.services.shop.importCodes(options.sku, codes, null, at);
        if (alerts.length > 0) app.delivery.record(`codes.import:${options.sku}:${at.getTime()}`, alerts);
        return { added, skipped, stock };
      });
    } catch (err) {
      if (err instanceof UserError) throw new Error(app.translator.text(content.community.community.locale, err.code, err.params));
      throw err;
    }
  } finally {
    db.close();
  }
}

/** The member a CLI argument names: `12`, `#12` or an identity `telegram:42`. */
function memberArg(app: App, member: string): number {
  const byId = /^#?(\d+)$/.exec(member);
  const at = member.indexOf(':');
  const id = byId ? Number(byId[1]) : at > 0 ? app.services.members.findByIdentity({ platform: member.slice(0, at) as Platform, userId: member.slice(at + 1) }) : undefined;
  if (id === undefined || !app.services.members.get(id)) throw new Error(`no member "${member}" (use a member id, #id or platform:user-id)`);
  const merged = app.services.members.get(id)!.mergedInto;
  return merged ?? id;
}

/**
 * `hearth export-member`: everything Hearth holds about one member (and the members merged into
 * them), for an access request that arrived by email or letter.
 */
export function exportMember(options: { dbPath: string; contentDir: string; member: string; at?: Date }): unknown {
  const db = openDb(options.dbPath);
  try {
    const now = options.at ?? new Date();
    const app = createApp({ db, content: loadContent(options.contentDir), clock: { now: () => now }, logger: silentLogger });
    return app.services.memberData.exportMember(memberArg(app, options.member), now);
  } finally {
    db.close();
  }
}

/** `hearth forget-member`: erases one member's personal data (see `/forget`); audited with no actor, idempotent. */
export function forgetMember(options: { dbPath: string; contentDir: string; member: string; at?: Date }): { member: number; erased: boolean } {
  const db = openDb(options.dbPath);
  try {
    const now = options.at ?? new Date();
    const app = createApp({ db, content: loadContent(options.contentDir), clock: { now: () => now }, logger: silentLogger });
    const member = memberArg(app, options.member);
    return { member, ...app.services.memberData.erase(member, { at: now, actorMemberId: null }) };
  } finally {
    db.close();
  }
}

/** A platform adapter module: `adapters/<platform>/index.ts` exports `createAdapter`. */
interface AdapterModule {
  createAdapter(env: AdapterEnv, logger: Logger): PlatformAdapter | Promise<PlatformAdapter>;
}

/**
 * The platforms Hearth can run on: each adapter's own environment schema, and how to load the
 * adapter (its SDK is imported only when its credentials are set).
 */
const ADAPTERS: readonly { readonly descriptor: AdapterDescriptor; readonly load: () => Promise<AdapterModule> }[] = [
  { descriptor: telegramDescriptor, load: () => import('../adapters/telegram/index.ts') },
  { descriptor: discordDescriptor, load: () => import('../adapters/discord/index.ts') },
  { descriptor: wechatDescriptor, load: () => import('../adapters/wechat/index.ts') },
];

/** Every variable of every adapter, for `check-config` and docs. */
export const adapterDescriptors: readonly AdapterDescriptor[] = ADAPTERS.map((a) => a.descriptor);

/** How an adapter's status is told to whoever runs the bot: a QR login is printed to scan. */
function reportStatus(platform: string, status: AdapterStatus, logger: Logger, output: Writable): void {
  if (status.state === 'waiting-for-login') {
    logger.warn({ platform }, 'waiting for login: scan the code below with the account');
    output.write(`${platform}: scan to log in\n${status.qr}\n`);
  } else if (status.state === 'banned' || status.state === 'offline') logger.error({ platform, reason: status.reason }, `adapter ${status.state}`);
  else logger.info({ platform, ...status }, 'adapter status');
}

/**
 * `hearth import-purchases`: records the purchases in a CSV file (see `PurchasesService.importCsv`);
 * rows already recorded are skipped, rows naming nobody known are reported. Audited.
 */
export function importPurchases(options: { dbPath: string; contentDir: string; file: string; at?: Date }): ImportResult {
  const db = openDb(options.dbPath);
  try {
    const now = options.at ?? new Date();
    const app = createApp({ db, content: loadContent(options.contentDir), clock: { now: () => now }, logger: silentLogger });
    return app.services.purchases.importCsv(readFileSync(options.file, 'utf8'), options.file, null, now);
  } finally {
    db.close();
  }
}

export interface StartOptions {
  readonly env: Env;
  /** Where each adapter reads its own variables (default `process.env`). */
  readonly platformEnv?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly input: Readable;
  readonly output: Writable;
  /** Open the local console even when platform adapters run. */
  readonly console?: boolean;
  /** The console's starting group (default `g1`). */
  readonly consoleChat?: string;
  /** Who the console speaks as at first (default `alice`). */
  readonly consoleUser?: string;
}

/**
 * `npm start`: opens the database, starts the adapters whose credentials are set — concurrently,
 * so one waiting for a QR login holds up no other — and the scheduler; with no platform
 * credentials, opens the interactive local console.
 */
export async function start(options: StartOptions): Promise<void> {
  const { env, logger } = options;
  const platformEnv = options.platformEnv ?? process.env;
  const enabled = ADAPTERS.filter((a) => adapterEnabled(a.descriptor, platformEnv));
  // Every adapter's variables are checked before anything starts, so a bad .env fails at once.
  const adapterEnvs = enabled.map((a) => readAdapterEnv(a.descriptor, platformEnv));
  const db = openDb(env.HEARTH_DB);
  const webUrl = env.HEARTH_WEB_PORT === undefined ? undefined : (env.HEARTH_WEB_URL ?? `http://${env.HEARTH_WEB_HOST}:${env.HEARTH_WEB_PORT}`);
  const app = createApp({ db, content: loadContent(env.HEARTH_CONTENT), clock: systemClock, logger, owners: env.BOT_OWNERS, ...(webUrl ? { dashboard: { baseUrl: webUrl } } : {}) });
  const scheduler = new CronScheduler(systemClock, logger);
  app.schedule(scheduler);
  const catalog = buildCatalog(app.commands, app.translator, app.content.community.community.locale);
  // Listen for SIGINT/SIGTERM before any adapter starts, so a stop signal during start-up (a
  // supervisor restarting a slow boot) still shuts down cleanly instead of killing mid-write.
  const stopSignal = enabled.length > 0 && !options.console ? untilStopSignal(logger) : undefined;
  const adapters: PlatformAdapter[] = [];
  const results = await Promise.allSettled(
    enabled.map(async ({ descriptor, load }, i) => {
      const { platform } = descriptor;
      let mod: AdapterModule;
      try {
        mod = await load();
      } catch (err) {
        throw new Error(`credentials for ${platform} are set, but its adapter could not be loaded: ${(err as Error).message}`);
      }
      const adapter = await mod.createAdapter(adapterEnvs[i]!, logger);
      app.router.register(adapter);
      adapter.onStatus?.((status) => {
        reportStatus(platform, status, logger, options.output);
        app.noteAdapterStatus(platform, status);
      });
      adapters.push(adapter);
      await adapter.start(app.dispatcher.sink);
      if (adapter.publishCatalog) await adapter.publishCatalog(catalog).catch((err: unknown) => logger.warn({ err, platform }, 'could not publish the command catalog'));
      logger.info({ platform }, 'adapter started');
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const a of adapters) await a.stop();
    db.close();
    throw failed.reason;
  }
  const local = adapters.length === 0 || options.console ? new LocalAdapter((out) => options.output.write(`${formatForConsole(out)}\n`)) : undefined;
  if (local) {
    app.router.register(local);
    await local.start(app.dispatcher.sink);
  }
  // What was still pending when the bot last stopped (or crashed) goes out first, in order.
  const pending = app.services.outbox.stats().oldestPending;
  if (pending) logger.info({ oldest: pending }, 'outbox: sending what was pending at the last stop');
  app.outbox.start();
  scheduler.start();
  // The dashboard shares this process's database, services and outbox.
  const web = webUrl && env.HEARTH_WEB_PORT !== undefined ? await serveDashboard({ app, baseUrl: webUrl, port: env.HEARTH_WEB_PORT, host: env.HEARTH_WEB_HOST, logger }) : undefined;
  // node-cron does not catch up: post the latest slot missed while the bot was down, once.
  await app.services.content.catchUp(systemClock.now()).catch((err: unknown) => logger.error({ err }, 'content catch-up failed'));
  await app.catchUpJourney(systemClock.now()).catch((err: unknown) => logger.error({ err }, 'journey catch-up failed'));
  // A health line when something is stuck: the oldest waiting message, counts per platform.
  const health = setInterval(() => {
    const stuck = app.outbox.stuck(HEALTH_EVERY_MS);
    if (stuck) logger.warn({ outbox: stuck }, 'outbox: messages have been waiting for more than 5 minutes');
  }, HEALTH_EVERY_MS);
  health.unref();
  const shutdown = async () => {
    clearInterval(health);
    // Stop taking new events first (events being handled finish), then flush what can be sent in
    // a few seconds; the rest stays pending in the outbox for the next start.
    for (const a of adapters) await a.stop();
    await web?.close();
    scheduler.stop();
    await app.outbox.stop(app.content.community.delivery.stopFlushSeconds * 1000);
    const left = app.services.outbox.stats();
    const waiting = Object.values(left.platforms).reduce((n, p) => n + p.pending, 0);
    logger.info({ pending: waiting }, waiting > 0 ? 'stopped; messages left pending in the outbox are sent at the next start' : 'stopped');
    if (local) await local.stop();
    db.close();
  };
  if (local) {
    await runConsole({ adapter: local, input: options.input, output: options.output, now: () => systemClock.now(), ...(options.consoleChat ? { chat: options.consoleChat } : {}), ...(options.consoleUser ? { user: options.consoleUser } : {}) });
    await shutdown();
    return;
  }
  await stopSignal;
  await shutdown();
}

/** How often the health line checks the outbox. */
const HEALTH_EVERY_MS = 5 * 60_000;

/**
 * Resolves at the first SIGINT or SIGTERM (a graceful stop follows); a second one exits at once,
 * for an operator who does not want to wait for the flush.
 */
function untilStopSignal(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let received = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      received++;
      if (received > 1) {
        logger.warn({ signal }, 'second stop signal: exiting now; unsent messages stay in the outbox');
        process.exit(130);
      }
      logger.info({ signal }, 'stopping: no new events; flushing the outbox');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** The size of the community `npm start -- --demo` pre-fills. */
export const DEMO = { members: 150, days: 21, seed: 'demo', chat: 'lobby' } as const;

/**
 * Replaces `dbPath` with a demo community: `DEMO.members` generated members and `DEMO.days` days of
 * their activity up to yesterday in the community's zone, replayed through the real simulate
 * path, so the console opens on a lived-in group (`/rank`, `/points` have something to show).
 */
export async function prepareDemo(dbPath: string, contentDir: string, now: Date): Promise<SimulateSummary & { member: string }> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  const timeZone = loadContent(contentDir).community.community.timezone;
  const start = addDays(localDay(now, timeZone), -DEMO.days);
  const lines = generateCommunity({ members: DEMO.members, days: DEMO.days, seed: DEMO.seed, start, timeZone });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const input = Readable.from((function* () {
    for (const line of lines) yield `${JSON.stringify(line)}\n`;
  })());
  const summary = await simulate({ dbPath, contentDir, input, output: sink, errors: sink });
  // Sign the console in as the demo member with the most points in the demo chat: someone with a history to look at.
  const db = openDb(dbPath);
  try {
    const row = db.sqlite
      .prepare(
        `SELECT i.user_id AS user FROM identities i JOIN balances b ON b.member_id = i.member_id
         JOIN memberships ms ON ms.member_id = i.member_id AND ms.chat_key = ? AND ms.left_at IS NULL
         WHERE i.platform = 'local' AND i.user_id NOT IN ('op', 'mod') ORDER BY b.lifetime DESC, i.member_id LIMIT 1`,
      )
      .get(`local:${DEMO.chat}`) as { user: string } | undefined;
    return { ...summary, member: row?.user ?? 'u1' };
  } finally {
    db.close();
  }
}
