import { CronExpressionParser } from 'cron-parser';

/**
 * Cron slot arithmetic in a named time zone, shared by the simulated scheduler and the catch-up
 * logic. cron-parser handles daylight saving: a slot inside a spring-forward gap does not exist
 * and a slot in a repeated hour occurs once.
 */
export function nextSlot(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
}

/** The latest slot at or before `at`, if any. */
export function previousSlot(cron: string, timeZone: string, at: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1), tz: timeZone }).prev().toDate();
  } catch {
    return undefined;
  }
}

/** Throws with cron-parser's explanation when an expression is not valid. */
export function assertCron(cron: string): void {
  CronExpressionParser.parse(cron, { strict: false });
  if (cron.trim().split(/\s+/).length !== 5) throw new Error(`expected five cron fields (minute hour day month weekday), got "${cron}"`);
}
