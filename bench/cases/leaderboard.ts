import { join } from 'node:path';
import { openDb } from '../../src/db/open.ts';
import { PointsService } from '../../src/features/points/index.ts';
import { seededRng } from '../../src/sim/prng.ts';
import { fillInBatches, percentile, type BenchCase } from '../case.ts';

const WEEK_MS = 7 * 86_400_000;
const ZONE = 'Asia/Shanghai';
/** A Sunday evening: the ledger's last two weeks end here, and this week began on Monday 9 March. */
const NOW = Date.parse('2026-03-15T20:00:00+08:00');
const SINCE = Date.parse('2026-03-09T00:00:00+08:00');

/**
 * `/rank`'s two queries — the all-time board (balances) and this week's board (weekly totals since
 * Monday in the community's zone) — over a community written straight into the database with raw SQL: `size`
 * members with heavy-tailed lifetime points, and 0.75 earned ledger rows per member in each of
 * the last two weeks. Timed over 15 runs after one warm-up; `queryMs` is the median of both
 * queries together, `queryMaxMs` the slowest.
 */
export const leaderboardCase: BenchCase = {
  name: 'leaderboard',
  title: '/rank leaderboard',
  sizes: [100_000, 1_000_000],
  quickSizes: [100_000],
  run({ dir, size }) {
    const db = openDb(join(dir, 'leaderboard.db'));
    const s = db.sqlite;
    const rng = seededRng(`leaderboard-${size}`);
    const fillBegan = performance.now();
    const insMember = s.prepare('INSERT INTO members (id, name, tier, created_at) VALUES (?, ?, ?, ?)');
    const insBalance = s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?)');
    const insLedger = s.prepare("INSERT INTO ledger (member_id, delta, reason, source_key, earned, at) VALUES (?, ?, 'checkin', ?, 1, ?)");
    fillInBatches(s, size, (id) => {
      insMember.run(id, `m${id}`, 'basic', NOW - 90 * 86_400_000);
      const lifetime = rng.chance(0.4) ? 0 : Math.floor(rng.pareto(1.2, 10));
      insBalance.run(id, lifetime, lifetime);
    });
    const ledgerRows = Math.floor(size * 1.5);
    fillInBatches(s, ledgerRows, (k) => {
      const member = 1 + Math.floor(Math.pow(rng.next(), 3) * size);
      insLedger.run(member, rng.int(10, 32), `bench-${k}`, NOW - Math.floor(rng.next() * 2 * WEEK_MS));
    });
    s.pragma('optimize');
    const fillSeconds = (performance.now() - fillBegan) / 1000;

    const backfillBegan = performance.now();
    const points = new PointsService(db, ZONE);
    const backfillSeconds = (performance.now() - backfillBegan) / 1000;
    const since = new Date(SINCE);
    const time = (fn: () => unknown) => {
      const t0 = performance.now();
      fn();
      return performance.now() - t0;
    };
    time(() => points.leaders(10));
    time(() => points.leaders(10, since));
    const runs = 15;
    const both = new Float64Array(runs);
    const allTime = new Float64Array(runs);
    const weekly = new Float64Array(runs);
    const rank = new Float64Array(runs);
    // A board from a moment that is not a week start still sums the ledger: shown for contrast.
    const ledgerSum = time(() => points.leaders(10, new Date(SINCE + 86_400_000)));
    for (let r = 0; r < runs; r++) {
      allTime[r] = time(() => points.leaders(10));
      weekly[r] = time(() => points.leaders(10, since));
      both[r] = allTime[r]! + weekly[r]!;
      rank[r] = time(() => points.standing(1 + Math.floor(size / 2)));
    }
    const max = Math.max(...both);
    db.close();
    return {
      queryMs: percentile(both, 50),
      queryMaxMs: max,
      notes: {
        allTimeMs: percentile(allTime, 50),
        weeklyMs: percentile(weekly, 50),
        standingRankMs: percentile(rank, 50),
        ledgerSumMs: ledgerSum,
        ledgerRows,
        fillSeconds,
        backfillSeconds,
      },
    };
  },
};
