import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadContent } from '../../src/config/load.ts';
import type { CommunityConfig, TierRule } from '../../src/config/schema.ts';
import { addDays, localDay } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openDb, type Db } from '../../src/db/open.ts';
import { keepMargin, type ReviewPlan } from '../../src/features/tiers/service.ts';
import { meets, type MemberStats } from '../../src/features/tiers/rules.ts';
import { seededRng } from '../../src/sim/prng.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';

const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';
const START = Date.parse('2026-03-15T09:30:00+08:00');
const CHATS = ['local:lobby', 'local:advanced', 'local:core'];

/** A ladder whose rules read every requirement, so each column of the review's statements is judged. */
function ladderConfig(base: CommunityConfig): CommunityConfig {
  const [basic, advanced, core] = base.tiers as [CommunityConfig['tiers'][number], CommunityConfig['tiers'][number], CommunityConfig['tiers'][number]];
  return {
    ...base,
    tiers: [
      basic,
      {
        ...advanced,
        entry: [{ orders: 2, activeDays: 7 }, { lifetimePoints: 1500, activeDays: 15 }, { streak: 8, shares: 1 }],
        keep: [{ activeDays: 4 }, { posts: 40 }],
        graceDays: 3,
      },
      {
        ...core,
        entry: [{ orders: 4, daysInTier: 14 }, { spend: 2000, daysInTier: 14 }, { shares: 6, activeDays: 18 }],
        keep: [{ activeDays: 8 }],
        graceDays: 5,
      },
    ],
  };
}

/**
 * A few thousand members written straight into the tables: tiers with decisions of every kind
 * (promoted long ago or last week, manual holds running and run out, warned with grace left or
 * gone), activity in several chats a day, live and broken streaks (some carried by make-up cards),
 * points, purchases, and merged members.
 */
function community(db: Db, size: number): void {
  const s = db.sqlite;
  const rng = seededRng('tier-reference');
  const today = localDay(new Date(START), ZONE);
  const insMember = s.prepare('INSERT INTO members (id, name, tier, created_at, last_active_at, merged_into) VALUES (?, ?, ?, ?, ?, ?)');
  const insDecision = s.prepare('INSERT INTO member_tiers (member_id, tier, since, reason, manual_until, warned_at, grace_until) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insActivity = s.prepare('INSERT OR IGNORE INTO activity_days (member_id, chat_key, day, messages, shares) VALUES (?, ?, ?, ?, ?)');
  const insCheckin = s.prepare("INSERT OR IGNORE INTO checkins (member_id, day, chat_key, at, streak, points, position, event_key) VALUES (?, ?, 'local:lobby', 0, ?, 10, ?, ?)");
  const insCheckinDay = s.prepare("INSERT INTO activity_days (member_id, chat_key, day, checkins) VALUES (?, 'local:lobby', ?, 1) ON CONFLICT DO UPDATE SET checkins = 1");
  const insBalance = s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?)');
  const insPurchase = s.prepare("INSERT INTO purchases (member_id, orders, amount, at, source, source_key, recorded_at) VALUES (?, ?, ?, ?, 'import', ?, ?)");
  s.transaction(() => {
    for (let id = 1; id <= size; id++) {
      const roll = rng.next();
      const tier = roll < 0.1 ? 'core' : roll < 0.35 ? 'advanced' : 'basic';
      const created = START - rng.int(5, 400) * DAY;
      insMember.run(id, `m${id}`, tier, created, START - rng.int(0, 40) * DAY, rng.chance(0.02) ? 1 : null);
      if (tier !== 'basic' || rng.chance(0.1)) {
        const manual = rng.chance(0.1) ? START + rng.int(-5, 5) * DAY : null;
        const warned = rng.chance(0.2);
        const warnedAt = warned ? START - rng.int(1, 8) * DAY : null;
        insDecision.run(id, tier, START - rng.int(3, 200) * DAY, manual ? 'manual' : 'promoted', manual, warnedAt, warned ? warnedAt! + rng.int(2, 6) * DAY : null);
      }
      const days = Math.min(30, Math.floor(rng.pareto(1.1, tier === 'basic' ? 1 : 3)));
      for (let d = 0; d < days; d++) {
        insActivity.run(id, CHATS[rng.int(0, 2)]!, addDays(today, -rng.int(0, 34)), rng.int(0, 6), rng.chance(0.2) ? rng.int(1, 3) : 0);
      }
      if (rng.chance(0.3)) {
        const streak = rng.int(1, 12);
        const last = rng.int(0, 3);
        for (let k = 0; k < streak; k++) {
          // A check-in is an active day; a make-up card's restored day (position 0) is not.
          const day = addDays(today, -(last + k));
          const madeUp = k > 0 && k < streak - 1 && k % 2 === 1 && rng.chance(0.6);
          insCheckin.run(id, day, streak - k, madeUp ? 0 : 1, `c-${id}-${k}`);
          if (!madeUp) insCheckinDay.run(id, day);
        }
      }
      if (rng.chance(0.5)) {
        const lifetime = Math.floor(rng.pareto(1.0, 200));
        insBalance.run(id, lifetime, lifetime);
      }
      if (rng.chance(0.2)) {
        const orders = rng.int(1, 5);
        for (let o = 0; o < orders; o++) insPurchase.run(id, rng.int(1, 2), rng.int(50, 900), START - rng.int(1, 300) * DAY, `ref-${id}-${o}`, START);
      }
    }
  })();
}

