import type { CommandSpec } from '../core/command.ts';
import type { Translator } from '../core/i18n.ts';
import { checkinCommands, type CheckinService } from '../features/checkin/index.ts';
import { contentCommands, type ContentService } from '../features/content/index.ts';
import { groupsCommands, type GroupService } from '../features/groups/index.ts';
import { membersCommands, type MemberDataService, type MembersService } from '../features/members/index.ts';
import { linkingCommands, type LinkService } from '../features/linking/index.ts';
import { privacyCommands, type PrivacyService } from '../features/privacy/index.ts';
import { pointsCommands, type PointsService } from '../features/points/index.ts';
import { quietCommands, type QuietService } from '../features/quiet/index.ts';
import type { AuditService } from '../features/audit/index.ts';
import { analyticsCommands, type AnalyticsService } from '../features/analytics/index.ts';
import { earningCommands, type EarningService } from '../features/earning/index.ts';
import { shopCommands, type ShopService } from '../features/shop/index.ts';
import { outboxCommands, type OutboxService } from '../features/outbox/index.ts';
import { feedbackCommands, type FeedbackService } from '../features/feedback/index.ts';
import { campaignCommands, type CampaignService } from '../features/campaigns/index.ts';
import type { Locale } from '../core/i18n.ts';
import { tierCommands, type LadderService, type TierService } from '../features/tiers/index.ts';
import { purchasesCommands, type PurchasesService } from '../features/purchases/index.ts';
import { journeyCommands, type JourneyService } from '../features/journey/index.ts';
import { dashboardCommands, type DashboardService } from '../features/dashboard/index.ts';
import { helpCommand } from './help.ts';

/** The feature services of one running bot; each feature owns one. */
export interface Services {
  readonly members: MembersService;
  /** Merges, erasures and exports of a member's data across every feature. */
  readonly memberData: MemberDataService;
  readonly link: LinkService;
  readonly privacy: PrivacyService;
  readonly groups: GroupService;
  readonly tiers: TierService;
  readonly ladder: LadderService;
  readonly purchases: PurchasesService;
  readonly audit: AuditService;
  readonly points: PointsService;
  readonly checkins: CheckinService;
  readonly content: ContentService;
  readonly quiet: QuietService;
  readonly earning: EarningService;
  readonly shop: ShopService;
  readonly analytics: AnalyticsService;
  readonly outbox: OutboxService;
  readonly feedback: FeedbackService;
  readonly campaigns: CampaignService;
  readonly journey: JourneyService;
  readonly dashboard: DashboardService;
}

/** What the command table's handlers call: the services plus the community settings they read. */
export interface CommandServices extends Services {
  readonly translator: Translator;
  readonly timeZone: string;
  /** The staff chat (`platform:chat-id`) for operator alerts, and the language they are written in. */
  readonly staffChat: string | undefined;
  readonly staffLocale: Locale;
}

/**
 * The one command table: every command Hearth answers, with its aliases, arguments, minimum
 * role, scope and cooldown. The dispatcher checks permissions from here and nowhere else.
 */
export function buildCommandTable(s: CommandServices): readonly CommandSpec[] {
  const table: CommandSpec[] = [];
  table.push(
    helpCommand(() => table, s.translator),
    ...checkinCommands(s.checkins),
    ...pointsCommands({ points: s.points, timeZone: s.timeZone, tiers: s.tiers }),
    ...membersCommands(s.members),
    ...privacyCommands(s.privacy, s.dashboard),
    ...linkingCommands({ link: s.link, members: s.members, points: s.points, checkins: s.checkins, timeZone: s.timeZone }),
    ...groupsCommands(s.groups, s.tiers),
    ...contentCommands({ content: s.content, groups: s.groups }),
    ...quietCommands(s.quiet, s.staffChat, { desk: s.feedback, members: s.members }),
    ...earningCommands(s.earning, s.members, s.translator),
    ...tierCommands({ ladder: s.ladder, tiers: s.tiers, members: s.members, timeZone: s.timeZone }),
    ...purchasesCommands(s.purchases),
    ...shopCommands({ shop: s.shop, points: s.points, members: s.members, audit: s.audit, translator: s.translator, staffChat: s.staffChat, staffLocale: s.staffLocale }),
    ...analyticsCommands(s.analytics, s.staffChat),
    ...outboxCommands(s.outbox),
    ...feedbackCommands({ feedback: s.feedback, members: s.members, staffChat: s.staffChat }),
    ...campaignCommands(s.campaigns),
    ...journeyCommands({ journey: s.journey, points: s.points, checkins: s.checkins, ladder: s.ladder, tiers: s.tiers, timeZone: s.timeZone }),
    ...dashboardCommands(s.dashboard, s.staffChat),
  );
  return table;
}
