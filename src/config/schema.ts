import { z } from 'zod';
import { isTimeZone } from '../core/clock.ts';
import { assertCron } from '../core/cron.ts';
import { LOCALES } from '../core/i18n.ts';
import { PLATFORMS } from '../core/ids.ts';
import { NOTICE_MODES } from '../core/notices.ts';
import { ROLES } from '../core/roles.ts';

function isCron(value: string): boolean {
  try {
    assertCron(value);
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' });
const platformKey = z
  .string()
  .regex(new RegExp(`^(${PLATFORMS.join('|')}):.+$`), { message: `expected platform:id with platform one of ${PLATFORMS.join(', ')}` });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected HH:MM such as 09:00' });
const localised = z.union([z.string(), z.object({ 'zh-CN': z.string(), en: z.string() }).strict()]);

const requirement = z.number().int().nonnegative();

/**
 * A platform role's id. Discord's are 17–20 digit snowflakes, which YAML reads, unquoted, as
 * numbers too large to keep exactly: a number is refused with the fix rather than rounded.
 */
const platformRoleId = z
  .string({ error: (issue) => (typeof issue.input === 'number' ? 'put the role id in quotes ("1234…"): YAML reads a long number unquoted and rounds it' : 'expected a role id') })
  .regex(/^\S+$/, { message: 'expected a role id' });

/**
 * One set of requirements a member must meet all of. Activity figures (`activeDays`, `posts`,
 * `shares`) count the last `ladder.windowDays` days; `streak` is the check-in streak still alive;
 * `orders` and `spend` are recorded purchases (lifetime); `daysInTier` is time in the current tier.
 */
export const tierRuleSchema = z
  .object({
    lifetimePoints: requirement.optional(),
    activeDays: requirement.optional(),
    streak: requirement.optional(),
    posts: requirement.optional(),
    shares: requirement.optional(),
    orders: requirement.optional(),
    /** Recorded purchase amount, in the shop's currency. */
    spend: z.number().nonnegative().optional(),
    daysInTier: requirement.optional(),
  })
  .strict()
  .refine((r) => Object.keys(r).length > 0, { message: 'expected at least one requirement (lifetimePoints, activeDays, streak, posts, shares, orders, spend, daysInTier)' });

/** One requirement set, or a list of alternatives (met when any one set is met in full). */
const tierRules = z.union([tierRuleSchema, z.array(tierRuleSchema).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const tierSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a lowercase id such as basic' }),
    name: localised,
    /** Every earning rule's points are multiplied by this. */
    multiplier: z.number().positive().default(1),
    /** What a member must meet to be promoted into this tier (not on the first tier). */
    entry: tierRules.optional(),
    /** What a member of this tier must keep meeting; omit to keep the tier for good. */
    keep: tierRules.optional(),
    /** Days between the warning and the demotion, during which meeting the keep rules again cancels it. */
    graceDays: z.number().int().min(1).max(365).default(14),
    /** What the tier gives, told to a member when they are promoted into it. */
    perks: localised.optional(),
    /**
     * The platform role that is this tier in a space (`discord:<guild-id>` → role id): granted on
     * promotion, removed on demotion, where the platform's adapter grants roles (`role-grant`).
     */
    roles: z.record(platformKey, platformRoleId).default({}),
  })
  .strict();

/**
 * How task and milestone notices reach a member (`public` in the group, `dm`, or `silent`): for the
 * community (`notices:`) and per group (`groups[].notices`, which wins).
 */
export const noticesSchema = z
  .object({
    /** A new-member task done (first check-in, post, share) and the bonus for all of them. */
    tasks: z.enum(NOTICE_MODES).optional(),
    /** A milestone reached (`journey.milestones`). */
    milestones: z.enum(NOTICE_MODES).optional(),
  })
  .strict();

export const groupSchema = z
  .object({
    /** This group's notice modes, over the community's `notices`. */
    notices: noticesSchema.optional(),
    chat: platformKey,
    tier: z.string(),
    /** Overrides the community's time zone for day boundaries in this group. */
    timezone: timeZone.optional(),
    title: z.string().optional(),
  })
  .strict();

export const checkinRuleSchema = z
  .object({
    base: z.number().int().nonnegative().default(10),
    /** Extra points per consecutive day after the first. */
    streakBonus: z.number().int().nonnegative().default(2),
    /** The most the streak bonus can add. */
    streakBonusCap: z.number().int().nonnegative().default(20),
  })
  .strict();

/** Points for ordinary posts in a bound group, with the anti-farming limits. */
export const postRuleSchema = z
  .object({
    points: z.number().int().nonnegative().default(2),
    /** Characters of text a post needs (images and videos count whatever their caption). */
    minLength: z.number().int().nonnegative().default(10),
    /** Seconds after a paid post before the same member's next post can pay. */
    cooldownSec: z.number().int().nonnegative().default(60),
    /** Paid posts per member per local day. */
    perDay: z.number().int().nonnegative().default(10),
    /** Text this similar (0–1, bigram overlap) to the member's post in the last 24 hours earns nothing. */
    duplicateSimilarity: z.number().min(0).max(1).default(0.85),
  })
  .strict();

/** Points for shares: links, forwards, share cards. */
export const shareRuleSchema = z
  .object({
    points: z.number().int().nonnegative().default(5),
    /** Paid (or queued) shares per member per local day. */
    perDay: z.number().int().nonnegative().default(3),
    /** When set, only links to these domains (and their subdomains) count; forwards and cards always count. */
    domains: z.array(z.string().min(1)).default([]),
    /** Queue shares for a moderator (`/claims`) instead of paying at once. */
    review: z.boolean().default(false),
  })
  .strict();

/** Points an inviter earns once the newcomer has stayed and checked in. */
export const referralRuleSchema = z
  .object({
    points: z.number().int().nonnegative().default(50),
    /** Days the newcomer must stay before the inviter is paid. */
    stayDays: z.number().int().positive().default(7),
    /** Named invite links (`spring-poster`) that pay a member (`platform:user-id`). */
    links: z.record(z.string(), platformKey).default({}),
  })
  .strict();

/** One-time bonuses for the new-member tasks and for finishing all of them. */
export const tasksRuleSchema = z
  .object({
    /** 0 by default: the check-in already pays, and its reply states the balance it made. */
    firstCheckin: z.number().int().nonnegative().default(0),
    firstPost: z.number().int().nonnegative().default(5),
    firstShare: z.number().int().nonnegative().default(5),
    completion: z.number().int().nonnegative().default(20),
  })
  .strict();

/** A boost planned in config: every earning is multiplied by `factor` between `from` and `until`. */
export const scheduledBoostSchema = z
  .object({
    factor: z.number().min(1).max(10),
    from: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }),
    /** Only these groups (`platform:chat-id`); the whole community when omitted. */
    groups: z.array(platformKey).optional(),
  })
  .strict()
  .refine((b) => new Date(b.until) > new Date(b.from), { message: 'until must be after from', path: ['until'] });