/** One day's new facts: some members are active (a few in several chats), some check in. */
function nextDay(db: Db, day: string, n: number): void {
  const s = db.sqlite;
  const rng = seededRng(`tier-reference-${day}`);
  const size = (s.prepare('SELECT COUNT(*) AS n FROM members').get() as { n: number }).n;
  const upsert = s.prepare(
    'INSERT INTO activity_days (member_id, chat_key, day, messages, shares) VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id, chat_key, day) DO UPDATE SET messages = messages + excluded.messages',
  );
  s.transaction(() => {
    for (let i = 0; i < n; i++) upsert.run(rng.int(1, size), CHATS[rng.int(0, 2)]!, day, rng.int(1, 8), rng.chance(0.3) ? 1 : 0);
  })();
}

interface RawMember {
  id: number;
  tier: string;
  createdAt: number;
  mergedInto: number | null;
  since: number | null;
  manualUntil: number | null;
  warnedAt: number | null;
  graceUntil: number | null;
  keepOkUntil: number | null;
}

/** What a review at `now` decides, computed the plain way: every member, every figure, from the raw rows. */
function reference(db: Db, config: CommunityConfig, now: number) {
  const s = db.sqlite;
  const { windowDays } = config.ladder;
  const today = localDay(new Date(now), ZONE);
  const from = addDays(today, -(windowDays - 1));
  const yesterday = addDays(today, -1);
  const members = s
    .prepare(
      `SELECT m.id, m.tier, m.created_at AS createdAt, m.merged_into AS mergedInto, t.since, t.manual_until AS manualUntil,
         t.warned_at AS warnedAt, t.grace_until AS graceUntil, t.keep_ok_until AS keepOkUntil
       FROM members m LEFT JOIN member_tiers t ON t.member_id = m.id`,
    )
    .all() as RawMember[];
  const days = new Map<number, Set<string>>();
  const posts = new Map<number, number>();
  const shares = new Map<number, number>();
  for (const a of s.prepare('SELECT member_id AS m, day, messages, shares FROM activity_days').all() as { m: number; day: string; messages: number; shares: number }[]) {
    if (a.day < from) continue;
    days.set(a.m, (days.get(a.m) ?? new Set()).add(a.day));
    posts.set(a.m, (posts.get(a.m) ?? 0) + a.messages);
    shares.set(a.m, (shares.get(a.m) ?? 0) + a.shares);
  }
  const streak = new Map<number, { day: string; streak: number }>();
  for (const c of s.prepare('SELECT member_id AS m, day, streak FROM checkins').all() as { m: number; day: string; streak: number }[]) {
    const last = streak.get(c.m);
    if (c.day >= yesterday && (!last || c.day > last.day)) streak.set(c.m, c);
  }
  const orders = new Map<number, number>();
  const spend = new Map<number, number>();
  for (const p of s.prepare('SELECT member_id AS m, orders, amount FROM purchases').all() as { m: number; orders: number; amount: number }[]) {
    orders.set(p.m, (orders.get(p.m) ?? 0) + p.orders);
    spend.set(p.m, (spend.get(p.m) ?? 0) + p.amount);
  }
  const lifetime = new Map((s.prepare('SELECT member_id AS m, lifetime FROM balances').all() as { m: number; lifetime: number }[]).map((b) => [b.m, b.lifetime]));

  const list = config.tiers;
  const promotions: [number, string][] = [];
  const warnings: number[] = [];
  const cleared: number[] = [];
  const demotions: [number, string][] = [];
  const keepOk: [number, number][] = [];
  for (const m of members) {
    if (m.mergedInto !== null || (m.manualUntil !== null && m.manualUntil > now)) continue;
    const rank = list.findIndex((t) => t.id === m.tier);
    const stats: MemberStats = {
      lifetimePoints: lifetime.get(m.id) ?? 0,
      activeDays: days.get(m.id)?.size ?? 0,
      streak: streak.get(m.id)?.streak ?? 0,
      posts: posts.get(m.id) ?? 0,
      shares: shares.get(m.id) ?? 0,
      orders: orders.get(m.id) ?? 0,
      spend: spend.get(m.id) ?? 0,
      daysInTier: Math.floor((now - (m.since ?? m.createdAt)) / DAY),
    };
    let to: string | undefined;
    for (let i = rank + 1; i < list.length && list[i]!.entry && meets(stats, list[i]!.entry); i++) to = list[i]!.id;
    if (to) {
      promotions.push([m.id, to]);
      continue;
    }
    const keep: readonly TierRule[] | undefined = list[rank]!.keep;
    if (rank === 0 || !keep) continue;
    if ((m.since ?? m.createdAt) > now - windowDays * DAY) continue;
    if (m.keepOkUntil !== null && m.keepOkUntil > now) continue;
    if (meets(stats, keep)) {
      if (m.warnedAt !== null) cleared.push(m.id);
      const margin = keepMargin(stats, keep, windowDays);
      if (margin > 0) keepOk.push([m.id, now + margin * DAY - 60_000]);
    } else if (m.graceUntil === null) warnings.push(m.id);
    else if (m.graceUntil <= now) demotions.push([m.id, list[rank - 1]!.id]);
  }
  return { promotions, warnings, cleared, demotions, keepOk };
}

