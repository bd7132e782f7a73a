/**
 * The scheduler port. Features register jobs with a cron expression in a named time zone; the
 * infrastructure decides when to wake them (node-cron in production, `tick` lines in `simulate`).
 * A job receives the slot it runs for, so it can record `(job, slot)` and never do a slot twice.
 */
export interface ScheduledJob {
  /** Unique, stable name, e.g. `quiet.scan` or `content:daily-reminder`. */
  readonly id: string;
  /** Five-field cron expression. */
  readonly cron: string;
  readonly timeZone: string;
  /** Runs the job for the slot that became due. May be async (it may send messages). */
  run(slot: Date): void | Promise<void>;
}

export interface Scheduler {
  add(job: ScheduledJob): void;
  remove(id: string): void;
  start(): void;
  stop(): void;
}