export const earningSchema = z
  .object({
    checkin: checkinRuleSchema.default(checkinRuleSchema.parse({})),
    post: postRuleSchema.default(postRuleSchema.parse({})),
    share: shareRuleSchema.default(shareRuleSchema.parse({})),
    referral: referralRuleSchema.default(referralRuleSchema.parse({})),
    tasks: tasksRuleSchema.default(tasksRuleSchema.parse({})),
    boosts: z.array(scheduledBoostSchema).default([]),
  })
  .strict();

export const rolesSchema = z
  .object({
    owners: z.array(platformKey).default([]),
    operators: z.array(platformKey).default([]),
    moderators: z.array(platformKey).default([]),
    /** The Hearth role a platform group admin gets, where the adapter can tell (`platform-roles`). */
    platformAdmins: z.enum(ROLES).default('moderator'),
  })
  .strict();

export const staffSchema = z
  .object({
    /** The moderators' chat (`platform:chat-id`) where review digests and operator alerts go. */
    chat: platformKey.optional(),
  })
  .strict();

/** `posts:` — how scheduled content (content/posts/*.md) is run and broadcast. */
export const postsSchema = z
  .object({
    /**
     * On start, the latest slot missed within this many minutes is posted once (node-cron does not
     * catch up); a slot whose wake-up comes later than this is not posted at all.
     */
    catchUpMinutes: z.number().int().nonnegative().default(15),
    /** A group's language for posts (`platform:chat-id` → locale); others use `community.locale`. */
    groupLocales: z.record(platformKey, z.enum(LOCALES)).default({}),
  })
  .strict();

const count = z.number().int().positive();

