import type { Logger } from '../../core/logger.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { OutboxService } from './service.ts';

export interface OutboxRetentionJobDeps {
  readonly outbox: OutboxService;
  readonly timeZone: string;
  readonly logger: Logger;
  /** Between two deletion batches (default: the next turn of the event loop, so events go on being handled). */
  readonly pause?: () => Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Daily at 04:15 in the community's zone (`outbox.retention`): deletes the sent, failed and
 * expired messages older than `delivery.keepDays`, in bounded batches; pending ones stay. A
 * re-run or a double fire deletes nothing more.
 */
export function outboxRetentionJob(deps: OutboxRetentionJobDeps): ScheduledJob {
  return {
    id: 'outbox.retention',
    cron: '15 4 * * *',
    timeZone: deps.timeZone,
    async run(slot) {
      const deleted = await deps.outbox.purgeSettled(slot, deps.pause ?? nextTurn);
      if (deleted > 0) deps.logger.info({ deleted, before: new Date(deps.outbox.retentionCutoff(slot)).toISOString() }, 'outbox: settled messages past retention deleted');
    },
  };
}
