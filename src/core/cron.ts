import { CronExpressionParser } from 'cron-parser';

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
 * The latest slot at or before `at`, if any. cron-parser's `prev()` skips a slot that fell into a
 * spring-forward gap (it finds Saturday's 02:30 at 04:00 on the spring-forward Sunday, while
 * `next()` yields Sunday 03:30), so the answer is checked against `nextSlot` and moved forward
 * while a later slot still lies at or before `at`: both directions then agree.
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
  return slot;
}

/** Throws with cron-parser's explanation when an expression is not valid. */
export function assertCron(cron: string): void {
  CronExpressionParser.parse(cron, { strict: false });
  if (cron.trim().split(/\s+/).length !== 5) throw new Error(`expected five cron fields (minute hour day month weekday), got "${cron}"`);
}