/** How fast the bot may talk on a platform (its account) and in each chat; see `src/core/send-policy.ts`. */
export const sendPolicySchema = z
  .object({
    minGapMs: z.number().int().nonnegative().optional(),
    jitterMs: z.number().int().nonnegative().optional(),
    perSecond: count.optional(),
    perMinute: count.optional(),
    perDay: count.optional(),
    chatMinGapMs: z.number().int().nonnegative().optional(),
    perChatPerMinute: count.optional(),
    perChatPerDay: count.optional(),
    /** Local time (community zone) in which broadcasts and bulk sends wait; replies still go. */
    quietHours: z.object({ from: hhmm, to: hhmm }).strict().optional(),
  })
  .strict();

const minutes = z.number().int().positive();

/** `delivery:` — the outbox: send policies per platform and chat, retry backoff, and how old a message may get. */
export const deliverySchema = z
  .object({
    policies: z.partialRecord(z.enum(PLATFORMS), sendPolicySchema).default({}),
    /** Per-chat overrides (`platform:chat-id`, or `platform:dm:user-id` for a private chat). */
    chats: z.record(z.string(), sendPolicySchema).default({}),
    /** Minutes a message may wait before it is marked expired instead of sent, per class. */
    maxAgeMinutes: z
      .object({ reply: minutes.default(360), staff: minutes.default(4320), direct: minutes.default(4320), broadcast: minutes.default(180), bulk: minutes.default(10080) })
      .strict()
      .default({ reply: 360, staff: 4320, direct: 4320, broadcast: 180, bulk: 10080 }),
    /** Backoff after a rate limit or network error: `baseMs` × 2^(attempt−1), at most `maxMs`. */
    retry: z
      .object({ baseMs: z.number().int().positive().default(1000), maxMs: z.number().int().positive().default(300_000) })
      .strict()
      .default({ baseMs: 1000, maxMs: 300_000 }),
    /** Seconds `start` keeps sending after SIGINT/SIGTERM before it leaves the rest pending. */
    stopFlushSeconds: z.number().nonnegative().default(3),
    /**
     * Days a settled message (sent, failed or expired) is kept as the delivery record; a daily job
     * deletes older ones (pending messages never). At least 2: the daily caps count what was sent
     * since the start of the local day, which must still be there.
     */
    keepDays: z.number().int().min(2).max(3650).default(30),
  })
  .strict();

/** A local time of day, `HH:MM` (24-hour). */
const timeOfDay = (example: string) => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: `expected HH:MM such as ${example}` });

const templateId = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a template id such as warm (messages key quiet.recall.<id>)' });

/** Quiet-member flags, review and recall (issue 5). */
export const quietSchema = z
  .object({
    /** Local time (`HH:MM`, community time zone) the daily scan runs. */
    scanAt: timeOfDay('10:00').default('10:00'),
    /** Days without interaction after which a member is flagged. */
    thresholdDays: z.number().int().min(1).max(365).default(7),
    /** Per-tier overrides of `thresholdDays` (e.g. a shorter one for core members). */
    tierThresholdDays: z.record(z.string(), z.number().int().min(1).max(365)).default({}),
    /** Lifetime points at or above which a member is high-value (besides the top tier); omit for top tier only. */
    highValueLifetime: z.number().int().positive().optional(),
    /**
     * Whether moderators, operators and owners (from `roles`, BOT_OWNERS and `/role`) can be
     * flagged. Off by default: staff going quiet is not churn, and they would crowd the queue.
     */
    includeStaff: z.boolean().default(false),
    /** Points paid once when a recalled member checks in within `comebackWindowDays`; 0 for none. */
    comebackBonus: z.number().int().nonnegative().default(0),
    comebackWindowDays: z.number().int().min(1).max(90).default(7),
    /** Windows (days after the recall) in which a return counts; stats report each. */
    outcomeDays: z.array(z.number().int().min(1).max(365)).min(1).default([7, 14]),
    /** Recall templates (message keys `quiet.recall.<id>`), A/B assigned per recall when none is named. */
    templates: z.array(templateId).min(1).default(['warm']),
    /** Flags per `/flags` page and per digest. */
    pageSize: z.number().int().min(1).max(50).default(10),
  })
  .strict();

const share = z.number().min(0).max(1);

/**
 * The growth team's targets, marked met or missed in the retention report. Rates are shares
 * (0.7 = 70%); `ugcGrowth` is month-on-month growth of posts and shares; `propagation` is referred
 * joiners per member who referred, per month.
 */
