import type { FakeClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ScheduledJob, Scheduler } from '../core/scheduler.ts';
import { nextSlot } from '../core/cron.ts';

/**
 * The scheduler `simulate` and tests use: nothing runs by itself; `advanceTo(t)` moves the fake
 * clock forward through every slot that falls due up to `t`, in time order, setting the clock to
 * each slot while its job runs, so output carries the slot's time.
 */
export class SimScheduler implements Scheduler {
  private readonly jobs = new Map<string, { job: ScheduledJob; next: Date }>();

  constructor(
    private readonly clock: FakeClock,
    private readonly logger: Logger,
  ) {}

  add(job: ScheduledJob): void {
    this.jobs.set(job.id, { job, next: nextSlot(job.cron, job.timeZone, this.clock.now()) });
  }

  remove(id: string): void {
    this.jobs.delete(id);
  }

  start(): void {}
  stop(): void {}

  /** Runs every slot due up to `target`, then leaves the clock at `target`. */
  async advanceTo(target: Date): Promise<void> {
    for (;;) {
      let due: { job: ScheduledJob; next: Date } | undefined;
      for (const entry of this.jobs.values()) {
        if (entry.next <= target && (!due || entry.next < due.next)) due = entry;
      }
      if (!due) break;
      const slot = due.next;
      due.next = nextSlot(due.job.cron, due.job.timeZone, slot);
      if (slot > this.clock.now()) this.clock.set(slot);
      try {
        await due.job.run(slot);
      } catch (err) {
        this.logger.error({ err, job: due.job.id, slot }, 'scheduled job failed');
      }
    }
    if (target > this.clock.now()) this.clock.set(target);
  }
}
