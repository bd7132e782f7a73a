import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { LadderService } from './service.ts';

export interface ReviewJobDeps {
  readonly ladder: LadderService;
  readonly db: Db;
  /** `HH:MM` in `timeZone`. */
  readonly reviewAt: string;
  readonly timeZone: string;
  readonly delivery: Delivery;
}

/**
 * The daily tier review (`tiers.review`). The review is decided from state — who meets which
 * rules, who was warned, which invites ran out — so a double fire or a restart changes nothing
 * the first run did not; its messages go to the outbox in the same transaction.
 */
export function tierReviewJob({ ladder, db, reviewAt, timeZone, delivery }: ReviewJobDeps): ScheduledJob {
  const [hour, minute] = reviewAt.split(':').map(Number) as [number, number];
  return {
    id: 'tiers.review',
    cron: `${minute} ${hour} * * *`,
    timeZone,
    async run(slot) {
      db.transaction(() => delivery.record(`tiers.review:${slot.getTime()}`, ladder.review(slot, null).outs));
      await delivery.flush();
    },
  };
}
