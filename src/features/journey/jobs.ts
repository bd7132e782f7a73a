import { localDateTime, type Clock } from '../../core/clock.ts';
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

const WELCOME_JOB = 'journey.welcome';
const MINUTE = 60_000;

/**
 * Wakes the group welcome when the first waiting newcomer's batch is due, instead of polling:
 * a join moves the wake-up earlier; after each run the next one is read from the database, so a
 * restart picks up the queue where the last process left it.
 */
export class WelcomeTimer {
  private scheduler: Pick<Scheduler, 'add' | 'remove'> | undefined;
  private planned: number | undefined;

  constructor(private readonly deps: JourneyJobDeps) {
    deps.journey.onWelcomeQueued((at) => {
      if (this.planned === undefined || at < this.planned) this.plan(at);
    });
  }

  attach(scheduler: Pick<Scheduler, 'add' | 'remove'>): void {
    this.scheduler = scheduler;
    this.plan(this.deps.journey.nextWelcomeAt());
  }

  private plan(at: number | undefined): void {
    const { scheduler } = this;
    if (!scheduler) return;
    scheduler.remove(WELCOME_JOB);
    this.planned = undefined;
    if (at === undefined) return;
    const now = this.deps.clock.now().getTime();
    // Whole minutes (schedulers wake on minutes), never now or earlier.
    let minute = Math.ceil(at / MINUTE) * MINUTE;
    if (minute <= now) minute = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.planned = minute;
    scheduler.add(this.job(minute));
  }

  private job(minute: number): ScheduledJob {
    const { journey, db, clock, delivery } = this.deps;
    const [day, time] = localDateTime(new Date(minute), 'UTC').split(' ') as [string, string];
    const [, month, date] = day.split('-').map(Number) as [number, number, number];
    const [hour, min] = time.split(':').map(Number) as [number, number];
    return {
      id: WELCOME_JOB,
      cron: `${min} ${hour} ${date} ${month} *`,
      timeZone: 'UTC',
      run: async (slot) => {
        const now = clock.now() > slot ? clock.now() : slot;
        db.transaction(() => delivery.record(`journey.welcome:${now.getTime()}`, journey.flushWelcomes(now)));
        this.plan(journey.nextWelcomeAt());
        await delivery.flush();
      },
    };
  }
}
