import type { Clock } from '../../core/clock.ts';
import { previousSlot } from '../../core/cron.ts';
import { WakeTimer } from '../../core/wake-timer.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob, Scheduler } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { JourneyService } from './service.ts';

export interface JourneyJobDeps {
  readonly journey: JourneyService;
  readonly db: Db;
  readonly clock: Clock;
  readonly delivery: Delivery;
}

/**
 * Daily at `journey.sendAt` in every zone a member's days may be counted in (the community's and
 * each configured group's): the calendar, stage messages, anniversaries, birthdays and recaps of
 * that zone's day. Each moment is claimed in the transaction that records its message in the
 * outbox, so a double fire or a restart sends nothing twice.
 */
export function journeyMomentsJobs({ journey, db, delivery }: JourneyJobDeps, sendAt: string, zones: readonly string[]): ScheduledJob[] {
  const [hour, minute] = sendAt.split(':').map(Number) as [number, number];
  return zones.map((zone) => ({
    id: `journey.moments:${zone}`,
    cron: `${minute} ${hour} * * *`,
    timeZone: zone,
    async run(slot: Date) {
      const outs = db.transaction(() => {
        const found = journey.momentsIn(zone, slot);
        delivery.record(`journey.moments:${zone}:${slot.getTime()}`, found);
        return found;
      });
      if (outs.length > 0) await delivery.flush();
    },
  }));
}

/**
 * On start: the journey moments that fell due while the bot was down (see `JourneyService.catchUp`),
 * judged from each zone's last `sendAt` slot before now, recorded in the outbox in one transaction
 * and sent. A second start finds every moment claimed and sends nothing.
 */
export async function journeyCatchUp({ journey, db, delivery }: JourneyJobDeps, sendAt: string, now: Date): Promise<void> {
  const [hour, minute] = sendAt.split(':').map(Number) as [number, number];
  const outs = db.transaction(() => {
    const found = journey.catchUp(now, (zone) => previousSlot(`${minute} ${hour} * * *`, zone, now));
    delivery.record(`journey.catch-up:${now.getTime()}`, found);
    return found;
  });
  if (outs.length > 0) await delivery.flush();
}

/**
 * Wakes the group welcome when the first waiting newcomer's batch is due (see `WakeTimer`): a
 * join moves the wake-up earlier, and a restart picks the queue up from the database.
 */
export class WelcomeTimer {
  private readonly timer: WakeTimer;

  constructor({ journey, db, clock, delivery }: JourneyJobDeps) {
    this.timer = new WakeTimer({
      id: 'journey.welcome',
      clock,
      timeZone: 'UTC',
      next: () => journey.nextWelcomeAt(),
      run: (now) => db.transaction(() => delivery.record(`journey.welcome:${now.getTime()}`, journey.flushWelcomes(now))),
      after: () => delivery.flush(),
    });
    journey.onWelcomeQueued((at) => this.timer.wakeBy(at));
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.timer.attach(scheduler);
  }
}
