import { describe, expect, it } from 'vitest';
import { contentDirWith, post } from '../helpers/posts.ts';
import { runSim, tempDb } from '../helpers/sim.ts';

const reminder = post({ id: 'daily-reminder', cron: '30 8 * * *', targets: { tiers: ['core'] } }, 'Check in today! {{date}}');
const msg = (at: string, chat: string, user: string, text: string) => ({ at, type: 'message', chat, user, text });
const tick = (at: string) => ({ at, type: 'tick' });

describe('scheduled content in simulate', () => {
  it('given a daily reminder for the core tier, when a week of ticks runs, then local:core gets it seven times at 08:30 local and no other group gets it', async () => {
    const dir = contentDirWith({ 'reminder.md': reminder });
    const days = ['02', '03', '04', '05', '06', '07', '08'];
    const run = await runSim(
      tempDb(),
      [
        msg('2026-03-02T07:00:00+08:00', 'g1', 'u1', 'hello'),
        msg('2026-03-02T07:01:00+08:00', 'advanced', 'u2', 'hi'),
        ...days.map((d) => tick(`2026-03-${d}T23:00:00+08:00`)),
      ],
      dir,
    );
    const sends = run.out.filter((o) => o.type === 'send');
    expect(sends.map((o) => [o.chat, o.at])).toEqual(days.map((d) => ['core', new Date(`2026-03-${d}T08:30:00+08:00`).toISOString()]));
    expect(sends[0]!.text).toBe('Check in today! 2026-03-02');
  });

  it('given two ticks at the same time, or a restart mid-slot on the same database, then the slot is posted once', async () => {
    const dir = contentDirWith({ 'reminder.md': reminder });
    const db = tempDb();
    const first = await runSim(db, [msg('2026-03-02T08:00:00+08:00', 'core', 'u1', 'hello'), tick('2026-03-02T08:30:00+08:00'), tick('2026-03-02T08:30:00+08:00')], dir);
    expect(first.out.filter((o) => o.type === 'send')).toHaveLength(1);
    // The process restarts 1 minute into the slot: catch-up finds the slot already run.
    const restart = await runSim(db, [tick('2026-03-02T08:31:00+08:00'), tick('2026-03-02T08:40:00+08:00')], dir);
    expect(restart.out).toEqual([]);
  });

  it('given the bot was down at 08:30 and starts at 08:40, then catch-up posts the missed slot once, and a start past the grace window does not', async () => {
    const dir = contentDirWith({ 'reminder.md': reminder });
    const late = await runSim(tempDb(), [tick('2026-03-02T08:40:00+08:00'), tick('2026-03-02T08:50:00+08:00')], dir);
    expect(late.out.map((o) => [o.chat, o.at])).toEqual([['core', new Date('2026-03-02T08:40:00+08:00').toISOString()]]);
    const tooLate = await runSim(tempDb(), [tick('2026-03-02T09:30:00+08:00')], dir);
    expect(tooLate.out).toEqual([]);
  });

  it('given an event line two days later and no tick in between, then each reminder still goes out at its own slot time', async () => {
    const dir = contentDirWith({ 'reminder.md': reminder });
    const run = await runSim(tempDb(), [msg('2026-03-02T07:00:00+08:00', 'core', 'u1', 'hello'), msg('2026-03-04T12:00:00+08:00', 'core', 'u1', 'back'), tick('2026-03-05T12:00:00+08:00')], dir);
    const slot = (day: string) => new Date(`2026-03-${day}T08:30:00+08:00`).toISOString();
    expect(run.out.map((o) => [o.chat, o.at])).toEqual([
      ['core', slot('02')],
      ['core', slot('03')],
      ['core', slot('04')],
      ['core', slot('05')],
    ]);
  });
});
