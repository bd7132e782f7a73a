import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addDays, localDay, weekStart } from '../../src/core/clock.ts';
import { loadContent } from '../../src/config/load.ts';
import { generateCommunity } from '../../src/sim/generate.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { cli, runSim, tempDb } from '../helpers/sim.ts';

const ZONE = 'Asia/Shanghai';
const STAFF_CHAT = 'local:staff';
const WINDOWS = [
  { n: 1, w: 1 },
  { n: 7, w: 7 },
  { n: 30, w: 7 },
  { n: 90, w: 7 },
];

/**
 * The report's numbers computed the slow, obvious way from the raw tables the bot always kept
 * (memberships, activity_days, earn_posts, share_claims, ledger), without any rollup.
 */
function reference(dbPath: string, to: string) {
  const s = new Database(dbPath, { readonly: true });
  try {
    const staff = new Set<number>();
    for (const key of ['local:op', 'local:mod']) {
      const row = s.prepare('SELECT member_id AS id FROM identities WHERE platform = ? AND user_id = ?').get(...key.split(':')) as { id: number } | undefined;
      if (row) staff.add(row.id);
    }
    for (const r of s.prepare("SELECT member_id AS id FROM member_roles WHERE role <> 'member'").all() as { id: number }[]) staff.add(r.id);
    for (const r of s.prepare('SELECT member_id AS id FROM memberships WHERE chat_key = ?').all(STAFF_CHAT) as { id: number }[]) staff.add(r.id);

    const members = new Map<number, { join: string; left: string | null; days: Set<string> }>();
    const ms = s.prepare('SELECT member_id AS id, chat_key AS chat, first_seen_at AS seen, left_at AS leftAt FROM memberships WHERE chat_key <> ?').all(STAFF_CHAT) as {
      id: number;
      chat: string;
      seen: number;
      leftAt: number | null;
    }[];
    const byMember = new Map<number, typeof ms>();
    for (const m of ms) byMember.set(m.id, [...(byMember.get(m.id) ?? []), m]);
    for (const [id, rows] of byMember) {
      if (staff.has(id)) continue;
      const join = localDay(new Date(Math.min(...rows.map((r) => r.seen))), ZONE);
      const allLeft = rows.every((r) => r.leftAt !== null);
      members.set(id, { join, left: allLeft ? localDay(new Date(Math.max(...rows.map((r) => r.leftAt!))), ZONE) : null, days: new Set() });
    }
    for (const a of s.prepare('SELECT member_id AS id, day FROM activity_days WHERE chat_key <> ?').all(STAFF_CHAT) as { id: number; day: string }[]) {
      members.get(a.id)?.days.add(a.day);
    }

    const cohorts = new Map<string, number[]>();
    for (const [id, m] of members) {
      if (m.join > to) continue;
      const key = weekStart(m.join);
      cohorts.set(key, [...(cohorts.get(key) ?? []), id]);
    }
    const cohortRows = [...cohorts.keys()].sort().map((cohort) => {
      const ids = cohorts.get(cohort)!;
      const last = addDays(cohort, 6);
      const row: Record<string, string | number | null> = { cohort, segment: 'all', size: ids.length };
      for (const { n, w } of WINDOWS) {
        const active = ids.filter((id) => {
          const m = members.get(id)!;
          for (let k = n; k < n + w; k++) if (m.days.has(addDays(m.join, k))) return true;
          return false;
        }).length;
        row[`d${n}`] = addDays(last, n + w - 1) <= to ? active / ids.length : null;
        const stayed = ids.filter((id) => {
          const m = members.get(id)!;
          return m.left === null || m.left > addDays(m.join, n);
        }).length;
        row[`stayed${n}`] = addDays(last, n) <= to ? stayed / ids.length : null;
      }
      return row;
    });

    const from = [...members.values()].map((m) => m.join).sort()[0]!;
    // Staff posts and shares are the brand's own content, not UGC.
    const posts = (s.prepare('SELECT member_id AS id, day, COUNT(*) AS n FROM earn_posts GROUP BY 1, 2').all() as { id: number; day: string; n: number }[]).filter((p) => !staff.has(p.id));
    const shares = (s.prepare('SELECT member_id AS id, day, COUNT(*) AS n FROM share_claims GROUP BY 1, 2').all() as { id: number; day: string; n: number }[]).filter((p) => !staff.has(p.id));
    const postsOn = new Map<string, number>();
    for (const p of posts) postsOn.set(p.day, (postsOn.get(p.day) ?? 0) + p.n);
    const sharesOn = new Map<string, number>();
    for (const p of shares) sharesOn.set(p.day, (sharesOn.get(p.day) ?? 0) + p.n);
    const weekly = [];
    for (let week = weekStart(from); week <= to; week = addDays(week, 7)) {
      const end = addDays(week, 6) < to ? addDays(week, 6) : to;
      const inWeek = [...members.values()].filter((m) => m.join <= end && !(m.left !== null && m.left < week));
      const days: string[] = [];
      for (let d = week; d <= end; d = addDays(d, 1)) days.push(d);
      const active = [...members.values()].filter((m) => days.some((d) => m.days.has(d))).length;
      weekly.push({
        week,
        members: inWeek.length,
        active,
        interactionRate: inWeek.length > 0 ? active / inWeek.length : null,
        posts: days.reduce((n, d) => n + (postsOn.get(d) ?? 0), 0),
        shares: days.reduce((n, d) => n + (sharesOn.get(d) ?? 0), 0),
      });
    }

    let issued = 0;
    let spent = 0;
    let outstanding = 0;
    for (const l of s.prepare('SELECT delta, reason, at FROM ledger').all() as { delta: number; reason: string; at: number }[]) {
      const day = localDay(new Date(l.at), ZONE);
      if (day > to) continue;
      outstanding += l.delta;
      if (day < from) continue;
      if (l.reason === 'refund') spent -= l.delta;
      else if (l.delta > 0) issued += l.delta;
      if (l.reason === 'redeem') spent -= l.delta;
    }
    return { from, cohorts: cohortRows, weekly, points: { issued, spent, outstanding, redemptionRate: issued > 0 ? spent / issued : 0 } };
  } finally {
    s.close();
  }
}

