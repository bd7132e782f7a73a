import type { Outbound } from '../../core/outbound.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { LadderService } from './service.ts';

export interface ReviewJobDeps {
  readonly ladder: LadderService;
  /** `HH:MM` in `timeZone`. */
  readonly reviewAt: string;
  readonly timeZone: string;
  readonly deliver: (outs: readonly Outbound[]) => Promise<void>;
}

/**
 * The daily tier review (`tiers.review`). The review is decided from state — who meets which
 * rules, who was warned, which invites ran out — so a double fire or a restart changes nothing
 * the first run did not; messages go out after its transaction commits.
 */
export function tierReviewJob({ ladder, reviewAt, timeZone, deliver }: ReviewJobDeps): ScheduledJob {
  const [hour, minute] = reviewAt.split(':').map(Number) as [number, number];
  return {
    id: 'tiers.review',
    cron: `${minute} ${hour} * * *`,
    timeZone,
    async run(slot) {
      const { outs } = ladder.review(slot, null);
      await deliver(outs);
    },
  };
}