function decisions(plan: ReviewPlan) {
  const byId = <T extends [number, unknown] | number>(xs: T[]) => xs.sort((a, b) => (typeof a === 'number' ? a - (b as number) : a[0] - (b as [number, unknown])[0]));
  return {
    promotions: byId(plan.promotions.map((p): [number, string] => [p.memberId, p.to])),
    warnings: byId(plan.warnings.map((w) => w.memberId)),
    cleared: byId(plan.cleared.map((c) => c.memberId)),
    demotions: byId(plan.demotions.map((d): [number, string] => [d.memberId, d.to])),
    keepOk: byId(plan.keepOk.map((k): [number, number] => [k.memberId, k.until])),
  };
}

describe('the tier review against a plain reference evaluation', () => {
  it('given a generated community of 3,000 members with every kind of decision, when the review runs on ten days in a row, then each day it decides exactly what a member-by-member evaluation over the raw tables decides', () => {
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'hearth-tiers-')), 'tiers.db'));
    community(db, 3_000);
    const content = loadContent(CONTENT_DIR);
    const config = ladderConfig(content.community);
    const { ladder } = createApp({ db, content: { ...content, community: config }, clock: { now: () => new Date(START) }, logger: silentLogger }).services;
    const seen = { promotions: 0, warnings: 0, cleared: 0, demotions: 0, keepOk: 0 };
    for (let d = 0; d < 10; d++) {
      const now = START + d * DAY;
      if (d > 0) nextDay(db, localDay(new Date(now), ZONE), 400);
      const expected = reference(db, config, now);
      const { plan } = ladder.review(new Date(now), null);
      expect(decisions(plan), `day ${d}`).toEqual(expected);
      for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += expected[k].length;
    }
    // The community exercises every branch, so the equality above is not over empty lists.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(0);
    db.close();
  });
});
