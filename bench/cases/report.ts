import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays, startOfLocalDay } from '../../src/core/clock.ts';
import { openDb } from '../../src/db/open.ts';
import { seededRng } from '../../src/sim/prng.ts';
import { fillInBatches, type BenchCase, type CaseResult } from '../case.ts';
import { reportApp } from './report-child.ts';

const ZONE = 'Asia/Shanghai';
const FIRST = '2026-03-02';
const DAYS = 90;
const GROUPS = ['local:lobby', 'local:advanced', 'local:core'];
/** The tables the fill writes, whose secondary indexes it builds after the rows. */
const FILLED = ['members', 'memberships', 'analytics_members', 'analytics_leaves', 'activity_days', 'earn_posts', 'share_claims', 'ledger', 'balances'];
/** The report's targets at a million members (issue: full report < 2 s, < 300 MB peak RSS). */
const TARGET_MS = 2000;
const TARGET_RSS_MB = 300;
/** The last day `fill` writes activity for: the day its reports are read as of (at noon). */
export const FILLED_AS_OF = addDays(FIRST, DAYS - 1);

/**
 * `size` members written straight into the database as the bot would have recorded them over 90
 * days: joins spread over the period (analytics rows as the join listener writes them), each
 * member active on a heavy-tailed share of their days since joining (activity_days), posts and
 * shares on some of those days, a check-in ledger row on half of them, a few redemptions, and 5%
 * who leave. Returns the database path and how many rows of each it wrote.
 */
