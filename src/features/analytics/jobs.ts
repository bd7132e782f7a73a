import { addDays, localDay, weekStart } from '../../core/clock.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import type { Outbound } from '../../core/outbound.ts';
import { renderPlain } from '../../core/outbound.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import { summaryBody } from './render.ts';
import type { AnalyticsService } from './service.ts';

/**
 * Daily at `rollupAt` (community zone): rolls up the day before, so the report reads finished
 * days from `analytics_days` instead of scanning every activity row. Idempotent: each day once.
 */
export function rollupJob(deps: { analytics: AnalyticsService; rollupAt: string; timeZone: string }): ScheduledJob {
  const [hour, minute] = deps.rollupAt.split(':').map(Number) as [number, number];
  return {
    id: 'analytics.rollup',
    cron: `${minute} ${hour} * * *`,
    timeZone: deps.timeZone,
    run(slot) {
      deps.analytics.rollUp(addDays(localDay(slot, deps.timeZone), -1));
    },
  };
}

export interface DigestJobDeps {
  readonly analytics: AnalyticsService;
  readonly db: Db;
  readonly translator: Translator;
  readonly cron: string;
  readonly timeZone: string;
  readonly locale: Locale;
  readonly staffChat: string | undefined;
  /** The digest is written to the outbox in the transaction that claims its week, sent after commit. */
  readonly delivery: Delivery;
}

/**
 * The weekly digest to the staff chat: the report as of the Sunday before the slot. The week is
 * claimed in the same transaction that builds the body, before it is sent, so a double fire or a
 * restart posts it once. A week with nobody in the community sends nothing.
 */
export function digestJob(deps: DigestJobDeps): ScheduledJob {
  return {
    id: 'analytics.digest',
    cron: deps.cron,
    timeZone: deps.timeZone,
    async run(slot) {
      const staff = deps.staffChat;
      if (!staff) return;
      const lastWeek = addDays(weekStart(localDay(slot, deps.timeZone)), -7);
      deps.db.transaction(() => {
        const report = deps.analytics.report({ to: addDays(lastWeek, 6), locale: deps.locale });
        // A community with nobody in it last week (a new install) gets no digest of empty figures.
        const week = report.weekly.find((w) => w.week === lastWeek);
        if (!week || week.members === 0) return;
        const body = summaryBody(report, (k, p) => deps.translator.t(deps.locale, k, p));
        if (!deps.analytics.claimDigest(lastWeek, slot, staff, renderPlain(body))) return;
        const out: Outbound = { type: 'send', chat: parseChatKey(staff), body };
        deps.delivery.record(`analytics.digest:${lastWeek}`, [out]);
      });
      await deps.delivery.flush();
    },
  };
}
