import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CohortUnit, Segment } from './features/analytics/index.ts';
import { ConfigError, loadContent } from './config/load.ts';
import { parseEnv } from './config/env.ts';
import { loadPack } from './features/content/index.ts';
import { loadCampaignPack } from './features/campaigns/index.ts';
import { loadJourney } from './features/journey/index.ts';
import { openDb } from './db/open.ts';
import { createLogger } from './infra/logger.ts';
import { DEMO, exportMember, exportState, forgetMember, importCodes, importPurchases, prepareDemo, reportCommand, simulate, start } from './main.ts';
import { UserError } from './core/errors.ts';
import { generateCommunity } from './sim/generate.ts';
import { progressBar, writeJsonLines } from './sim/write-lines.ts';

/** `hearth` — start the bot, simulate a stream of events, export state, migrate, check config. */
if (existsSync('.env')) process.loadEnvFile('.env');

// A reader that stops early (`simulate … | head`) closes the pipe: that is the reader's choice,
// not a failure, so end quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('hearth').description('A chat-community bot for tiered brand groups').showHelpAfterError();

function fail(err: unknown): never {
  process.stderr.write(`${err instanceof ConfigError ? `invalid config in ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/** A command-line option that must be a whole number of at least 1. */
function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return Number(value);
}

program
  .command('start')
  .description('start the bot; with no platform tokens, open the local console chat')
  .option('--console', 'open the local console even when platform adapters run')
  .option('--demo [db]', 'pre-fill a demo community (replaces the given file, default data/demo.db) and open the console on it')
  .action(async (opts: { console?: boolean; demo?: string | boolean }) => {
    try {
      let env = parseEnv(process.env);
      let demoMember: string | undefined;
      if (opts.demo) {
        const dbPath = typeof opts.demo === 'string' ? opts.demo : 'data/demo.db';
        process.stdout.write(`Preparing a demo community in ${dbPath}: ${DEMO.members} members, ${DEMO.days} days of activity…\n`);
        const summary = await prepareDemo(dbPath, env.HEARTH_CONTENT, new Date());
        demoMember = summary.member;
        process.stdout.write(`${summary.events} events replayed. You are ${summary.member}, a member with a history, in group ${DEMO.chat}; try /points, /history, /rank, /checkin (:as op to be the operator).\n`);
        env = { ...env, HEARTH_DB: dbPath };
      }
      await start({
        env,
        logger: createLogger(env.LOG_LEVEL),
        input: process.stdin,
        output: process.stdout,
        console: opts.console === true || Boolean(opts.demo),
        ...(opts.demo ? { consoleChat: DEMO.chat } : {}),
        ...(demoMember ? { consoleUser: demoMember } : {}),
      });
      // Stopped cleanly: what is unsent is in the outbox. A send still retrying inside an SDK
      // (its own timers) must not keep the process alive past the stop.
      process.exit(0);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('simulate')
  .description('replay JSON-lines events from stdin on a simulated clock; print what the bot sends as JSON lines')
  .requiredOption('--db <path>', 'SQLite database file (created if missing; :memory: for a throwaway run)')
  .option('--content <dir>', 'content directory', 'content')
  .option('--max-gap-days <n>', 'refuse a line more than this many days after the stream so far', positiveInt, 366)
  .option('--max-slots-per-jump <n>', 'when the clock jumps, run at most this many missed slots of each job (the latest)', positiveInt, 1000)
  .action(async (opts: { db: string; content: string; maxGapDays: number; maxSlotsPerJump: number }) => {
    try {
      const env = parseEnv(process.env);
      await simulate({
        dbPath: opts.db,
        contentDir: opts.content,
        input: process.stdin,
        output: process.stdout,
        errors: process.stderr,
        owners: env.BOT_OWNERS,
        maxGapDays: opts.maxGapDays,
        maxSlotsPerJump: opts.maxSlotsPerJump,
      });
    } catch (err) {
      fail(err);
    }
  });

program
  .command('generate')
  .description('print a synthetic community as simulate input (JSON lines), reproducible from the seed')
  .requiredOption('--members <n>', 'community size', (v) => Number(v))
  .option('--days <n>', 'days of activity', (v) => Number(v), 30)
  .option('--seed <seed>', 'PRNG seed: the same seed gives the same lines', 'hearth')
  .option('--start <day>', 'first local day, YYYY-MM-DD', '2026-03-02')
  .option('--content <dir>', 'content directory (its community time zone is used)', 'content')
  .option('--skus <list>', 'comma-separated reward SKUs members /redeem (default: those in rewards.yaml)')
  .option('--no-ticks', 'leave out the daily tick lines')
  .action(async (opts: { members: number; days: number; seed: string; start: string; content: string; skus?: string; ticks: boolean }) => {
    try {
      const content = loadContent(opts.content);
      const timeZone = content.community.community.timezone;
      const bar = opts.members * opts.days >= 100_000 ? progressBar(process.stderr, 'days') : undefined;
      const skus = opts.skus?.split(',').map((s) => s.trim()).filter(Boolean) ?? content.rewards.rewards.map((r) => r.sku);
      const lines = generateCommunity({
        members: opts.members,
        days: opts.days,
        seed: opts.seed,
        start: opts.start,
        timeZone,
        ticks: opts.ticks,
        ...(skus ? { skus } : {}),
        ...(bar ? { onDay: bar.update } : {}),
      });
      await writeJsonLines(lines, process.stdout);
      bar?.end();
    } catch (err) {
      fail(err);
    }
  });

program
  .command('export')
  .description('print the state of a database as JSON')
  .requiredOption('--db <path>', 'SQLite database file')
  .option('--content <dir>', 'content directory', 'content')
  .option('--at <iso-time>', 'judge streaks as of this time (default: the last handled event)')
  .action((opts: { db: string; content: string; at?: string }) => {
    try {
      process.stdout.write(`${JSON.stringify(exportState(opts.db, opts.content, opts.at ? new Date(opts.at) : undefined), null, 2)}\n`);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('report')
  .description('retention report: cohorts (d1/d7/d30/d90, stayed), weekly interaction, UGC, points, referrals, recall')
  .requiredOption('--db <path>', 'SQLite database file')
  .option('--from <day>', 'first join day of the cohorts and first week (YYYY-MM-DD; default: the first day with data)')
  .option('--to <day>', 'the as-of day: windows close as of its end (YYYY-MM-DD; default: the day of the last handled event)')
  .addOption(new Option('--cohort <unit>', 'group joiners by join day, week or month').choices(['day', 'week', 'month']).default('week'))
  .addOption(new Option('--by <segment>', 'one cohort row per group, tier, platform or join source').choices(['group', 'tier', 'platform', 'source']))
  .option('--json', 'print JSON (exact ratios)')
  .option('--csv', 'print CSV (cohorts, a blank line, weeks)')
  .addOption(new Option('--lang <lang>', 'language of the table and definitions').choices(['zh', 'en']))
  .option('--content <dir>', 'content directory', 'content')
  .action((opts: { db: string; from?: string; to?: string; cohort: CohortUnit; by?: Segment; json?: boolean; csv?: boolean; lang?: 'zh' | 'en'; content: string }) => {
    try {
      if (!existsSync(opts.db)) throw new Error(`no database at ${opts.db}`);
      const bar = progressBar(process.stderr, 'days rolled up');
      const out = reportCommand({
        dbPath: opts.db,
        contentDir: opts.content,
        format: opts.json ? 'json' : opts.csv ? 'csv' : 'table',
        cohort: opts.cohort,
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.by ? { by: opts.by } : {}),
        ...(opts.lang ? { locale: opts.lang === 'zh' ? 'zh-CN' : 'en' } : {}),
        onProgress: (done, total) => {
          if (total > 1) bar.update(done, total);
        },
      });
      bar.end();
      process.stdout.write(out);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('import-codes')
  .description("add coupon codes from a CSV file (first column) to a code reward's pool")
  .requiredOption('--db <path>', 'SQLite database file')
  .requiredOption('--sku <sku>', 'the reward (kind: code) in rewards.yaml')
  .requiredOption('--file <csv>', 'CSV file, one code per line in the first column')
  .option('--content <dir>', 'content directory', 'content')
  .option('--at <iso-time>', 'the time the import is audited at (default: now); for a simulated community, a time in its stream')
  .action((opts: { db: string; sku: string; file: string; content: string; at?: string }) => {
    try {
      const at = opts.at === undefined ? undefined : new Date(opts.at);
      if (at && Number.isNaN(at.getTime())) throw new Error(`--at: "${opts.at}" is not an ISO time`);
      const r = importCodes({ dbPath: opts.db, contentDir: opts.content, sku: opts.sku, file: opts.file, ...(at ? { clock: { now: () => at } } : {}) });
      process.stdout.write(`${opts.sku}: ${r.added} codes added, ${r.skipped} already in the pool\n`);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('import-purchases')
  .description('record purchases from a CSV file (member or identity, orders, amount, date; re-importing adds nothing; audited)')
  .requiredOption('--db <path>', 'SQLite database file')
  .requiredOption('--file <csv>', 'CSV with a header: member or identity, and any of orders, amount, date, order, note')
  .option('--content <dir>', 'content directory', 'content')
  .action((opts: { db: string; file: string; content: string }) => {
    try {
      const r = importPurchases({ dbPath: opts.db, contentDir: opts.content, file: opts.file });
      for (const p of r.problems) process.stderr.write(`${opts.file} line ${p.line}: ${p.message}\n`);
      process.stdout.write(`${opts.file}: ${r.added} purchases added, ${r.duplicates} already recorded, ${r.problems.length} rows skipped\n`);
      if (r.problems.length > 0) process.exitCode = 2;
    } catch (err) {
      fail(err instanceof UserError ? new Error(`${err.code} ${JSON.stringify(err.params)}`) : err);
    }
  });

program
  .command('export-member')
  .description("print everything Hearth holds about one member as JSON (a member's access request by other channels)")
  .requiredOption('--db <path>', 'SQLite database file')
  .requiredOption('--member <member>', 'member id, #id, or identity platform:user-id')
  .option('--content <dir>', 'content directory', 'content')
  .action((opts: { db: string; member: string; content: string }) => {
    try {
      process.stdout.write(`${JSON.stringify(exportMember({ dbPath: opts.db, contentDir: opts.content, member: opts.member }), null, 2)}\n`);
    } catch (err) {
      fail(err instanceof UserError ? new Error(`${err.code} ${JSON.stringify(err.params)}`) : err);
    }
  });

program
  .command('forget-member')
  .description("erase one member's personal data in every table (an erasure request by other channels); idempotent, audited")
  .requiredOption('--db <path>', 'SQLite database file')
  .requiredOption('--member <member>', 'member id, #id, or identity platform:user-id')
  .option('--content <dir>', 'content directory', 'content')
  .action((opts: { db: string; member: string; content: string }) => {
    try {
      const r = forgetMember({ dbPath: opts.db, contentDir: opts.content, member: opts.member });
      process.stdout.write(r.erased ? `member ${r.member}: personal data erased\n` : `member ${r.member}: already erased, nothing changed\n`);
    } catch (err) {
      fail(err instanceof UserError ? new Error(`${err.code} ${JSON.stringify(err.params)}`) : err);
    }
  });

program
  .command('migrate')
  .description('apply database migrations')
  .option('--db <path>', 'SQLite database file (default: HEARTH_DB)')
  .action((opts: { db?: string }) => {
    try {
      const path = opts.db ?? parseEnv(process.env).HEARTH_DB;
      openDb(path).close();
      process.stdout.write(`migrated ${path}\n`);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('check-config')
  .description('validate content/ (community.yaml, messages, posts, journeys, campaigns) without starting')
  .option('--content <dir>', 'content directory', 'content')
  .action((opts: { content: string }) => {
    try {
      const content = loadContent(opts.content);
      const pack = loadPack(opts.content, { tiers: content.community.tiers.map((t) => t.id), defaultLocale: content.community.community.locale });
      const campaigns = loadCampaignPack(opts.content, {
        tiers: content.community.tiers.map((t) => t.id),
        defaultLocale: content.community.community.locale,
        timeZone: content.community.community.timezone,
        rewards: content.rewards.rewards.map((r) => r.sku),
      });
      const journey = loadJourney(opts.content, content.community.community.locale);
      process.stdout.write(`${opts.content}: ok (${content.community.tiers.length} tiers, ${content.community.groups.length} groups, ${pack.posts.length} posts, ${journey.length} journey messages, ${campaigns.length} campaigns)\n`);
    } catch (err) {
      fail(err);
    }
  });

await program.parseAsync();
