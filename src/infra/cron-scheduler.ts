import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ScheduledJob, Scheduler } from '../core/scheduler.ts';

/**
 * The production scheduler. node-cron only wakes jobs; the job is told its slot (the wake-up time
 * truncated to the minute) and records it, so a double fire never does a slot twice.
 */
export class CronScheduler implements Scheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly jobs = new Map<string, ScheduledJob>();
  private started = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  add(job: ScheduledJob): void {
    this.remove(job.id);
    this.jobs.set(job.id, job);
    if (this.started) this.schedule(job);
  }

  remove(id: string): void {
    void this.tasks.get(id)?.destroy();
    this.tasks.delete(id);
    this.jobs.delete(id);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs.values()) this.schedule(job);
  }

  stop(): void {
    this.started = false;
    for (const t of this.tasks.values()) void t.destroy();
    this.tasks.clear();
  }

  private schedule(job: ScheduledJob): void {
    const task = cron.schedule(
      job.cron,
      async () => {
        const slot = new Date(Math.floor(this.clock.now().getTime() / 60_000) * 60_000);
        try {
          await job.run(slot);
        } catch (err) {
          this.logger.error({ err, job: job.id, slot }, 'scheduled job failed');
        }
      },
      { timezone: job.timeZone, name: job.id, noOverlap: true },
    );
    this.tasks.set(job.id, task);
  }
}
