import type { Clock } from '../../core/clock.ts';
import { cronAt } from '../../core/cron.ts';
import type { Logger } from '../../core/logger.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob, Scheduler } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { CampaignService } from './service.ts';

const TIMER_JOB = 'campaigns.timer';
const MINUTE = 60_000;

export interface CampaignTimerDeps {
  readonly campaigns: CampaignService;
  readonly db: Db;
  readonly clock: Clock;
  readonly timeZone: string;
  readonly delivery: Delivery;
  readonly logger: Logger;
}

/**
 * Wakes the campaign sweep at the next moment a campaign needs (its start, a reminder, its end)
 * instead of every minute. After each sweep the next moment is read from the database, so a
 * restart picks up where the last process stopped: a start or end passed while it was down is
 * handled in the first minute after start, and what was done already (announced, reminded,
 * closed) is recorded and not done again.
 */
export class CampaignTimer {
  private scheduler: Pick<Scheduler, 'add' | 'remove'> | undefined;
  private planned: number | undefined;

  constructor(private readonly deps: CampaignTimerDeps) {
    deps.campaigns.onChange(() => {
      const next = deps.campaigns.nextMoment();
      if (next !== this.planned) this.plan(next);
    });
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.scheduler = scheduler;
    this.plan(this.deps.campaigns.nextMoment());
  }

  private plan(at: number | undefined): void {
    const { scheduler } = this;
    if (!scheduler) return;
    scheduler.remove(TIMER_JOB);
    this.planned = undefined;
    if (at === undefined) return;
    const now = this.deps.clock.now().getTime();
    // Whole minutes (schedulers wake on minutes); never now or earlier, which a cron cannot name.
    let minute = Math.ceil(at / MINUTE) * MINUTE;
    if (minute <= now) minute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.planned = at;
    scheduler.add(this.job(minute));
  }

  private job(minute: number): ScheduledJob {
    const { campaigns, db, clock, timeZone, delivery } = this.deps;
    return {
      id: TIMER_JOB,
      cron: cronAt(minute, timeZone),
      timeZone,
      run: async (slot) => {
        const now = clock.now() > slot ? clock.now() : slot;
        db.transaction(() => delivery.record(`campaigns:${now.getTime()}`, campaigns.sweep(now)));
        this.plan(campaigns.nextMoment());
        await delivery.flush();
      },
    };
  }
}
