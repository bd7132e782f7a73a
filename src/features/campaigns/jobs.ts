import type { Clock } from '../../core/clock.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { Scheduler } from '../../core/scheduler.ts';
import { WakeTimer } from '../../core/wake-timer.ts';
import type { Db } from '../../db/open.ts';
import type { CampaignService } from './service.ts';

export interface CampaignTimerDeps {
  readonly campaigns: CampaignService;
  readonly db: Db;
  readonly clock: Clock;
  readonly timeZone: string;
  readonly delivery: Delivery;
}

/**
 * Wakes the campaign sweep at the next moment a campaign needs (its start, a reminder, its end;
 * see `WakeTimer`) instead of every minute. After each sweep the next moment is read from the
 * database, so a restart picks up where the last process stopped: a start or end passed while it
 * was down is handled in the first minute after start, and what was done already (announced,
 * reminded, closed) is recorded and not done again. A new or changed campaign moves the wake-up
 * earlier; a wake-up that finds nothing due (a campaign closed early) only plans the next one.
 */
export class CampaignTimer {
  private readonly timer: WakeTimer;

  constructor(deps: CampaignTimerDeps) {
    const { campaigns, db, clock, timeZone, delivery } = deps;
    this.timer = new WakeTimer({
      id: 'campaigns.timer',
      clock,
      timeZone,
      next: () => campaigns.nextMoment(),
      run: (now) => db.transaction(() => delivery.record(`campaigns:${now.getTime()}`, campaigns.sweep(now))),
      after: () => delivery.flush(),
    });
    campaigns.onChange(() => {
      const next = campaigns.nextMoment();
      if (next !== undefined) this.timer.wakeBy(next);
    });
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.timer.attach(scheduler);
  }
}
