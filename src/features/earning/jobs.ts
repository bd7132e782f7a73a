import type { Translator } from '../../core/i18n.ts';
import type { Outbound } from '../../core/outbound.ts';
import type { Delivery } from '../../core/outbox.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { Db } from '../../db/open.ts';
import type { MembersService } from '../members/index.ts';
import type { EarningService } from './service.ts';

export interface ReferralJobDeps {
  readonly db: Db;
  readonly earning: EarningService;
  readonly members: MembersService;
  readonly translator: Translator;
  readonly timeZone: string;
  /** The DMs are written to the outbox in the settling transaction and sent after it commits. */
  readonly delivery: Delivery;
}

/**
 * Daily: pays inviters whose newcomers have stayed long enough and checked in, then tells them by
 * DM. Settling is idempotent, so a double fire or a restart pays nothing twice.
 */
export function referralJob(deps: ReferralJobDeps): ScheduledJob {
  return {
    id: 'earning.referrals',
    cron: '0 9 * * *',
    timeZone: deps.timeZone,
    async run(slot) {
      deps.db.transaction(() => {
        const outs = deps.earning.settleReferrals(slot).flatMap((r): Outbound[] => {
          const inviter = deps.members.target(r.inviterId);
          const row = deps.members.get(r.inviterId);
          if (!inviter || !row) return [];
          const newcomer = deps.members.get(r.newcomerId)?.name ?? '';
          const body = deps.translator.t(deps.members.localeOf(row), 'earning.referral_paid', { name: newcomer, points: r.points });
          return [{ type: 'dm', user: inviter.user, name: inviter.name, body }];
        });
        deps.delivery.record(`earning.referrals:${slot.getTime()}`, outs);
      });
      await deps.delivery.flush();
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * Daily (`earning.text-retention`): blanks the texts of posts older than `days`, kept only for
 * the near-duplicate filter (which looks back 24 hours). The rows stay — daily caps and counts
 * read them — without what the member wrote. Re-running it changes nothing.
 */
export function textRetentionJob(deps: { readonly db: Db; readonly days: number; readonly timeZone: string }): ScheduledJob {
  return {
    id: 'earning.text-retention',
    cron: '30 3 * * *',
    timeZone: deps.timeZone,
    run(slot) {
      deps.db.sqlite.prepare("UPDATE earn_posts SET fingerprint = '' WHERE at < ? AND fingerprint <> ''").run(slot.getTime() - deps.days * DAY_MS);
    },
  };
}
