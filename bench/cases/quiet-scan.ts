import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadContent } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openDb, type Db } from '../../src/db/open.ts';
import { seededRng } from '../../src/sim/prng.ts';
import { fillInBatches, type BenchCase, type CaseResult } from '../case.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-15T10:00:00+08:00');

/**
 * `size` members written straight into the database: one lobby membership each (joined 90 days
 * ago, tracking started 120 days ago), last activity heavy-tailed over the last 60 days (so about
 * a third are past the 7-day threshold), two activity days each and a balance for half of them.
 */
function quietCommunity(dir: string, size: number): { db: Db; fillSeconds: number } {
  const db = openDb(join(dir, 'quiet.db'));
  const s = db.sqlite;
  const rng = seededRng(`quiet-${size}`);
  const fillBegan = performance.now();
  s.prepare("INSERT INTO groups (chat_key, platform, tier, tracking_started_at) VALUES ('local:lobby', 'local', 'basic', ?)").run(NOW - 120 * DAY);
  const insMember = s.prepare("INSERT INTO members (id, name, tier, created_at, last_active_at) VALUES (?, ?, 'basic', ?, ?)");
  const insMembership = s.prepare("INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at) VALUES (?, 'local:lobby', ?, ?, ?)");
  const insActivity = s.prepare("INSERT OR IGNORE INTO activity_days (member_id, chat_key, day, messages) VALUES (?, 'local:lobby', ?, 1)");
  const insBalance = s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?)');
  fillInBatches(s, size, (id) => {
    const last = NOW - Math.floor(Math.min(60, rng.pareto(0.9, 2)) * DAY);
    const joined = NOW - 90 * DAY;
    insMember.run(id, `m${id}`, joined, last);
    insMembership.run(id, joined, joined, last);
    insActivity.run(id, new Date(last).toISOString().slice(0, 10));
    insActivity.run(id, new Date(last - rng.int(1, 14) * DAY).toISOString().slice(0, 10));
    if (rng.chance(0.5)) {
      const lifetime = Math.floor(rng.pareto(1.2, 10));
      insBalance.run(id, lifetime, lifetime);
    }
  });
  s.pragma('optimize');
  return { db, fillSeconds: (performance.now() - fillBegan) / 1000 };
}

/** Runs the scan with its digest as the job does, in one transaction, as of `at`. */
function scanner(db: Db) {
  const { quiet } = createApp({ db, content: loadContent('content'), clock: { now: () => new Date(NOW) }, logger: silentLogger }).services;
  return (at: number) => {
    const t0 = performance.now();
    const result = db.transaction(() => {
      const r = quiet.scan(new Date(at));
      quiet.digest(r, new Date(at));
      return r;
    });
    return { ms: performance.now() - t0, flagged: result.flagged };
  };
}

/**
 * The daily quiet-member scan (`quiet.scan` with its digest, as the job runs it) over a community
 * where nobody has been flagged yet. `queryMs` is the first scan (it writes every flag: about a
 * third of the members); `queryMaxMs` the idempotent second run.
 */
export const quietScanCase: BenchCase = {
  name: 'quiet-scan',
  title: 'daily quiet scan',
  sizes: [100_000, 1_000_000],
  quickSizes: [100_000],
  run({ dir, size }): CaseResult {
    const { db, fillSeconds } = quietCommunity(dir, size);
    const scan = scanner(db);
    const first = scan(NOW);
    const second = scan(NOW);
    db.close();
    return { queryMs: first.ms, queryMaxMs: second.ms, notes: { flagged: first.flagged, flaggedAgain: second.flagged, fillSeconds } };
  },
};

/**
 * A realistic day: the same community scanned yesterday (untimed), then today's scan one day
 * later, which flags only the members whose quiet spell crossed the threshold since — a few
 * percent. `queryMs` is today's scan; `queryMaxMs` its idempotent repeat.
 */
export const quietScanDailyCase: BenchCase = {
  name: 'quiet-scan-daily',
  title: 'quiet scan, the next day',
  sizes: [100_000, 1_000_000],
  quickSizes: [100_000],
  run({ dir, size }): CaseResult {
    const { db, fillSeconds } = quietCommunity(dir, size);
    const scan = scanner(db);
    const yesterday = scan(NOW);
    const today = scan(NOW + DAY);
    const again = scan(NOW + DAY);
    db.close();
    return {
      queryMs: today.ms,
      queryMaxMs: again.ms,
      notes: { flagged: today.flagged, flaggedPct: (100 * today.flagged) / size, flaggedYesterday: yesterday.flagged, flaggedAgain: again.flagged, fillSeconds },
    };
  },
};
