import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { SimScheduler, type SkippedSlots } from '../../src/infra/sim-scheduler.ts';

describe('simulated scheduler', () => {
  it('given an hourly job and a jump of 10 days with a bound of 24 slots, then only the latest 24 slots run, in order, and the skip is reported once', async () => {
    const clock = new FakeClock('2026-03-02T00:30:00+08:00');
    const skipped: SkippedSlots[] = [];
    const scheduler = new SimScheduler(clock, silentLogger, { maxSlotsPerAdvance: 24, onSkipped: (s) => skipped.push(s) });
    const ran: string[] = [];
    scheduler.add({ id: 'hourly', cron: '0 * * * *', timeZone: 'Europe/Berlin', run: (slot) => void ran.push(slot.toISOString()) });
    await scheduler.advanceTo(new Date('2026-03-12T00:30:00+08:00'));
    expect(ran).toHaveLength(24);
    expect(ran[0]).toBe('2026-03-10T17:00:00.000Z');
    expect(ran.at(-1)).toBe('2026-03-11T16:00:00.000Z');
    expect(skipped).toEqual([{ job: 'hourly', from: new Date('2026-03-01T17:00:00.000Z'), resumeAt: new Date('2026-03-10T17:00:00.000Z') }]);
  });

  it('given a jump across the spring-forward night in a daylight-saving zone, then a daily job still runs its latest slots, each once', async () => {
    const clock = new FakeClock('2026-03-20T12:00:00+01:00');
    const scheduler = new SimScheduler(clock, silentLogger, { maxSlotsPerAdvance: 3 });
    const ran: string[] = [];
    scheduler.add({ id: 'daily', cron: '30 2 * * *', timeZone: 'Europe/Berlin', run: (slot) => void ran.push(slot.toISOString()) });
    await scheduler.advanceTo(new Date('2026-03-31T12:00:00+02:00'));
    expect(ran).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('given a jump to the year 9999 of a minutely job, then it finishes quickly with only the bounded slots run', async () => {
    const clock = new FakeClock('2026-03-02T00:00:00Z');
    const scheduler = new SimScheduler(clock, silentLogger, { maxSlotsPerAdvance: 10 });
    let runs = 0;
    scheduler.add({ id: 'minutely', cron: '* * * * *', timeZone: 'UTC', run: () => void runs++ });
    await scheduler.advanceTo(new Date('9999-12-31T00:00:00Z'));
    expect(runs).toBe(10);
  });

  it('given fewer due slots than the bound, then every one runs and nothing is reported', async () => {
    const clock = new FakeClock('2026-03-02T00:00:00Z');
    const skipped: SkippedSlots[] = [];
    const scheduler = new SimScheduler(clock, silentLogger, { maxSlotsPerAdvance: 1000, onSkipped: (s) => skipped.push(s) });
    let runs = 0;
    scheduler.add({ id: 'daily', cron: '0 10 * * *', timeZone: 'Asia/Shanghai', run: () => void runs++ });
    await scheduler.advanceTo(new Date('2026-03-12T00:00:00Z'));
    expect(runs).toBe(10);
    expect(skipped).toEqual([]);
  });
});
