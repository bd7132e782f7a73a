import { CronExpressionParser } from 'cron-parser';
import { localDateTime, offsetMs } from './clock.ts';

/**
 * Cron slot arithmetic in a named time zone, shared by the simulated scheduler, scheduled content
 * and catch-up logic. A pure library (no platform SDK), so features may use it. cron-parser
 * handles daylight saving: a slot inside a spring-forward gap runs once, shifted past the gap
 * (02:30 → 03:30 in America/New_York), and a slot in a repeated hour occurs once.
 */
export function nextSlot(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
}

/**
 * The latest slot at or before `at`, if any, as `nextSlot` would have produced it. cron-parser's
 * `prev()` disagrees with `next()` around daylight saving: it skips a slot that fell into a
 * spring-forward gap (from 04:00 on the spring-forward Sunday it finds Saturday's 02:30, while
 * `next()` yields Sunday 03:30), and in a repeated fall-back hour it finds the second 01:30 that
 * `next()` never yields. So the answer is moved forward while a later slot still lies at or before
 * `at`, and a repeated wall-clock time maps to its first occurrence: a restart inside the repeated
 * hour then finds the slot already run instead of posting again.
 */
export function previousSlot(cron: string, timeZone: string, at: Date): Date | undefined {
  let slot: Date;
  try {
    slot = CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1), tz: timeZone }).prev().toDate();
  } catch {
    return undefined;
  }
  for (let i = 0; i < 3; i++) {
    const later = nextSlot(cron, timeZone, slot);
    if (later.getTime() > at.getTime()) break;
    slot = later;
  }
  return firstOccurrence(slot, timeZone);
}

/** The first instant with the same local wall-clock time, when `at` lies in a repeated hour. */
function firstOccurrence(at: Date, timeZone: string): Date {
  const shift = offsetMs(new Date(at.getTime() - 3 * 3_600_000), timeZone) - offsetMs(at, timeZone);
  if (shift <= 0) return at;
  const earlier = new Date(at.getTime() - shift);
  return offsetMs(earlier, timeZone) - offsetMs(at, timeZone) === shift ? earlier : at;
}

/** Throws with cron-parser's explanation when an expression is not valid. */
export function assertCron(cron: string): void {
  CronExpressionParser.parse(cron, { strict: false });
  if (cron.trim().split(/\s+/).length !== 5) throw new Error(`expected five cron fields (minute hour day month weekday), got "${cron}"`);
}

/**
 * The earliest slot from which at most `limit` slots of `cron` fall in `[start, until]`, where
 * `first` is the first slot due: `first` itself when there are no more than `limit`. Found by
 * bisecting time, so a jump of centuries costs a few thousand cron steps, not one per slot.
 */
export function latestSlotsFrom(cron: string, timeZone: string, first: Date, until: Date, limit: number): Date {
  const count = (after: number): number => {
    const it = CronExpressionParser.parse(cron, { currentDate: new Date(after), endDate: until, tz: timeZone });
    let n = 0;
    while (n <= limit && it.hasNext()) {
      it.next();
      n++;
    }
    return n;
  };
  let lo = first.getTime() - 1;
  if (count(lo) <= limit) return first;
  let hi = until.getTime();
  // Slots are whole minutes: once the interval is shorter, the answer is the next slot after `lo`'s end.
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (count(mid) > limit) lo = mid;
    else hi = mid;
  }
  return nextSlot(cron, timeZone, new Date(hi));
}

/**
 * A cron expression for one local minute (it recurs yearly): how a one-off wake-up (a deadline,
 * a campaign's start or end) is put on a cron scheduler; the timer replaces it after it runs.
 */
export function cronAt(at: number, timeZone: string): string {
  const [day, time] = localDateTime(new Date(at), timeZone).split(' ') as [string, string];
  const [, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return `${minute} ${hour} ${date} ${month} *`;
}