export function fill(dir: string, size: number): { path: string; notes: Record<string, number> } {
  const path = join(dir, 'report.db');
  const db = openDb(path);
  const s = db.sqlite;
  const rng = seededRng(`report-${size}`);
  const dayStart = Array.from({ length: DAYS + 1 }, (_, i) => startOfLocalDay(addDays(FIRST, i), ZONE).getTime());
  const dayName = Array.from({ length: DAYS + 1 }, (_, i) => addDays(FIRST, i));
  for (const g of GROUPS) s.prepare("INSERT INTO groups (chat_key, platform, tier, tracking_started_at) VALUES (?, 'local', 'basic', ?)").run(g, dayStart[0]!);
  const q = {
    member: s.prepare("INSERT INTO members (id, name, tier, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)"),
    membership: s.prepare('INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at, left_at) VALUES (?, ?, ?, ?, ?, ?)'),
    analytics: s.prepare("INSERT INTO analytics_members (member_id, joined_at, join_day, source, chat_key, platform, away) VALUES (?, ?, ?, ?, ?, 'local', ?)"),
    leave: s.prepare('INSERT INTO analytics_leaves (member_id, left_at, left_day) VALUES (?, ?, ?)'),
    activity: s.prepare('INSERT INTO activity_days (member_id, chat_key, day, messages, checkins) VALUES (?, ?, ?, ?, ?)'),
    post: s.prepare("INSERT INTO earn_posts (member_id, day, at, fingerprint, paid, event_key) VALUES (?, ?, ?, 'x', ?, ?)"),
    share: s.prepare("INSERT INTO share_claims (member_id, chat_key, day, at, status, event_key) VALUES (?, ?, ?, ?, 'paid', ?)"),
    ledger: s.prepare('INSERT INTO ledger (member_id, delta, reason, source_key, earned, at) VALUES (?, ?, ?, ?, ?, ?)'),
    balance: s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?)'),
  };
  const counts = { activityRows: 0, posts: 0, shares: 0, ledgerRows: 0, leavers: 0 };
  const began = performance.now();
  // A bulk load: no fsync, and the secondary indexes built once at the end (sorted) instead of
  // kept up row by row — at a million members that is the difference between minutes and an hour.
  s.pragma('synchronous = OFF');
  s.pragma('cache_size = -131072');
  const indexes = s
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${FILLED.map(() => '?').join(', ')})`)
    .all(...FILLED) as { name: string; sql: string }[];
  for (const i of indexes) s.exec(`DROP INDEX ${i.name}`);
  fillInBatches(s, size, (id) => {
    // Joins thin out over the period (a launch, then a trickle).
    const joinIndex = Math.min(DAYS - 1, Math.floor(DAYS * rng.next() ** 1.6));
    const joinedAt = dayStart[joinIndex]! + rng.int(0, 86_399_999);
    const chat = GROUPS[id % 10 === 0 ? 2 : id % 4 === 0 ? 1 : 0]!;
    const leaves = rng.chance(0.05);
    const leaveIndex = leaves ? rng.int(joinIndex, DAYS - 1) : DAYS;
    // Heavy-tailed: most members are seldom active, a few nearly every day.
    const p = Math.min(0.95, 0.02 * rng.pareto(1.1, 1));
    let balance = 0;
    let last = joinedAt;
    q.member.run(id, `m${id}`, chat === 'local:core' ? 'core' : chat === 'local:advanced' ? 'advanced' : 'basic', joinedAt, null);
    for (let d = joinIndex; d < leaveIndex; d++) {
      if (!rng.chance(d === joinIndex ? 0.6 : p)) continue;
      const at = Math.max(joinedAt, dayStart[d]! + rng.int(0, 86_399_999));
      const day = dayName[d]!;
      const checkin = rng.chance(0.5) ? 1 : 0;
      q.activity.run(id, chat, day, 1 + rng.int(0, 3), checkin);
      counts.activityRows++;
      last = at;
      if (checkin) {
        q.ledger.run(id, 10, 'checkin', `${id}:${day}`, 1, at);
        balance += 10;
        counts.ledgerRows++;
      }
      if (rng.chance(0.15)) {
        const paid = rng.chance(0.8) ? 1 : 0;
        q.post.run(id, day, at, paid, `p${id}:${d}`);
        counts.posts++;
        if (paid) {
          q.ledger.run(id, 2, 'post', `p${id}:${d}`, 1, at);
          balance += 2;
          counts.ledgerRows++;
        }
      }
      if (rng.chance(0.04)) {
        q.share.run(id, chat, day, at, `s${id}:${d}`);
        counts.shares++;
      }
    }
    if (balance >= 100 && rng.chance(0.3)) {
      q.ledger.run(id, -100, 'redeem', `r${id}`, 0, last);
      balance -= 100;
      counts.ledgerRows++;
    }
    const leftAt = leaves ? Math.max(last, dayStart[leaveIndex]! + rng.int(0, 86_399_999)) : null;
    q.membership.run(id, chat, joinedAt, joinedAt, last, leftAt);
    q.analytics.run(id, joinedAt, dayName[joinIndex]!, id % 7 === 0 ? 'invited' : 'joined', chat, leftAt === null ? 0 : 1);
    if (leftAt !== null) {
      q.leave.run(id, leftAt, dayName[Math.min(DAYS, leaveIndex)]!);
      counts.leavers++;
    }
    if (balance > 0) q.balance.run(id, balance, balance);
  });
  for (const i of indexes) s.exec(i.sql);
  s.pragma('optimize');
  db.close();
  return { path, notes: { ...counts, fillSeconds: (performance.now() - began) / 1000 } };
}

/**
 * The full retention report (`report`, every section: cohorts by week, weekly interaction, UGC,
 * points, referrals, recall, tiers) over `size` members and 90 days of activity, as of the last
 * day. Untimed first: the daily rollup job's 89 runs (its mean per day is in the notes). Then the
 * report runs in a fresh child process — cold, so its peak RSS is the report's own: `queryMs` is
 * that report, `queryMaxMs` the same report by tier in the same child.
 */
export const reportCase: BenchCase = {
  name: 'report',
  title: 'retention report (90 days)',
  sizes: [100_000, 1_000_000],
  quickSizes: [100_000],
  run({ dir, size }): CaseResult {
    const { path, notes } = fill(dir, size);
    const asOf = FILLED_AS_OF;
    const app = reportApp(path, asOf);
    const t0 = performance.now();
    const rolled = app.analytics.rollUp(addDays(asOf, -1));
    const rollupMs = (performance.now() - t0) / rolled;
    app.close();
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./report-child.ts', import.meta.url)), path, asOf], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`report child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; byTierMs: number; rssMb: number; cohorts: number; weeks: number; d7: number | null };
    return {
      queryMs: r.ms,
      queryMaxMs: r.byTierMs,
      notes: {
        ...notes,
        rollupMsPerDay: rollupMs,
        reportRssMb: r.rssMb,
        cohorts: r.cohorts,
        weeks: r.weeks,
        d7: r.d7 ?? 'null',
        targets: `< ${TARGET_MS} ms, < ${TARGET_RSS_MB} MB: ${r.ms < TARGET_MS && r.rssMb < TARGET_RSS_MB ? 'met' : 'MISSED'}`,
      },
    };
  },
};