describe('report on a generated community', () => {
  it(
    'given generate --members 1000 --days 120 replayed through simulate, when `report --json` runs on the CLI, then it prints what a plain computation over the raw tables gives',
    async () => {
      const db = tempDb();
      const skus = loadContent(CONTENT_DIR).rewards.rewards.map((r) => r.sku);
      await runSim(db, [...generateCommunity({ members: 1000, days: 120, seed: 'report', timeZone: ZONE, skus })]);
      const r = cli(['report', '--db', db, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { from: string; to: string; cohorts: unknown[]; weekly: Record<string, unknown>[]; points: Record<string, unknown>; definitions: Record<string, string> };
      expect(report.to).toBe('2026-06-29');
      const ref = reference(db, report.to);
      expect(report.from).toBe(ref.from);
      expect(report.cohorts).toEqual(ref.cohorts);
      expect(report.weekly.map(({ week, members, active, interactionRate, posts, shares }) => ({ week, members, active, interactionRate, posts, shares }))).toEqual(ref.weekly);
      expect(report.points).toMatchObject(ref.points);
      expect(Object.keys(report.definitions)).toContain('dN');

      // A past period, reported exactly: as of day 60 nothing later counts.
      const past = JSON.parse(cli(['report', '--db', db, '--json', '--to', '2026-04-30']).stdout) as typeof report;
      const refPast = reference(db, '2026-04-30');
      expect(past.cohorts).toEqual(refPast.cohorts);
      expect(past.weekly.map(({ week, members, active }) => ({ week, members, active }))).toEqual(refPast.weekly.map(({ week, members, active }) => ({ week, members, active })));

      const table = cli(['report', '--db', db, '--lang', 'en']);
      expect(table.stdout).toMatch(/retention report 2026-03-02 … 2026-06-29/);
      expect(table.stdout).toMatch(/stayed7 ≥ 70%/);
      expect(table.stdout).toMatch(/[✓✗]/);
      const csv = cli(['report', '--db', db, '--csv', '--cohort', 'month', '--by', 'platform']).stdout.split('\n');
      expect(csv[0]).toBe('cohort,segment,size,d1,d7,d30,d90,stayed1,stayed7,stayed30,stayed90');
      expect(csv[1]).toMatch(/^2026-03-01,local,\d+,/);
      expect(cli(['report', '--db', db, '--to', '2026-02-30']).stderr).toMatch(/YYYY-MM-DD/);
    },
    900_000,
  );
});
