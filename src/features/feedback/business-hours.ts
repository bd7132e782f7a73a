import { addDays, localDay, offsetMs } from '../../core/clock.ts';
import { WEEKDAYS, type BusinessHours } from '../../config/schema.ts';

/** How far ahead a deadline is searched for (a year of days, however few of them are open). */
const MAX_DAYS = 400;

/** The instant a local wall-clock time (`HH:MM`) falls on a local day in a zone. */
function localInstant(day: string, hhmm: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  // Correct for the zone's offset twice, so a day where the offset changes lands on the right side.
  const first = guess - offsetMs(new Date(guess), timeZone);
  return guess - offsetMs(new Date(first), timeZone);
}

/** The opening window `[start, end)` on a local day, or undefined on a closed day. */
function windowOn(day: string, hours: BusinessHours, timeZone: string): [number, number] | undefined {
  const weekday = WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]!;
  if (!hours.days.includes(weekday)) return undefined;
  return [localInstant(day, hours.start, timeZone), localInstant(day, hours.end, timeZone)];
}

/**
 * The instant `minutes` of business time after `from`: with no business hours, plain minutes; with
 * them, only time inside the opening windows counts (a ticket at 17:50 with a 2 h target and
 * 09:00–18:00 hours is due at 10:50 on the next open day). `minutes = 0` gives when the clock starts.
 */
export function addBusinessMinutes(from: Date, minutes: number, hours: BusinessHours | undefined, timeZone: string): Date {
  let left = minutes * 60_000;
  if (!hours) return new Date(from.getTime() + left);
  let day = localDay(from, timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = addDays(day, 1)) {
    const w = windowOn(day, hours, timeZone);
    if (!w) continue;
    const start = Math.max(from.getTime(), w[0]);
    if (start >= w[1]) continue;
    if (start + left <= w[1]) return new Date(start + left);
    left -= w[1] - start;
  }
  throw new Error(`no business time within ${MAX_DAYS} days of ${from.toISOString()}`);
}

/** Business minutes between two instants (whole minutes, rounded down). */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours | undefined, timeZone: string): number {
  if (to <= from) return 0;
  if (!hours) return Math.floor((to.getTime() - from.getTime()) / 60_000);
  let ms = 0;
  const last = localDay(to, timeZone);
  let day = localDay(from, timeZone);
  for (let i = 0; i < MAX_DAYS && day <= last; i++, day = addDays(day, 1)) {
    const w = windowOn(day, hours, timeZone);
    if (!w) continue;
    const overlap = Math.min(to.getTime(), w[1]) - Math.max(from.getTime(), w[0]);
    if (overlap > 0) ms += overlap;
  }
  return Math.floor(ms / 60_000);
}

/** Whether `at` lies inside the opening hours (always, without business hours). */
export function isOpen(at: Date, hours: BusinessHours | undefined, timeZone: string): boolean {
  if (!hours) return true;
  const w = windowOn(localDay(at, timeZone), hours, timeZone);
  return w !== undefined && at.getTime() >= w[0] && at.getTime() < w[1];
}
