import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadContent } from '../../src/config/load.ts';
import { addDays, localDay } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openDb, type Db } from '../../src/db/open.ts';
import { seededRng } from '../../src/sim/prng.ts';
import { fillInBatches, type BenchCase, type CaseResult } from '../case.ts';

const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';
const NOW = Date.parse('2026-03-15T09:30:00+08:00');

/**
 * `size` members written straight into the database: 94% basic, 5% advanced and 1% core (those
 * promoted 40–200 days ago, so their keep rules are judged), each with a heavy-tailed number of
 * active days in the last 30 (advanced and core members more), lifetime points for half, and
 * recorded purchases for 3% (1–5 orders). Every member has an identity, so each decision renders
 * the member's message as the job would send it.
 */
function ladderCommunity(dir: string, size: number): { db: Db; fillSeconds: number } {
  const db = openDb(join(dir, 'tiers.db'));
  const s = db.sqlite;
  const rng = seededRng(`tiers-${size}`);
  const began = performance.now();
  const today = localDay(new Date(NOW), ZONE);
  const insMember = s.prepare('INSERT INTO members (id, name, tier, created_at, last_active_at) VALUES (?, ?, ?, ?, ?)');
  const insIdentity = s.prepare("INSERT INTO identities (platform, user_id, member_id, name, first_seen_at) VALUES ('local', ?, ?, ?, ?)");
  const insDecision = s.prepare("INSERT INTO member_tiers (member_id, tier, since, reason) VALUES (?, ?, ?, 'promoted')");
  const insActivity = s.prepare("INSERT OR IGNORE INTO activity_days (member_id, chat_key, day, messages) VALUES (?, 'local:lobby', ?, 1)");
  const insBalance = s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?)');
  const insPurchase = s.prepare("INSERT INTO purchases (member_id, orders, amount, at, source, source_key, recorded_at) VALUES (?, 1, ?, ?, 'import', ?, ?)");
  fillInBatches(s, size, (id) => {
    const roll = rng.next();
    const tier = roll < 0.01 ? 'core' : roll < 0.06 ? 'advanced' : 'basic';
    const created = NOW - rng.int(60, 400) * DAY;
    insMember.run(id, `m${id}`, tier, created, NOW - rng.int(0, 40) * DAY);
    insIdentity.run(`u${id}`, id, `m${id}`, created);
    if (tier !== 'basic') insDecision.run(id, tier, NOW - rng.int(40, 200) * DAY);
    const days = Math.min(30, Math.floor(rng.pareto(1.1, tier === 'basic' ? 0.6 : 3)));
    for (let d = 0; d < days; d++) insActivity.run(id, addDays(today, -rng.int(0, 29)));
    if (rng.chance(0.5)) {
      const lifetime = Math.floor(rng.pareto(1.2, 10));
      insBalance.run(id, lifetime, lifetime);
    }
    if (rng.chance(0.03)) {
      const orders = rng.int(1, 5);
      for (let o = 0; o < orders; o++) insPurchase.run(id, rng.int(50, 900), NOW - rng.int(1, 300) * DAY, `bench-${id}-${o}`, NOW);
    }
  });
  s.pragma('optimize');
  return { db, fillSeconds: (performance.now() - began) / 1000 };
}

/**
 * The daily tier review as the job runs it (`LadderService.review`: plan, writes, audit rows and
 * the messages written to the outbox, in one transaction) over a million-member ladder. `queryMs` is the first review
 * (it promotes, warns and demotes from scratch); `queryMaxMs` the next day's, when the warned are
 * already warned and only the day's changes remain.
 */
export const tierReviewCase: BenchCase = {
  name: 'tier-review',
  title: 'daily tier review',
  sizes: [100_000, 1_000_000],
  quickSizes: [100_000],
  run({ dir, size }): CaseResult {
    const { db, fillSeconds } = ladderCommunity(dir, size);
    const app = createApp({ db, content: loadContent('content'), clock: { now: () => new Date(NOW) }, logger: silentLogger });
    const { ladder } = app.services;
    const review = (at: number) => {
      const t0 = performance.now();
      const { plan, outs } = db.transaction(() => {
        const done = ladder.review(new Date(at), null);
        app.delivery.record(`tiers.review:${at}`, done.outs);
        return done;
      });
      return { ms: performance.now() - t0, plan, outs: outs.length };
    };
    const first = review(NOW);
    const next = review(NOW + DAY);
    db.close();
    return {
      queryMs: first.ms,
      queryMaxMs: next.ms,
      notes: {
        promoted: first.plan.promotions.length,
        warned: first.plan.warnings.length,
        demoted: first.plan.demotions.length,
        nextDayPromoted: next.plan.promotions.length,
        nextDayWarned: next.plan.warnings.length,
        messages: first.outs,
        fillSeconds,
      },
    };
  },
};
