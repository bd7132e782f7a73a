import type { Clock } from './clock.ts';
import { cronAt } from './cron.ts';
import type { ScheduledJob, Scheduler } from './scheduler.ts';

const MINUTE = 60_000;

export interface WakeTimerOptions {
  /** The one job id the timer keeps registered. */
  readonly id: string;
  readonly clock: Clock;
  readonly timeZone: string;
  /** When the work is next due (ms), read from the database; undefined when nothing waits. */
  readonly next: () => number | undefined;
  /** Does what is due at `now` (synchronously, in its own transaction). */
  readonly run: (now: Date) => void;
  /** After the run and the next wake-up are planned (sending what the run recorded). */
  readonly after: () => Promise<void>;
}

/**
 * Wakes one piece of work at the minute it is next due instead of polling every minute: a
 * minute-by-minute job would cost a simulated month 43,200 wake-ups for a handful of due items.
 * `wakeBy` moves the wake-up earlier when new work comes; after each run the next time is read
 * again, so a restart picks up where the last process stopped (what fell due while it was down
 * runs in the first minute after start).
 */
export class WakeTimer {
  private scheduler: Pick<Scheduler, 'add' | 'remove'> | undefined;
  private planned: number | undefined;

  constructor(private readonly options: WakeTimerOptions) {}

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.scheduler = scheduler;
    this.plan(this.options.next());
  }

  /** New work due at `at` (ms): wake no later than then. */
  wakeBy(at: number): void {
    if (this.planned === undefined || at < this.planned) this.plan(at);
  }

  private plan(at: number | undefined): void {
    const { scheduler } = this;
    if (!scheduler) return;
    scheduler.remove(this.options.id);
    this.planned = undefined;
    if (at === undefined) return;
    const now = this.options.clock.now().getTime();
    // Whole minutes (schedulers wake on minutes); never now or earlier, which a cron cannot name.
    let minute = Math.ceil(at / MINUTE) * MINUTE;
    if (minute <= now) minute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.planned = minute;
    scheduler.add(this.job(minute));
  }

  private job(minute: number): ScheduledJob {
    const { id, clock, timeZone, run, next, after } = this.options;
    return {
      id,
      cron: cronAt(minute, timeZone),
      timeZone,
      run: async (slot) => {
        run(clock.now() > slot ? clock.now() : slot);
        this.plan(next());
        await after();
      },
    };
  }
}
