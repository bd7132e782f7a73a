/**
 * Every rule reads time from a Clock so day boundaries and schedules are testable. Day boundaries
 * are computed in a named IANA time zone (the community's or the group's), never UTC by accident.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Waits `ms` of real time; rejects early when `signal` aborts (someone is stopping or has news). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    function abort() {
      clearTimeout(timer);
      reject(new Error('aborted'));
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** A clock tests and the simulator move by hand. */
export class FakeClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    dayFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Recent answers of `localDay` per zone, by UTC quarter-hour. */
const daysByQuarterHour = new Map<string, Map<number, string>>();

/** The local calendar day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  // Every event asks this, and formatting is the expensive part. Zone offsets (and their changes)
  // are whole multiples of 15 minutes, so a UTC quarter-hour never straddles a local midnight.
  const quarter = Math.floor(at.getTime() / 900_000);
  let days = daysByQuarterHour.get(timeZone);
  if (!days) daysByQuarterHour.set(timeZone, (days = new Map()));
  let day = days.get(quarter);
  if (day === undefined) {
    day = dayFormatter(timeZone).format(at);
    if (days.size >= 10_000) days.clear();
    days.set(quarter, day);
  }
  return day;
}

/** The local date and time (`YYYY-MM-DD HH:mm`, 24-hour) of an instant in a time zone, for staff-facing lists. */
export function localDateTime(at: Date, timeZone: string): string {
  let f = dateTimeFormatters.get(timeZone);
  if (!f) {
    // Building an Intl formatter costs far more than using one; staff lists format many rows.
    f = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' });
    dateTimeFormatters.set(timeZone, f);
  }
  return f.format(at);
}

const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();

function dayToUtcMs(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToUtcMs(to) - dayToUtcMs(from)) / 86_400_000);
}

/** The calendar day `n` days after `day` (negative for before). */
export function addDays(day: string, n: number): string {
  return new Date(dayToUtcMs(day) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The Monday that starts the ISO week containing `day`. */
export function weekStart(day: string): string {
  const dow = new Date(dayToUtcMs(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((dow + 6) % 7));
}

/** The first day of the month containing `day`. */
export function monthStart(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * The instant a local day starts in a time zone (its first existing minute; a zone that skips
 * midnight for daylight saving starts the day at 01:00).
 */
export function startOfLocalDay(day: string, timeZone: string): Date {
  // Guess the offset at UTC midnight of that date, then correct once for the zone's offset there.
  const guess = dayToUtcMs(day);
  let t = guess - offsetMs(new Date(guess), timeZone);
  t = guess - offsetMs(new Date(t), timeZone);
  // Where midnight does not exist, step forward until the local day matches.
  while (localDay(new Date(t), timeZone) < day) t += 15 * 60_000;
  while (localDay(new Date(t - 60_000), timeZone) === day) t -= 60_000;
  return new Date(t);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetMs(at: Date, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