export const targetsSchema = z
  .object({
    d1: share.optional(),
    d7: share.optional(),
    d30: share.optional(),
    d90: share.optional(),
    stayed1: share.optional(),
    stayed7: share.optional(),
    stayed30: share.optional(),
    stayed90: share.optional(),
    weeklyInteraction: share.optional(),
    ugcGrowth: z.number().min(-1).optional(),
    propagation: z.number().nonnegative().optional(),
  })
  .strict();

/** The retention report's rollup and the weekly staff digest. */
export const analyticsSchema = z
  .object({
    /** Local time (`HH:MM`, community zone) the daily rollup of the day before runs. */
    rollupAt: timeOfDay('00:15').default('00:15'),
    /** When the weekly digest goes to the staff chat (cron, community zone); it covers the week before. */
    digestCron: z
      .string()
      .refine(isCron, { message: 'expected a five-field cron expression such as 0 9 * * 1' })
      .default('0 9 * * 1'),
  })
  .strict();

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Opening hours a response target counts in (community time zone); outside them the clock stands still. */
export const businessHoursSchema = z
  .object({
    start: hhmm,
    end: hhmm,
    days: z.array(z.enum(WEEKDAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  })
  .strict()
  .refine((h) => h.start < h.end, { message: 'end must be after start', path: ['end'] });

const reasonId = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a lowercase id such as moved-on' });

/** The feedback box: response targets, business hours, reminders, the weekly digest, one-to-one follow-ups. */
export const feedbackSchema = z
  .object({
    /** Minutes to the first response, per ticket kind, counted in business hours when they are set. */
    targetMinutes: z
      .object({ question: z.number().int().min(1).default(120), suggestion: z.number().int().min(1).default(2880) })
      .strict()
      .default({ question: 120, suggestion: 2880 }),
    /** Omit to count targets around the clock. */
    businessHours: businessHoursSchema.optional(),
    /** Share of the target after which the assignee (or the moderators) is reminded. */
    remindAt: z.number().gt(0).lt(1).default(0.75),
    /** The longest ticket text accepted, in characters. */
    maxLength: z.number().int().min(100).max(100_000).default(20_000),
    /** When the weekly digests are posted (cron, community time zone); they cover the previous Monday–Sunday. */
    digestCron: z
      .string()
      .refine(isCron, { message: 'expected a five-field cron expression such as 0 10 * * 1' })
      .default('0 10 * * 1'),
    /** Groups (`platform:chat-id`) the public digest goes to; empty = every known group but the staff chat. */
    digestGroups: z.array(platformKey).default([]),
    /** One-to-one follow-ups of high-value quiet members. */
    followUp: z
      .object({
        /** Minutes to the follow-up's deadline, around the clock. */
        targetMinutes: z.number().int().min(1).default(1440),
        /** Churn reasons a moderator picks from (message keys `feedback.reason.<id>` label them); `other` takes a note. */
        reasons: z.array(reasonId).min(1).default(['price', 'product', 'too-many-messages', 'moved-on', 'other']),
      })
      .strict()
      .default({ targetMinutes: 1440, reasons: ['price', 'product', 'too-many-messages', 'moved-on', 'other'] }),
  })
  .strict();

/** `ladder:` — how the daily tier review promotes and demotes. */
export const ladderSchema = z
  .object({
    /** Local time (`HH:MM`, community time zone) of the daily tier review. */
    reviewAt: hhmm.default('09:30'),
    /** Days that `activeDays`, `posts` and `shares` count back from the review. */
    windowDays: z.number().int().min(1).max(365).default(30),
    /** Days the review leaves a manual `/tier` decision alone. */
    manualHoldDays: z.number().int().min(0).max(3650).default(30),
    /** Hours a tier invite stays open before it is sent once more (then it expires). */
    inviteHours: z.number().int().min(1).max(24 * 30).default(72),
    /**
     * Remove a demoted member from the higher tier's group where the platform allows it. Never by
     * default. A tier's platform role (`tiers[].roles`) is removed on demotion regardless.
     */
    closeDoorOnDemotion: z.boolean().default(false),
  })
  .strict();

const STAGES = ['new', 'growing', 'established'] as const;

/** What a lifecycle stage gives: a check-in multiplier and a line told when the stage begins and shown by `/me`. */
const stagePerkSchema = z
  .object({
    /** Multiplies check-in points (with the tier multiplier and any boost): the seed's 积分翻倍 is 2. */
    checkinMultiplier: z.number().min(1).max(10).default(1),
    /** What the stage gives, in the member's language. */
    perks: localised.optional(),
  })
  .strict();

/** `journey:` — the welcome, the journey calendar (content/journeys), stages, moments and the recap. */
export const journeySchema = z
  .object({
    /** Local time (`HH:MM`, in each member's zone: the zone of the group they joined, else the community's) journey messages go out. */
    sendAt: hhmm.default('10:00'),
    welcome: z
      .object({
        /** A welcome in the group, greeting everyone who joined within `batchMinutes` in one message. */
        group: z.boolean().default(true),
        batchMinutes: z.number().int().min(1).max(60).default(2),
        /** A DM to the newcomer with the guide (message `journey.welcome_dm`). */
        dm: z.boolean().default(true),
        /** Points given once with the welcome DM; 0 for none. */
        giftPoints: z.number().int().nonnegative().default(0),
        /**
         * A coupon given once with the welcome DM: a code drawn from the pool of the shop's `code`
         * reward `sku` (stock, ledger and audit as for a prize). When the pool is empty the staff
         * chat is told; the member gets `fallbackPoints` instead when above 0, else staff send a code by hand.
         */
        giftCoupon: z.object({ sku: z.string().min(1), fallbackPoints: z.number().int().nonnegative().default(0) }).strict().optional(),
      })
      .strict()
      .default({ group: true, batchMinutes: 2, dm: true, giftPoints: 0 }),
    /** Perks per lifecycle stage (new 0–7 days, growing 8–30, established 31+ since the member was first seen). */
    stages: z.partialRecord(z.enum(STAGES), stagePerkSchema).default({}),
    /** Days since joining that are celebrated once each, by DM. */
    anniversaries: z.array(z.number().int().min(1).max(3650)).default([100, 365]),
    /** Announced once each, when reached: total check-ins, lifetime points, check-in streak. */
    milestones: z
      .object({
        checkins: z.array(z.number().int().min(1)).default([100]),
        lifetimePoints: z.array(z.number().int().min(1)).default([1000]),
        streak: z.array(z.number().int().min(2)).default([30]),
        /** The older spelling of `notices.milestones`: `group` is `public`. `notices` wins where both are set. */
        announce: z.enum(['dm', 'group']).optional(),
      })
      .strict()
      .default({ checkins: [100], lifetimePoints: [1000], streak: [30] }),
    /** Points given with a birthday greeting (`/birthday MM-DD`); 0 for none. Birthdays are greeted by DM only. */
    birthdayPoints: z.number().int().nonnegative().default(0),
    /** The opt-in monthly recap (`/recap on`): sent on the first day of the month at `sendAt`. */
    recap: z.boolean().default(true),
    /**
     * After downtime, on start: the calendar, stage, anniversary and birthday messages of the last
     * `sendDays` missed days are sent once; those due up to `recordDays` back are expired instead,
     * each recorded in the audit log and counted to staff, never sent late.
     */
    catchUp: z
      .object({ sendDays: z.number().int().min(0).max(30).default(2), recordDays: z.number().int().min(1).max(366).default(30) })
      .strict()
      .default({ sendDays: 2, recordDays: 30 }),
  })
  .strict();

/** `content/community.yaml`: the rules a brand configures. */
/** How long personal data is kept where only a rule needs it. */
export const privacySchema = z
  .object({
    /**
     * Days the texts of members' posts are kept for the near-duplicate filter (which compares the
     * last 24 hours); a daily job blanks older ones. At least 1.
     */
    messageTextDays: z.number().int().min(1).max(365).default(7),
  })
  .strict();

export const communitySchema = z
  .object({
    community: z
      .object({
        name: z.string().min(1),
        timezone: timeZone.default('Asia/Shanghai'),
        locale: z.enum(LOCALES).default('zh-CN'),
      })
      .strict(),
    tiers: z.array(tierSchema).min(1),
    groups: z.array(groupSchema).default([]),
    /** How task and milestone notices reach members; each defaults to `dm` (a busy group is not told). */
    notices: noticesSchema.default({}),
    earning: earningSchema.default(earningSchema.parse({})),
    roles: rolesSchema.default(rolesSchema.parse({})),
    staff: staffSchema.default(staffSchema.parse({})),
    posts: postsSchema.default(postsSchema.parse({})),
    quiet: quietSchema.default(quietSchema.parse({})),
    targets: targetsSchema.default({}),
    analytics: analyticsSchema.default(analyticsSchema.parse({})),
    ladder: ladderSchema.default(ladderSchema.parse({})),
    delivery: deliverySchema.default(deliverySchema.parse({})),
    feedback: feedbackSchema.default(feedbackSchema.parse({})),
    privacy: privacySchema.default(privacySchema.parse({})),
    journey: journeySchema.default(journeySchema.parse({})),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.tiers.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'id'], message: `duplicate tier id "${t.id}"` });
      ids.add(t.id);
    });
    const first = cfg.tiers[0];
    if (first?.entry) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'entry'], message: 'the first tier is where every member starts: it takes no entry rules' });
    if (first?.keep) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'keep'], message: 'the first tier cannot be lost: it takes no keep rules' });
    if (first && Object.keys(first.roles).length > 0) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'roles'], message: 'the first tier is where every member starts: no one is promoted into it, so its role would never be granted' });
    cfg.groups.forEach((g, i) => {
      if (!ids.has(g.tier))
        ctx.addIssue({ code: 'custom', path: ['groups', i, 'tier'], message: `unknown tier "${g.tier}" (tiers: ${[...ids].join(', ')})` });
    });
    for (const tier of Object.keys(cfg.quiet.tierThresholdDays)) {
      if (!ids.has(tier)) ctx.addIssue({ code: 'custom', path: ['quiet', 'tierThresholdDays', tier], message: `unknown tier "${tier}" (tiers: ${[...ids].join(', ')})` });
    }
  });

