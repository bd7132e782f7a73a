import type { Clock } from '../../core/clock.ts';
import { cronAt } from '../../core/cron.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob, Scheduler } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { FeedbackService } from './service.ts';

export interface FeedbackJobDeps {
  readonly feedback: FeedbackService;
  readonly db: Db;
  readonly clock: Clock;
  readonly timeZone: string;
  readonly digestCron: string;
  /** What a job says is written to the outbox in its transaction and sent after it commits. */
  readonly delivery: Delivery;
}

const DEADLINE_JOB = 'feedback.deadlines';
const MINUTE = 60_000;


/**
 * Wakes the deadline sweep at the next unrecorded reminder or deadline instead of every minute:
 * a minute-by-minute job would cost a simulated month 43,200 wake-ups for a handful of
 * reminders. New tickets and tasks move the wake-up earlier; after each sweep the next one is
 * read from the database, so a restart picks up where the last process stopped (a deadline
 * passed while it was down is swept in the first minute after start).
 */
export class DeadlineTimer {
  private scheduler: Pick<Scheduler, 'add' | 'remove'> | undefined;
  private planned: number | undefined;

  constructor(private readonly deps: FeedbackJobDeps) {
    deps.feedback.onDeadline((at) => {
      if (this.planned === undefined || at < this.planned) this.plan(at);
    });
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.scheduler = scheduler;
    this.plan(this.deps.feedback.nextDeadline());
  }

  private plan(at: number | undefined): void {
    const { scheduler } = this;
    if (!scheduler) return;
    scheduler.remove(DEADLINE_JOB);
    this.planned = undefined;
    if (at === undefined) return;
    const now = this.deps.clock.now().getTime();
    // Whole minutes (schedulers wake on minutes); never now or earlier, which a cron cannot name.
    let minute = Math.ceil(at / MINUTE) * MINUTE;
    if (minute <= now) minute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.planned = minute;
    scheduler.add(this.job(minute));
  }

  private job(minute: number): ScheduledJob {
    const { feedback, db, clock, timeZone, delivery } = this.deps;
    return {
      id: DEADLINE_JOB,
      cron: cronAt(minute, timeZone),
      timeZone,
      run: async (slot) => {
        const now = clock.now() > slot ? clock.now() : slot;
        db.transaction(() => delivery.record(`feedback.deadlines:${now.getTime()}`, feedback.sweep(now)));
        this.plan(feedback.nextDeadline());
        await delivery.flush();
      },
    };
  }
}

/**
 * The weekly digests (public and staff), decided in one transaction and sent after it commits; a
 * rerun of the slot sends nothing twice.
 */
export function feedbackDigestJob({ feedback, db, timeZone, digestCron, delivery }: FeedbackJobDeps): ScheduledJob {
  return {
    id: 'feedback.digest',
    cron: digestCron,
    timeZone,
    async run(slot) {
      db.transaction(() => delivery.record(`feedback.digest:${slot.getTime()}`, feedback.digest(slot)));
      await delivery.flush();
    },
  };
}
