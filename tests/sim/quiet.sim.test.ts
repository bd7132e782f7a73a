import { describe, expect, it } from 'vitest';
import { exportState } from '../../src/main.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { runSim, tempDb } from '../helpers/sim.ts';

const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`;
const msg = (when: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', chat: 'g1', user, text, ...extra });
const tick = (when: string) => ({ at: when, type: 'tick' });

describe('simulate: quiet members end to end', () => {
  it('given two weeks of check-ins then silence, a restart, a recall and a check-in 3 days later, then one flag, returned, one comeback bonus', async () => {
    const db = tempDb();
    const twoWeeks = Array.from({ length: 14 }, (_, i) => msg(at(2 + i, '09:00'), 'u1', '/checkin', { name: 'Alice', lang: 'en' }));
    const first = await runSim(db, [...twoWeeks, tick(at(21, '10:30')), tick(at(22, '10:30'))]);
    // The weekly retention digest goes to the staff chat too; this is about the quiet digest.
    const digests = first.out.filter((o) => o.chat === 'staff' && !o.text.startsWith('留存报告'));
    expect(digests).toEqual([
      { at: '2026-03-22T02:00:00.000Z', local: '2026-03-22 10:00', type: 'send', chat: 'staff', text: expect.stringContaining('#1 Alice · 已沉默 7 天 · 平时每 1 天活跃一次'), id: expect.any(String) },
    ]);

    // A restart that replays the same scan slot and the days after it flags nobody twice (the
    // scheduled posts of those days still go to the community groups).
    const restart = await runSim(db, [tick(at(22, '09:00')), tick(at(24, '10:30'))]);
    expect(restart.out.filter((o) => o.chat === 'staff' && !o.text.startsWith('留存报告'))).toEqual([]);
    expect(restart.out.length).toBeGreaterThan(0);
    expect(exportState(db, CONTENT_DIR).flags).toHaveLength(1);

    const recall = await runSim(db, [
      msg(at(24, '11:00'), 'mod', '/flag 1 recall', { chat: 'staff', lang: 'en' }),
      msg(at(27, '09:00'), 'u1', '/checkin'),
      msg(at(28, '09:00'), 'u1', '/checkin'),
      msg(at(28, '12:00'), 'mod', '/recall-stats', { chat: 'staff' }),
    ]);
    expect(recall.out.filter((o) => o.type === 'dm')).toEqual([
      { at: '2026-03-24T03:00:00.000Z', local: '2026-03-24 11:00', type: 'dm', user: 'u1', text: expect.stringContaining('Check in within 7 days and get 30 bonus points!'), id: expect.any(String) },
    ]);
    expect(recall.out.at(-1)!.text).toContain('All recalls: sent 1, returned 7d 1 (100%), 14d 1 (100%)');

    const state = exportState(db, CONTENT_DIR);
    expect(state.flags).toEqual([
      expect.objectContaining({
        id: 1,
        member: 1,
        status: 'returned',
        returnedAt: '2026-03-27T01:00:00.000Z',
        returnedVia: 'checkins',
        risk: expect.objectContaining({ daysQuiet: 7, usualGapDays: 1, streakLost: 14, tier: 'basic', stage: 'growing', highValue: false }),
        recall: expect.objectContaining({ via: 'dm', outcome: 'returned', bonus: 30, bonusPaidAt: '2026-03-27T01:00:00.000Z', returned: { '7d': true, '14d': true } }),
      }),
    ]);
    expect(state.ledger.filter((l) => l.reason === 'comeback')).toEqual([expect.objectContaining({ member: 1, delta: 30, source: 'flag:1' })]);
    expect(state.recallStats.total).toEqual({ key: 'all', sent: 1, returned: [1, 1], rate: [1, 1] });
  });
});
