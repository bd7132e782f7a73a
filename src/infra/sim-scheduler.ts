import type { FakeClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ScheduledJob, Scheduler } from '../core/scheduler.ts';
import { latestSlotsFrom, nextSlot } from '../core/cron.ts';

/** Slots of one job a single jump of the clock skipped, because more were due than it replays. */
export interface SkippedSlots {
  readonly job: string;
  /** The first skipped slot, and the first slot that still runs. */
  readonly from: Date;
  readonly resumeAt: Date;
}

export interface SimSchedulerOptions {
  /**
   * At most this many slots of one job run in one `advanceTo`; older ones are skipped (and
   * reported), as a production process that was not running never replays what it missed. A
   * tick a year ahead then costs at most this many runs of an hourly job, not 8,760.
   */
  readonly maxSlotsPerAdvance?: number;
  readonly onSkipped?: (skipped: SkippedSlots) => void;
}

/** The default bound on slots one job replays per jump: six weeks of an hourly job. */
export const DEFAULT_MAX_SLOTS_PER_ADVANCE = 1000;

/**
 * The scheduler `simulate` and tests use: nothing runs by itself; `advanceTo(t)` moves the fake
 * clock forward through every slot that falls due up to `t`, in time order, setting the clock to
 * each slot while its job runs, so output carries the slot's time. A job with more than a bounded
 * number of slots due runs only the latest of them.
 */
export class SimScheduler implements Scheduler {
  private readonly jobs = new Map<string, { job: ScheduledJob; next: Date }>();
  private readonly maxSlots: number;

  constructor(
    private readonly clock: FakeClock,
    private readonly logger: Logger,
    private readonly options: SimSchedulerOptions = {},
  ) {
    this.maxSlots = options.maxSlotsPerAdvance ?? DEFAULT_MAX_SLOTS_PER_ADVANCE;
  }

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
    for (const entry of this.jobs.values()) {
      if (entry.next > target) continue;
      const start = latestSlotsFrom(entry.job.cron, entry.job.timeZone, entry.next, target, this.maxSlots);
      if (start.getTime() === entry.next.getTime()) continue;
      const skipped = { job: entry.job.id, from: entry.next, resumeAt: start };
      this.logger.warn({ ...skipped, max: this.maxSlots }, 'simulated clock jumped past more slots than a job replays; older slots skipped');
      this.options.onSkipped?.(skipped);
      entry.next = start;
    }
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
