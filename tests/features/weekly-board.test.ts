import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../src/core/clock.ts';
import { openDb } from '../../src/db/open.ts';
import { PointsService } from '../../src/features/points/index.ts';
import { generateCommunity } from '../../src/sim/generate.ts';
import { runSim, tempDb } from '../helpers/sim.ts';

const ZONE = 'Asia/Shanghai';

/** The weekly board the slow way: every earned ledger row since the week started. */
function ledgerBoard(db: ReturnType<typeof openDb>, since: Date) {
  return db.sqlite
    .prepare(
      `SELECT l.member_id AS memberId, m.name AS name, SUM(l.delta) AS points FROM ledger l JOIN members m ON m.id = l.member_id
       WHERE l.at >= ? AND l.earned = 1 GROUP BY l.member_id ORDER BY points DESC, l.member_id LIMIT 10`,
    )
    .all(since.getTime());
}

describe('weekly leaderboard totals', () => {
  it('given two weeks of generated check-ins and awards, then the weekly board equals the ledger sum; after a backfill too', async () => {
    const db = tempDb();
    // 2026-03-02 is a Monday: days 0-6 are week one, 7-9 week two.
    await runSim(db, [...generateCommunity({ members: 60, days: 10, seed: 'weekly', timeZone: ZONE })]);
    const thisWeek = startOfLocalDay('2026-03-09', ZONE);
    const lastWeek = startOfLocalDay('2026-03-02', ZONE);
    const open = openDb(db);
    try {
      const expected = ledgerBoard(open, thisWeek);
      expect(expected.length).toBe(10);
      const points = new PointsService(open, ZONE);
      expect(points.leaders(10, thisWeek)).toEqual(expected);
      // Last week has earnings after it, so its board (two weeks) comes from the ledger.
      expect(points.leaders(10, lastWeek)).toEqual(ledgerBoard(open, lastWeek));
      open.sqlite.prepare('DELETE FROM points_weekly').run();
      expect(new PointsService(open, ZONE).leaders(10, thisWeek)).toEqual(expected);
    } finally {
      open.close();
    }
  });
});
