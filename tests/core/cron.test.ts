import { describe, expect, it } from 'vitest';
import { nextSlot, previousSlot } from '../../src/core/cron.ts';

const NY = 'America/New_York';
const iso = (d: Date | undefined) => d?.toISOString();

describe('cron slots across daylight saving', () => {
  it('given 02:30 daily in New York, when spring-forward removes 02:30, then next and previous agree on one slot at 03:30 EDT', () => {
    const slot = nextSlot('30 2 * * *', NY, new Date('2026-03-07T12:00:00Z'));
    expect(iso(slot)).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(previousSlot('30 2 * * *', NY, new Date('2026-03-08T08:00:00Z')))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('given 01:30 daily in New York, when fall-back repeats 01:30, then the second 01:30 maps to the first', () => {
    expect(iso(nextSlot('30 1 * * *', NY, new Date('2026-10-31T12:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(previousSlot('30 1 * * *', NY, new Date('2026-11-01T06:40:00Z')))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(previousSlot('0 3 * * *', NY, new Date('2026-11-01T08:10:00Z')))).toBe('2026-11-01T08:00:00.000Z');
  });
});
