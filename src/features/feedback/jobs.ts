import type { Clock } from '../../core/clock.ts';
import { WakeTimer } from '../../core/wake-timer.ts';
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

/**
 * Wakes the deadline sweep at the next unrecorded reminder or deadline (see `WakeTimer`): new
 * tickets and tasks move the wake-up earlier.
 */
export class DeadlineTimer {
  private readonly timer: WakeTimer;

  constructor(deps: FeedbackJobDeps) {
    const { feedback, db, clock, timeZone, delivery } = deps;
    this.timer = new WakeTimer({
      id: 'feedback.deadlines',
      clock,
      timeZone,
      next: () => feedback.nextDeadline(),
      run: (now) => db.transaction(() => delivery.record(`feedback.deadlines:${now.getTime()}`, feedback.sweep(now))),
      after: () => delivery.flush(),
    });
    feedback.onDeadline((at) => this.timer.wakeBy(at));
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.timer.attach(scheduler);
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
