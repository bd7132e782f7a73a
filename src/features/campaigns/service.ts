import { createHash } from 'node:crypto';
import type { Actor } from '../../core/command.ts';
import { addDays, daysBetween, localDateTime, localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { MessageEvent, ReactionEvent } from '../../core/events.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey, type Platform } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { joinLines, seg, type Body, type Outbound } from '../../core/outbound.ts';
import { tagOutbound, type SentRefs } from '../../core/outbox.ts';
import type { CommunityConfig, RewardsConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import { renderBody, type ContentService } from '../content/index.ts';
import { fingerprint, similarityTo } from '../earning/index.ts';
import type { GroupRow } from '../groups/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { ShopService } from '../shop/index.ts';
import { loadCampaignPack, parseLocalMoment, titleOf, type CampaignDef, type CampaignKind, type EntryRule, type WinnerRule } from './pack.ts';
import { CampaignRepo, type CampaignRow, type EntryRow, type WinnerRow } from './repo.ts';

/** How a member lets staff quote their entries: with their name, without it (the default), or not at all. */
export const SHOWCASE_CONSENTS = ['name', 'anonymous', 'off'] as const;
export type ShowcaseConsent = (typeof SHOWCASE_CONSENTS)[number];

const MEDIA_KINDS: ReadonlySet<MessageEvent['kind']> = new Set(['image', 'video']);
const MINUTE = 60_000;
/** How long after a campaign closes a message with its tag is still answered "this has ended". */
const LATE_NOTICE_MS = 3 * 86_400_000;

export interface CampaignDeps {
  readonly db: Db;
  readonly config: CommunityConfig;
  readonly rewards: RewardsConfig;
  /** Campaign packs are read from `<dir>/campaigns`. */
  readonly contentDir: string;
  readonly translator: Translator;
  readonly logger: Logger;
  /** Announcements, reminders and results go out as scheduled content does: once per slot and group. */
  readonly content: ContentService;
  readonly members: MembersService;
  readonly points: PointsService;
  readonly shop: ShopService;
  readonly audit: AuditService;
  /** What a message the bot sent was about: a reply to an announcement is an entry where `entry: reply`. */
  readonly sent: SentRefs;
}

/** What one message did for one campaign, for the member's reply. */
export interface EntryOutcome {
  readonly campaign: CampaignDef;
  readonly status: 'accepted' | 'pending' | 'duplicate' | 'capped' | 'empty' | 'closed';
  readonly entryId?: number;
  readonly points: number;
  /** The member's counted entries now. */
  readonly count: number;
  /** For `closed`: when entries stopped counting (the end, or an earlier close). */
  readonly endedAt?: number;
}

/** What closing did: the winners, who was paid now (none on a repeat), and the results messages. */
export interface CloseResult {
  readonly campaign: CampaignDef;
  readonly winners: readonly WinnerRow[];
  readonly paidNow: number;
  readonly alreadyClosed: boolean;
  readonly outs: readonly Outbound[];
  readonly seed: string | null;
}

/** A campaign's figures for `export`, `/campaign <id> results` and the analytics report. */
export interface CampaignFigures {
  readonly entries: number;
  readonly participants: number;
  /** Participants the bot first saw during the campaign. */
  readonly newParticipants: number;
  readonly pointsPaid: number;
  /** Members' messages and shares (staff left out) in the target groups during the campaign and the same number of days before. */
  readonly ugc: number;
  readonly ugcBefore: number;
  /** `ugc / ugcBefore - 1`; null when nothing was written in the period before. */
  readonly ugcLift: number | null;
}

/** One campaign and its figures, as the analytics report shows them. */
export interface CampaignReportFigures extends CampaignFigures {
  readonly id: string;
  readonly title: string;
  readonly kind: CampaignKind;
  readonly status: CampaignRow['status'];
  readonly start: string;
  readonly end: string;
}

/** What `/campaign new` gives besides the operator: the rest takes the community's defaults. */
export interface NewCampaign {
  readonly id: string;
  readonly title: string;
  readonly hours: number;
  readonly entry: EntryRule;
  readonly kind?: CampaignKind;
  readonly points?: number;
  readonly perMember?: number;
  readonly review?: boolean;
  readonly winners?: { by: WinnerRule; count: number };
  readonly prize?: { points: number; reward?: string };
}

/** A deterministic, checkable draw: entries ordered by SHA-256 of `seed:entry id`. */
function drawOrder(seed: string, entryId: number): string {
  return createHash('sha256').update(`${seed}:${entryId}`).digest('hex');
}

/** The feature name on the announcements and reminders this feature sends, so replies to them are recognised. */
const REF_FEATURE = 'campaigns';

/** The ref of a campaign's announcement or reminder in one group. */
function announcementRef(campaignId: string, chatKey: string): string {
  return `${campaignId}:${chatKey}`;
}

/** NFKC, lowercase: how tags and texts are compared (full-width ＃ is #). */
function norm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Campaigns: topic discussions, user-content calls and contests that run for a set time. Entries
 * are recognised in group messages, counted once per message, capped per member, checked for
 * near-duplicates and paid through the ledger; winners are chosen once and paid once keyed by the
 * campaign; announcements, reminders and results go through scheduled content's run rows and the
 * outbox. Every method that writes runs inside the caller's synchronous transaction.
 */
export class CampaignService {
  readonly repo: CampaignRepo;
  /** Campaigns not closed when last read: the listener's hot path checks these without a query. */
  private open: CampaignDef[] = [];
  private readonly changeListeners: (() => void)[] = [];

  constructor(private readonly deps: CampaignDeps) {
    this.repo = new CampaignRepo(deps.db);
  }

  /** The pack's campaigns, validated (a ConfigError names the file and field). */
  readPack(): CampaignDef[] {
    const { config, rewards, contentDir } = this.deps;
    return loadCampaignPack(contentDir, {
      tiers: config.tiers.map((t) => t.id),
      defaultLocale: config.community.locale,
      timeZone: config.community.timezone,
      rewards: rewards.rewards.map((r) => r.sku),
    });
  }

  /** Records the pack's campaigns (new ones added, open ones follow their files). Call at start and on reload. */
  syncPack(at: Date, pack = this.readPack()): void {
    this.deps.db.transaction(() => {
      for (const def of pack) {
        const row = this.repo.get(def.id);
        if (row && row.source !== 'pack') {
          this.deps.logger.warn({ campaign: def.id, file: def.file }, 'a campaign made in chat has this id; the file is ignored');
          continue;
        }
        if (!row) this.repo.insert(def, at.getTime(), null);
        else this.repo.refresh(def);
      }
    });
    this.refresh(at);
  }

  /** Called after anything that moves the next moment a campaign needs the timer (a new campaign). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * Re-reads the campaigns the listener checks: the open ones, and those closed in the last days
   * (so a late entry is told the campaign is over instead of being ignored).
   */
  private refresh(now: Date): void {
    const since = now.getTime() - LATE_NOTICE_MS;
    this.open = this.repo
      .all()
      .filter((r) => r.closedAt === null || r.closedAt > since)
      .map((r) => r.def);
    for (const l of this.changeListeners) l();
  }

  all(): CampaignRow[] {
    return this.repo.all();
  }

  get(id: string): CampaignRow {
    const row = this.repo.get(id);
    if (!row) throw new UserError('campaign.unknown', { id, ids: this.repo.all().map((r) => r.id).join(', ') || '-' });
    return row;
  }

  /** Campaigns whose window contains `at` and that are not closed, for a group (or any, without one). */
  running(at: Date, where?: { chatKey: string; tier: string; platform: Platform }): CampaignDef[] {
    const t = at.getTime();
    return this.open.filter((d) => d.start <= t && t < d.end && (!where || this.targetsChat(d, where.chatKey, where.tier, where.platform)));
  }

  private targetsChat(def: CampaignDef, chatKey: string, tier: string, platform: Platform): boolean {
    if (chatKey === this.deps.config.staff.chat) return false;
    const { tiers, groups, platforms } = def.targets;
    const aimed = (tiers.length === 0 && groups.length === 0) || tiers.includes(tier) || groups.includes(chatKey);
    return aimed && (platforms.length === 0 || (platforms as readonly string[]).includes(platform));
  }

  /** The groups a campaign goes to (as posts would reach them). */
  groups(def: CampaignDef): GroupRow[] {
    return this.deps.content.groupsFor(def.targets);
  }

  /** Whether a message is an entry to `def`; `repliedTo` is the ref of the bot's message it replies to, if any. */
  private recognises(def: CampaignDef, event: MessageEvent, chatKey: string, repliedTo: string | undefined): boolean {
    const rule = def.entry;
    if (rule.by === 'media') return MEDIA_KINDS.has(event.kind);
    if (rule.by === 'reply') return repliedTo === announcementRef(def.id, chatKey);
    return norm(event.text).includes(norm(rule.tag));
  }

  /** The campaign ref of the bot's message `event` replies to, looked up only when a reply campaign is open. */
  private repliedTo(event: MessageEvent): string | undefined {
    if (event.replyToMessageId === undefined || !this.open.some((d) => d.entry.by === 'reply')) return undefined;
    const ref = this.deps.sent.refOf(event.chat, event.replyToMessageId);
    return ref?.feature === REF_FEATURE ? ref.ref : undefined;
  }

  /** Marks a campaign's message to a group so a reply to it can be recognised once it is sent. */
  private referable(def: CampaignDef, group: GroupRow, outs: Outbound[]): Outbound[] {
    return outs.map((out) => tagOutbound(out, { ref: { feature: REF_FEATURE, ref: announcementRef(def.id, group.chatKey) } }));
  }

  /**
   * A group message: for every campaign that targets the group and recognises it, one entry —
   * outside the window, a near-duplicate or over the member's cap it earns nothing. Redelivery
   * adds nothing (one entry per campaign and event key).
   */
  onMessage(event: MessageEvent, actor: Actor, chat: { chatKey: string; tier: string }): EntryOutcome[] {
    const t = event.at.getTime();
    const outcomes: EntryOutcome[] = [];
    const repliedTo = this.repliedTo(event);
    for (const def of this.open) {
      if (!this.targetsChat(def, chat.chatKey, chat.tier, event.platform) || !this.recognises(def, event, chat.chatKey, repliedTo)) continue;
      if (t < def.start) continue;
      const row = this.repo.get(def.id);
      if (!row || (row.closedAt !== null && t >= row.closedAt + LATE_NOTICE_MS)) continue;
      if (t >= def.end || row.status === 'closed' || row.status === 'judging') {
        // Only a recognisable entry just after the end is told so; before the start, it is an ordinary message.
        const endedAt = Math.min(def.end, row.closedAt ?? def.end);
        outcomes.push({ campaign: def, status: 'closed', points: 0, count: this.repo.countedOf(def.id, actor.memberId), endedAt });
        continue;
      }
      outcomes.push(this.enter(row.def, event, actor, chat.chatKey));
    }
    return outcomes;
  }

  private enter(def: CampaignDef, event: MessageEvent, actor: Actor, chatKey: string): EntryOutcome {
    let content = norm(event.text);
    if (def.entry.by === 'hashtag' || def.entry.by === 'keyword') content = content.split(norm(def.entry.tag)).join(' ');
    const print = fingerprint(content);
    const media = MEDIA_KINDS.has(event.kind);
    const counted = this.repo.countedOf(def.id, actor.memberId);
    if (print.length < 2 && !media) return { campaign: def, status: 'empty', points: 0, count: counted };
    // A photo or video is the entry itself, and two members' photos with the same caption are not
    // copies: only text entries are compared.
    const comparable = media ? `media:${event.key}` : print;
    const threshold = this.deps.config.earning.post.duplicateSimilarity;
    const similar = similarityTo(comparable);
    const duplicate = !media && this.repo.recentPrints(def.id).some((p) => !p.startsWith('media:') && (p === comparable || similar(p) >= threshold));
    const status = duplicate ? 'duplicate' : counted >= def.perMember ? 'capped' : def.review ? 'pending' : 'accepted';
    const points = status === 'accepted' ? def.points : 0;
    const id = this.repo.insertEntry({
      campaignId: def.id,
      memberId: actor.memberId,
      chatKey,
      messageId: event.messageId,
      eventKey: event.key,
      text: event.text.trim(),
      fingerprint: comparable,
      status,
      points,
      at: event.at.getTime(),
    });
    if (id === undefined) return { campaign: def, status: 'duplicate', points: 0, count: counted };
    if (points > 0) this.deps.points.credit({ memberId: actor.memberId, delta: points, reason: 'campaign.entry', sourceKey: `${def.id}:${event.key}`, at: event.at });
    const count = counted + (status === 'accepted' || status === 'pending' ? 1 : 0);
    return { campaign: def, status, entryId: id, points, count };
  }

  /** A reaction on an accepted entry counts once per member, never the author's own, until the campaign ends. */
  onReaction(event: ReactionEvent, memberId: number, chatKey: string): boolean {
    let counted = false;
    for (const e of this.repo.acceptedEntryAt(chatKey, event.messageId)) {
      if (e.memberId === memberId) continue;
      const row = this.repo.get(e.campaignId);
      if (!row || row.status === 'closed' || row.status === 'judging' || event.at.getTime() >= row.def.end) continue;
      counted = this.repo.react(e.id, memberId, event.at.getTime()) || counted;
    }
    return counted;
  }

  /** A moderator's decision on an entry waiting for review: an approved one counts and pays. Audited. */
  review(entryId: number, approve: boolean, actorMemberId: number, at: Date): EntryRow {
    const entry = this.repo.entry(entryId);
    if (!entry) throw new UserError('campaign.entry_unknown', { entry: entryId });
    const def = this.get(entry.campaignId).def;
    const points = approve ? def.points : 0;
    if (!this.repo.decide(entryId, approve ? 'accepted' : 'rejected', points, actorMemberId)) throw new UserError('campaign.entry_decided', { entry: entryId });
    if (points > 0) this.deps.points.credit({ memberId: entry.memberId, delta: points, reason: 'campaign.entry', sourceKey: `${def.id}:${entry.eventKey}`, at, actorMemberId });
    this.deps.audit.record({ at, actorMemberId, action: approve ? 'campaign.entry_approve' : 'campaign.entry_reject', targetMemberId: entry.memberId, detail: { campaign: def.id, entry: entryId } });
    return { ...entry, status: approve ? 'accepted' : 'rejected', points };
  }

  /** A moderator picks an accepted entry as a winner (campaigns whose winners moderators choose). Audited. */
  pick(entryId: number, actorMemberId: number, at: Date): EntryRow {
    const entry = this.repo.entry(entryId);
    if (!entry) throw new UserError('campaign.entry_unknown', { entry: entryId });
    const row = this.get(entry.campaignId);
    if (row.def.winners.by !== 'moderators') throw new UserError('campaign.not_picked', { id: row.id, rule: row.def.winners.by });
    if (row.status === 'closed') throw new UserError('campaign.closed', { id: row.id });
    if (entry.status !== 'accepted') throw new UserError('campaign.entry_not_accepted', { entry: entryId });
    const picked = this.repo.picked(row.id);
    if (picked.some((p) => p.id === entryId)) throw new UserError('campaign.entry_picked', { entry: entryId });
    if (picked.length >= row.def.winners.count) throw new UserError('campaign.picks_full', { id: row.id, count: row.def.winners.count });
    this.repo.pick(entryId, actorMemberId);
    this.deps.audit.record({ at, actorMemberId, action: 'campaign.pick', targetMemberId: entry.memberId, detail: { campaign: row.id, entry: entryId } });
    return entry;
  }

  consentOf(memberId: number): ShowcaseConsent {
    return (this.repo.consent(memberId) as ShowcaseConsent | undefined) ?? 'anonymous';
  }

  setConsent(memberId: number, consent: ShowcaseConsent, at: Date): void {
    this.repo.setConsent(memberId, consent, at.getTime());
  }

  /** An entry as staff may show it: quoted with or without its author's name, or undefined where they said no. */
  quote(entry: Pick<EntryRow, 'memberId' | 'name' | 'text'>, locale: Locale): Body | undefined {
    const consent = this.consentOf(entry.memberId);
    if (consent === 'off') return undefined;
    const { translator } = this.deps;
    const author = consent === 'name' ? entry.name : translator.t(locale, 'campaign.a_member').map((s) => ('text' in s ? s.text : '')).join('');
    return translator.t(locale, 'campaign.quote', { text: entry.text, author });
  }

  /**
   * Features an entry: marks it and posts the quote (per its author's consent) to the group it was
   * posted in, once. Refused when the author does not allow quoting. Audited.
   */
  feature(campaignId: string, entryId: number, actorMemberId: number, at: Date): { entry: EntryRow; outs: Outbound[] } {
    const row = this.get(campaignId);
    const entry = this.repo.entry(entryId);
    if (!entry || entry.campaignId !== row.id) throw new UserError('campaign.entry_unknown', { entry: entryId });
    if (entry.status !== 'accepted') throw new UserError('campaign.entry_not_accepted', { entry: entryId });
    const group = this.deps.content.groupsFor({ tiers: [], groups: [entry.chatKey], platforms: [] })[0];
    const locale = this.deps.content.localeOf(group);
    const quote = this.quote(entry, locale);
    if (!quote) throw new UserError('campaign.no_consent', { entry: entryId });
    if (!this.repo.feature(entryId, at.getTime())) throw new UserError('campaign.entry_featured', { entry: entryId });
    this.deps.audit.record({ at, actorMemberId, action: 'campaign.feature', targetMemberId: entry.memberId, detail: { campaign: row.id, entry: entryId } });
    const body = joinLines([this.deps.translator.t(locale, 'campaign.featured_title', { title: titleOf(row.def, locale) }), quote]);
    const outs = group ? this.deps.content.claimComposed(`campaign:${row.id}:feature:${entryId}`, at, group, body, 'manual') : [];
    return { entry, outs };
  }

  /** `/campaign new`: a campaign that starts now, announced at once to its groups. Audited. */
  create(input: NewCampaign, actor: Actor, at: Date): { def: CampaignDef; outs: Outbound[] } {
    const { config } = this.deps;
    if (this.repo.get(input.id) || this.readPackIds().has(input.id)) throw new UserError('campaign.id_taken', { id: input.id });
    if (input.prize?.reward !== undefined && !this.deps.shop.reward(input.prize.reward)) throw new UserError('shop.unknown', { sku: input.prize.reward });
    const start = Math.floor(at.getTime() / MINUTE) * MINUTE;
    const def: CampaignDef = {
      id: input.id,
      source: 'chat',
      kind: input.kind ?? 'ugc',
      title: { [actor.locale]: input.title },
      bodies: {},
      defaultLocale: actor.locale,
      timeZone: config.community.timezone,
      start,
      end: start + input.hours * 3_600_000,
      targets: { tiers: [], groups: [], platforms: [] },
      entry: input.entry,
      points: input.points ?? 10,
      perMember: input.perMember ?? 3,
      review: input.review ?? false,
      winners: input.winners ?? { by: 'reactions', count: 1 },
      prize: input.prize ?? { points: 0 },
      reminders: [],
    };
    this.repo.insert(def, at.getTime(), actor.memberId);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'campaign.create', detail: { campaign: def.id, hours: input.hours } });
    const outs = this.announce(this.repo.get(def.id)!, new Date(start), 'manual');
    this.refresh(at);
    return { def, outs };
  }

  private readPackIds(): Set<string> {
    try {
      return new Set(this.readPack().map((d) => d.id));
    } catch {
      return new Set();
    }
  }

  private announce(row: CampaignRow, slot: Date, kind: 'scheduled' | 'manual'): Outbound[] {
    this.repo.markAnnounced(row.id, slot.getTime());
    return this.groups(row.def).flatMap((g) => this.referable(row.def, g, this.deps.content.claimComposed(`campaign:${row.id}:announce`, slot, g, this.announcement(row.def, this.deps.content.localeOf(g)), kind)));
  }

  private howTo(def: CampaignDef, locale: Locale): Body {
    const t = (k: string, p: Record<string, string | number | Body> = {}) => this.deps.translator.t(locale, k, p);
    const until = this.endText(def);
    const how = def.entry.by === 'media' ? t('campaign.how_media', { until }) : def.entry.by === 'reply' ? t('campaign.how_reply', { until }) : t('campaign.how_tag', { tag: def.entry.tag, until });
    const lines = [how];
    if (def.points > 0) lines.push(t('campaign.how_points', { points: def.points, cap: def.perMember }));
    if (def.review) lines.push(t('campaign.how_review'));
    return joinLines(lines);
  }

  private endText(def: CampaignDef): string {
    return localDateTime(new Date(def.end - MINUTE), def.timeZone);
  }

  private prizeText(def: CampaignDef, locale: Locale): Body | undefined {
    const parts: string[] = [];
    const t = (k: string, p: Record<string, string | number> = {}) => this.deps.translator.t(locale, k, p).map((s) => ('text' in s ? s.text : '')).join('');
    if (def.prize.points > 0) parts.push(t('campaign.prize_points', { points: def.prize.points }));
    if (def.prize.reward !== undefined) {
      const r = this.deps.shop.reward(def.prize.reward);
      const name = r ? (typeof r.name === 'string' ? r.name : (r.name[locale] ?? Object.values(r.name)[0] ?? r.sku)) : def.prize.reward;
      parts.push(name);
    }
    return parts.length > 0 ? [seg.text(parts.join(' + '))] : undefined;
  }

  private announcement(def: CampaignDef, locale: Locale): Body {
    const t = (k: string, p: Record<string, string | number | Body> = {}) => this.deps.translator.t(locale, k, p);
    const text = def.bodies[locale] ?? def.bodies[def.defaultLocale];
    const prize = this.prizeText(def, locale);
    const lines: Body[] = [t('campaign.announce_title', { title: titleOf(def, locale) })];
    if (text) lines.push(renderBody(text, {}));
    lines.push(this.howTo(def, locale));
    lines.push(t(`campaign.winners_${def.winners.by}`, { count: def.winners.count }));
    if (prize) lines.push(t('campaign.prize', { prize }));
    return joinLines(lines);
  }

  /**
   * The next instant the timer must wake for: an announcement not yet made, the next reminder, or
   * the end of a running campaign. Undefined when no campaign waits for anything.
   */
  nextMoment(): number | undefined {
    let next: number | undefined;
    const consider = (t: number) => {
      if (next === undefined || t < next) next = t;
    };
    for (const row of this.repo.all()) {
      if (row.status === 'closed' || row.status === 'judging') continue;
      if (row.announcedAt === null) consider(row.def.start);
      const reminder = row.def.reminders.find((r) => r > (row.remindedUntil ?? 0));
      if (reminder !== undefined) consider(reminder);
      consider(row.def.end);
    }
    return next;
  }

  /**
   * Everything due at `now`, in the caller's transaction: announcements (once per group), the
   * latest reminder passed (once), and the end of campaigns: results for reactions and draws, a
   * staff notice where moderators pick. Returns what to record in the outbox.
   */
  sweep(now: Date): Outbound[] {
    const t = now.getTime();
    const outs: Outbound[] = [];
    for (const row of this.repo.all()) {
      if (row.status === 'closed' || row.status === 'judging') continue;
      const { def } = row;
      if (t < def.start) continue;
      if (t >= def.end && row.announcedAt === null) {
        // Never announced (added to the pack after it ended): nobody could enter, so no results either.
        this.repo.markClosed(def.id, def.end, null, null);
        this.deps.audit.record({ at: now, actorMemberId: null, action: 'campaign.expire', detail: { campaign: def.id } });
        continue;
      }
      if (t < def.end && row.announcedAt === null) outs.push(...this.announce(row, new Date(def.start), 'scheduled'));
      // Of the reminders passed since the last one sent, only the latest is worth sending.
      const due = def.reminders.filter((r) => r <= t && r > (row.remindedUntil ?? 0) && r < def.end);
      if (due.length > 0 && t < def.end) {
        const slot = due[due.length - 1]!;
        this.repo.markReminded(def.id, slot);
        outs.push(...this.groups(def).flatMap((g) => this.referable(def, g, this.deps.content.claimComposed(`campaign:${def.id}:remind`, new Date(slot), g, this.reminder(def, this.deps.content.localeOf(g)), 'scheduled'))));
      }
      if (t >= def.end) {
        if (def.winners.by === 'moderators') {
          this.repo.markEnded(def.id, def.end, 'judging');
          this.deps.audit.record({ at: now, actorMemberId: null, action: 'campaign.end', detail: { campaign: def.id } });
          const staff = this.deps.config.staff.chat;
          if (staff) {
            const locale = this.deps.config.community.locale;
            const figures = this.repo.figures(def.id);
            const out: Outbound = { type: 'send', chat: parseChatKey(staff), body: this.deps.translator.t(locale, 'campaign.judge_now', { id: def.id, title: titleOf(def, locale), entries: figures.entries, count: def.winners.count }) };
            outs.push(tagOutbound(out, { cls: 'staff' }));
          }
        } else {
          outs.push(...this.close(def.id, null, new Date(def.end)).outs);
        }
      }
    }
    this.refresh(now);
    return outs;
  }

  private reminder(def: CampaignDef, locale: Locale): Body {
    const t = (k: string, p: Record<string, string | number | Body> = {}) => this.deps.translator.t(locale, k, p);
    return joinLines([t('campaign.reminder', { title: titleOf(def, locale), until: this.endText(def), entries: this.repo.figures(def.id).entries }), this.howTo(def, locale)]);
  }

  /**
   * Closes a campaign: chooses the winners once (recorded, with the draw's seed), pays each winner
   * once keyed by the campaign, and posts the results once per target group. Closing again (by
   * hand after the timer, or twice) chooses, pays and posts nothing more. Audited.
   */
  close(id: string, actorMemberId: number | null, at: Date): CloseResult {
    const row = this.get(id);
    const { def } = row;
    const alreadyClosed = row.status === 'closed' && row.closedAt !== null;
    let seed = row.seed;
    let closedAt = row.closedAt ?? at.getTime();
    if (!alreadyClosed) {
      if (def.winners.by === 'moderators' && this.repo.picked(id).length === 0 && this.repo.accepted(id).length > 0) throw new UserError('campaign.pick_first', { id });
      closedAt = at.getTime();
      if (def.winners.by === 'draw') seed = def.winners.seed ?? createHash('sha256').update(`${id}:${closedAt}`).digest('hex').slice(0, 16);
      this.repo.markClosed(id, closedAt, actorMemberId, seed);
      this.chooseWinners(def, seed);
    }
    const winners = this.repo.winners(id);
    let paidNow = 0;
    const outs: Outbound[] = [];
    for (const w of winners) {
      // Keyed by the campaign and the place, not the member id, which a later merge of two
      // identities changes: a close after that still finds the prize paid.
      const key = `${id}:place-${w.place}`;
      let paid = false;
      if (def.prize.points > 0) paid = this.deps.points.credit({ memberId: w.memberId, delta: def.prize.points, reason: 'campaign.prize', sourceKey: key, at, actorMemberId, note: id }) || paid;
      if (def.prize.reward !== undefined) {
        try {
          const granted = this.deps.shop.grant({ memberId: w.memberId, name: w.name, sku: def.prize.reward, chatKey: w.chatKey, key: `campaign:${key}`, at, actorMemberId });
          if (granted) outs.push(...granted.staff);
          paid = granted !== undefined || paid;
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          // Out of stock: the points (if any) still go; staff hear of it in the close's audit row.
          this.deps.logger.warn({ campaign: id, member: w.memberId, sku: def.prize.reward, code: err.code }, 'campaign prize reward could not be granted');
        }
      }
      if (paid) {
        paidNow++;
        outs.push(...this.winnerDm(def, w));
      }
    }
    const slot = new Date(closedAt);
    for (const g of this.groups(def)) outs.push(...this.deps.content.claimComposed(`campaign:${id}:results`, slot, g, this.results(def, winners, this.deps.content.localeOf(g)), actorMemberId === null ? 'scheduled' : 'manual'));
    if (!alreadyClosed || paidNow > 0) {
      this.deps.audit.record({ at, actorMemberId, action: 'campaign.close', detail: { campaign: id, winners: winners.map((w) => w.memberId), paid: paidNow, seed } });
    }
    this.refresh(at);
    return { campaign: def, winners, paidNow, alreadyClosed, outs, seed };
  }

  private chooseWinners(def: CampaignDef, seed: string | null): void {
    let ordered: { entry: EntryRow; score: number | null }[];
    if (def.winners.by === 'moderators') ordered = this.repo.picked(def.id).map((entry) => ({ entry, score: null }));
    else {
      const accepted = this.repo.accepted(def.id);
      if (def.winners.by === 'reactions') {
        // Most reactions; a tie goes to the earlier entry.
        ordered = accepted.map((entry) => ({ entry, score: entry.reactions })).sort((a, b) => b.score - a.score || a.entry.at - b.entry.at || a.entry.id - b.entry.id);
      } else {
        ordered = accepted.map((entry) => ({ entry, key: drawOrder(seed!, entry.id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ entry }) => ({ entry, score: null }));
      }
    }
    // One prize per member, however many of their entries placed.
    const placed = new Set<number>();
    for (const { entry, score } of ordered) {
      if (placed.size >= def.winners.count) break;
      if (placed.has(entry.memberId)) continue;
      placed.add(entry.memberId);
      this.repo.insertWinner(def.id, placed.size, entry.id, entry.memberId, score);
    }
  }

  private winnerDm(def: CampaignDef, w: WinnerRow): Outbound[] {
    const target = this.deps.members.target(w.memberId);
    const member = this.deps.members.get(w.memberId);
    if (!target || !member) return [];
    const locale = this.deps.members.localeOf(member);
    const prize = this.prizeText(def, locale) ?? [];
    const out: Outbound = { type: 'dm', user: target.user, name: target.name, body: this.deps.translator.t(locale, 'campaign.won_dm', { title: titleOf(def, locale), place: w.place, prize }), fallbackChat: parseChatKey(w.chatKey) };
    return [tagOutbound(out, { cls: 'direct' })];
  }

  private results(def: CampaignDef, winners: readonly WinnerRow[], locale: Locale): Body {
    const t = (k: string, p: Record<string, string | number | Body> = {}) => this.deps.translator.t(locale, k, p);
    const figures = this.repo.figures(def.id);
    const lines: Body[] = [t('campaign.results_title', { title: titleOf(def, locale) }), t('campaign.results_counts', { entries: figures.entries, participants: figures.participants })];
    if (winners.length === 0) lines.push(t('campaign.results_no_winners'));
    else {
      lines.push(t('campaign.results_winners'));
      for (const w of winners) {
        lines.push(def.winners.by === 'reactions' ? t('campaign.results_row_score', { place: w.place, name: w.name, score: w.score ?? 0 }) : t('campaign.results_row', { place: w.place, name: w.name }));
      }
      const prize = this.prizeText(def, locale);
      if (prize) lines.push(t('campaign.prize', { prize }));
    }
    const row = this.repo.get(def.id);
    if (def.winners.by === 'draw' && row?.seed) lines.push(t('campaign.results_seed', { seed: row.seed }));
    const quotes = this.repo.featured(def.id).flatMap((e) => {
      const q = this.quote(e, locale);
      return q ? [q] : [];
    });
    if (quotes.length > 0) lines.push(t('campaign.results_featured'), ...quotes);
    lines.push(t('campaign.results_thanks'));
    return joinLines(lines);
  }

  /** The figures of one campaign as of `now` (the growth team's view). */
  figures(id: string, now: Date): CampaignFigures {
    const row = this.get(id);
    const { def } = row;
    const f = this.repo.figures(id, now.getTime());
    const tz = def.timeZone;
    const firstSeen = this.repo.participants(id, now.getTime()).filter((m) => (this.deps.members.firstSeenAt(m) ?? 0) >= def.start).length;
    const until = Math.min(def.end, row.closedAt ?? def.end, Math.max(now.getTime(), def.start + 1));
    const from = localDay(new Date(def.start), tz);
    const to = localDay(new Date(until - 1), tz);
    const days = daysBetween(from, to) + 1;
    const chats = this.groups(def).map((g) => g.chatKey);
    // As analytics counts UGC: operators' and moderators' posts are not user content (bots'
    // messages never reach the activity rows: the dispatcher ignores them).
    const staff = this.deps.members.staffMemberIds(this.deps.config.staff.chat);
    const ugc = this.deps.members.contentVolume(chats, from, to, staff);
    const ugcBefore = this.deps.members.contentVolume(chats, addDays(from, -days), addDays(from, -1), staff);
    return {
      entries: f.entries,
      participants: f.participants,
      newParticipants: firstSeen,
      pointsPaid: f.points,
      ugc,
      ugcBefore,
      ugcLift: ugcBefore > 0 ? Math.round((ugc / ugcBefore - 1) * 1000) / 1000 : null,
    };
  }

  /**
   * The campaigns whose window meets the local days `from`…`to` (community zone), with their
   * figures as of the end of `to` (or `now`, when earlier), for the analytics report.
   */
  inRange(from: string, to: string, locale: Locale, now: Date): CampaignReportFigures[] {
    const tz = this.deps.config.community.timezone;
    const asOf = new Date(Math.min(now.getTime(), parseLocalMoment(to, tz, true) ?? now.getTime()));
    return this.repo
      .all()
      .filter((r) => localDay(new Date(r.def.start), tz) <= to && localDay(new Date(r.def.end - 1), tz) >= from && r.def.start <= asOf.getTime())
      .map((r) => ({
        id: r.id,
        title: titleOf(r.def, locale),
        kind: r.def.kind,
        status: r.status,
        start: new Date(r.def.start).toISOString(),
        end: new Date(r.def.end).toISOString(),
        ...this.figures(r.id, asOf),
      }));
  }

  /** A member's entries per campaign: counted ones, points earned, and the cap. */
  mine(memberId: number): { campaign: CampaignDef; counted: number; points: number; notCounted: number }[] {
    const byCampaign = new Map<string, { counted: number; points: number; notCounted: number }>();
    for (const r of this.repo.mine(memberId)) {
      const c = byCampaign.get(r.campaignId) ?? { counted: 0, points: 0, notCounted: 0 };
      if (r.status === 'accepted' || r.status === 'pending') c.counted += r.n;
      else c.notCounted += r.n;
      c.points += r.points ?? 0;
      byCampaign.set(r.campaignId, c);
    }
    return [...byCampaign].flatMap(([id, c]) => {
      const row = this.repo.get(id);
      return row ? [{ campaign: row.def, ...c }] : [];
    });
  }

  /** Every campaign with its state and figures, and every entry, for `export`. */
  exportAll(now: Date): { campaigns: unknown[]; entries: unknown[] } {
    return {
      campaigns: this.repo.all().map((r) => ({
        id: r.id,
        source: r.source,
        kind: r.def.kind,
        title: r.def.title,
        status: r.status,
        start: new Date(r.def.start).toISOString(),
        end: new Date(r.def.end).toISOString(),
        closedAt: r.closedAt === null ? null : new Date(r.closedAt).toISOString(),
        winnersBy: r.def.winners.by,
        seed: r.seed,
        winners: this.repo.winners(r.id).map((w) => ({ place: w.place, member: w.memberId, entry: w.entryId, score: w.score })),
        figures: this.figures(r.id, now),
      })),
      entries: this.repo.exportEntries().map((e) => ({ ...e, at: new Date(e.at).toISOString(), featuredAt: e.featuredAt === null ? null : new Date(e.featuredAt).toISOString() })),
    };
  }
}