export type CommunityConfig = z.infer<typeof communitySchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type CheckinRule = z.infer<typeof checkinRuleSchema>;
export type PostsConfig = z.infer<typeof postsSchema>;
export type QuietConfig = z.infer<typeof quietSchema>;
export type DeliveryConfig = z.infer<typeof deliverySchema>;
export type EarningConfig = z.infer<typeof earningSchema>;
export type TargetsConfig = z.infer<typeof targetsSchema>;
export type AnalyticsConfig = z.infer<typeof analyticsSchema>;
export type TierRule = z.infer<typeof tierRuleSchema>;
export type LadderConfig = z.infer<typeof ladderSchema>;
export type JourneyConfig = z.infer<typeof journeySchema>;
export type Stage = (typeof STAGES)[number];
export type FeedbackConfig = z.infer<typeof feedbackSchema>;
export type BusinessHours = z.infer<typeof businessHoursSchema>;

const sku = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a lowercase sku such as coupon-10' });

/** What a reward's `collect` may ask the member for, to send it. */
export const SHIPPING_FIELDS = ['name', 'address', 'phone', 'email'] as const;

/** One reward in `content/rewards.yaml`. */
export const rewardSchema = z
  .object({
    sku,
    name: localised,
    description: localised.default(''),
    cost: z.number().int().positive(),
    /**
     * Initial stock; omit for unlimited. After the first start the count lives in the database
     * (`/stock`); `code` rewards ignore it: their stock is the unused codes.
     */
    stock: z.number().int().nonnegative().optional(),
    /** The lowest tier that sees and may redeem it. */
    minTier: z.string().optional(),
    /** Per-member limit: at most `count` in each `period`. */
    limit: z
      .object({ count: z.number().int().positive(), period: z.enum(['day', 'week', 'month', 'ever']) })
      .strict()
      .optional(),
    kind: z.enum(['code', 'manual', 'streak-repair']),
    /**
     * What a moderator needs from the member to send a `manual` reward (a postal address for
     * something physical). The member is asked by DM when they redeem, and answers with `/ship`.
     */
    collect: z.array(z.enum(SHIPPING_FIELDS)).default([]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((r) => r.collect.length === 0 || r.kind === 'manual', { message: 'collect is for manual rewards (a moderator sends them)', path: ['collect'] });

/** `content/rewards.yaml`: the reward shop's catalogue. */
export const rewardsSchema = z
  .object({
    /** Operators are alerted in the staff chat when a reward's stock falls to this. */
    lowStock: z.number().int().nonnegative().default(3),
    rewards: z.array(rewardSchema).default([]),
  })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.rewards.forEach((r, i) => {
      if (seen.has(r.sku)) ctx.addIssue({ code: 'custom', path: ['rewards', i, 'sku'], message: `duplicate sku "${r.sku}"` });
      seen.add(r.sku);
    });
  });

export type RewardsConfig = z.infer<typeof rewardsSchema>;
export type RewardConfig = z.infer<typeof rewardSchema>;
