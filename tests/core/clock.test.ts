import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDay, offsetMs, startOfLocalDay, weekStart } from '../../src/core/clock.ts';

describe('localDay', () => {
  it('given 23:59 and 00:01 in Shanghai, then they are two days', () => {
    expect(localDay(new Date('2026-03-02T23:59:00+08:00'), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(localDay(new Date('2026-03-03T00:01:00+08:00'), 'Asia/Shanghai')).toBe('2026-03-03');
  });
  it('given the same instant, then the day depends on the zone, not on UTC', () => {
    const at = new Date('2026-03-02T20:00:00Z');
    expect(localDay(at, 'Asia/Shanghai')).toBe('2026-03-03');
    expect(localDay(at, 'America/New_York')).toBe('2026-03-02');
  });
});

describe('day arithmetic', () => {
  it('counts days across month ends and leap days', () => {
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('given a Sunday, then its week starts the Monday before', () => {
    expect(weekStart('2026-03-08')).toBe('2026-03-02');
    expect(weekStart('2026-03-02')).toBe('2026-03-02');
  });
});

describe('startOfLocalDay in a daylight-saving zone', () => {
  it('given the spring-forward day in New York, then the day starts at 05:00Z and lasts 23 hours', () => {
    const start = startOfLocalDay('2026-03-08', 'America/New_York');
    const next = startOfLocalDay('2026-03-09', 'America/New_York');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect((next.getTime() - start.getTime()) / 3_600_000).toBe(23);
  });
  it('given the fall-back day, then it lasts 25 hours', () => {
    const start = startOfLocalDay('2026-11-01', 'America/New_York');
    const next = startOfLocalDay('2026-11-02', 'America/New_York');
    expect((next.getTime() - start.getTime()) / 3_600_000).toBe(25);
  });
  it('given a zone whose midnight is skipped (Santiago, Sept 2026), then the day starts at 01:00 local', () => {
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(localDay(start, 'America/Santiago')).toBe('2026-09-06');
    expect(localDay(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });
  it('reports offsets either side of the change', () => {
    expect(offsetMs(new Date('2026-03-08T06:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(offsetMs(new Date('2026-03-08T08:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
  });
});
