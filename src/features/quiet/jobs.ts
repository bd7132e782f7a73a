import type { Outbound } from '../../core/outbound.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { QuietService } from './service.ts';

export interface QuietJobDeps {
  readonly quiet: QuietService;
  readonly db: Db;
  /** `HH:MM` in `timeZone`. */
  readonly scanAt: string;
  readonly timeZone: string;
  /** The digest is written to the outbox in the scan's transaction and sent after it commits. */
  readonly delivery: Delivery;
  /** Runs in the scan's transaction after it (one-to-one follow-ups for the new high-value flags); what it returns is sent too. */
  readonly afterScan?: (slot: Date) => Outbound[];
}

/**
 * The daily quiet-member scan (`quiet.scan`), once a day at `scanAt` in the community's zone.
 * The scan and the digest are built in one transaction; the digest is sent after it commits.
 * Running a slot twice (a double fire, a restart) flags nobody twice: the scan is idempotent.
 */
export function quietScanJob({ quiet, db, scanAt, timeZone, delivery, afterScan }: QuietJobDeps): ScheduledJob {
  const [hour, minute] = scanAt.split(':').map(Number) as [number, number];
  return {
    id: 'quiet.scan',
    cron: `${minute} ${hour} * * *`,
    timeZone,
    async run(slot) {
      db.transaction(() => delivery.record(`quiet.scan:${slot.getTime()}`, [...quiet.digest(quiet.scan(slot), slot), ...(afterScan?.(slot) ?? [])]));
      await delivery.flush();
    },
  };
}
