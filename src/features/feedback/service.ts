import { addDays, localDateTime, localDay, startOfLocalDay, weekStart } from '../../core/clock.ts';
import type { MemberTarget } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import type { Locale, MessageParams, Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { joinLines, renderPlain, seg, type Body, type Outbound } from '../../core/outbound.ts';
import { atLeast } from '../../core/roles.ts';
import type { CommunityConfig, FeedbackConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { GroupService } from '../groups/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { QuietService } from '../quiet/index.ts';
import type { TierService } from '../tiers/index.ts';
import { addBusinessMinutes, businessMinutesBetween } from './business-hours.ts';
import { FeedbackRepo, type TaskRow, type TicketFilter, type TicketRow } from './repo.ts';
import { FOLLOW_UP_OUTCOMES, type Decision, type FollowUpOutcome, type TicketKind } from './schema.ts';
import { graphemeCount, preview, splitText } from './text.ts';

/** Who acts: a member filing or closing their ticket, or staff answering it. */
export interface FeedbackActor {
  readonly memberId: number;
  readonly locale: Locale;
}

/** Where a ticket's text came from: the chat, the message and the inbound event's key. */
export interface TicketSource {
  readonly chatKey: string;
  readonly messageId?: string;
  readonly key: string;
}

/** The response figures: in `/tickets stats`, the staff digest and `export`. */
export interface FeedbackFigures {
  readonly tickets: number;
  readonly answered: number;
  /** Business minutes to the first response (null with nothing answered). */
  readonly medianFirstResponseMinutes: number | null;
  readonly p90FirstResponseMinutes: number | null;
  /** Answered within target / (answered + unanswered past their deadline); null when nothing is judged yet. */
  readonly withinTargetShare: number | null;
  readonly answeredLate: number;
  readonly open: number;
  readonly overdue: number;
  readonly suggestionsReceived: number;
  readonly suggestionsDone: number;
}

/** Done follow-ups by outcome and churn reason: in `/recallstats` and `export`. */
export interface FollowUpStats {
  readonly open: number;
  readonly done: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly reasons: Readonly<Record<string, number>>;
}

export interface FeedbackDeps {
  readonly db: Db;
  readonly community: CommunityConfig;
  readonly members: MembersService;
  readonly points: PointsService;
  readonly tiers: TierService;
  readonly groups: GroupService;
  readonly quiet: QuietService;
  readonly audit: AuditService;
  readonly translator: Translator;
  readonly logger: Logger;
}

/** How long a piece of a long message may be: under Telegram's 4096 and Discord's 2000 with room for a header. */
export const MESSAGE_PIECE = 1800;
const LIST_LIMIT = 20;
/** The thread entries a member sees on their own ticket: what staff told them. */
const MEMBER_EVENTS = new Set(['reply', 'planned', 'done', 'declined']);
const PREVIEW = 300;
const KIND_WORDS: Readonly<Record<string, TicketKind>> = {
  '1': 'question',
  q: 'question',
  question: 'question',
  ask: 'question',
  问题: 'question',
  提问: 'question',
  '2': 'suggestion',
  s: 'suggestion',
  suggestion: 'suggestion',
  suggest: 'suggestion',
  idea: 'suggestion',
  建议: 'suggestion',
};

/** Kind words that only count alone (`2 apples, please` is not a suggestion called "apples, please"). */
const ALONE_ONLY = new Set(['1', '2', 'q', 's']);

/** The ticket kind a word names (`question`, `问题`, and alone also `1` / `2`), if any. */
export function kindWord(word: string | undefined, alone = false): TicketKind | undefined {
  if (word === undefined) return undefined;
  const w = word.toLowerCase();
  return !alone && ALONE_ONLY.has(w) ? undefined : KIND_WORDS[w];
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * The feedback box: members' questions and suggestions as tickets with a response deadline in
 * business hours, reminders at the reminder share and escalation at the deadline (each recorded
 * once), the weekly suggestion loop and its digests, and one-to-one follow-up tasks for high-value
 * members who went quiet. Every change is audited here, with its actor.
 */
export class FeedbackService {
  private readonly repo: FeedbackRepo;
  private readonly config: FeedbackConfig;
  private readonly timeZone: string;
  private readonly deadlineListeners: ((at: number) => void)[] = [];

  constructor(private readonly deps: FeedbackDeps) {
    this.repo = new FeedbackRepo(deps.db.orm);
    this.config = deps.community.feedback;
    this.timeZone = deps.community.community.timezone;
  }

  private get staffChat(): string | undefined {
    return this.deps.community.staff.chat;
  }

  private get staffLocale(): Locale {
    return this.deps.community.community.locale;
  }

  private t(locale: Locale, key: string, params?: MessageParams): Body {
    return this.deps.translator.t(locale, key, params);
  }

  private when(ms: number): string {
    return localDateTime(new Date(ms), this.timeZone);
  }

  /** A duration in minutes as members read it: `2 h`, `1 h 50 min`, `45 min`. */
  duration(minutes: number, locale: Locale): string {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    const tr = this.deps.translator;
    if (h === 0) return tr.text(locale, 'feedback.minutes', { n: m });
    return m === 0 ? tr.text(locale, 'feedback.hours', { n: h }) : tr.text(locale, 'feedback.hours_minutes', { h, m });
  }

  private who(memberId: number | null): Body {
    if (memberId === null) return [seg.text('-')];
    const target = this.deps.members.target(memberId);
    return target ? [seg.mention(target.user, target.name)] : [seg.text(`#${memberId}`)];
  }

  private toStaff(body: Body): Outbound[] {
    if (!this.staffChat) {
      this.deps.logger.warn({}, 'feedback: staff.chat is not configured; a staff alert was not sent');
      return [];
    }
    return [{ type: 'send', chat: parseChatKey(this.staffChat), body }];
  }

  private isHighValue(memberId: number, tier: string): boolean {
    const top = this.deps.tiers.ids[this.deps.tiers.ids.length - 1];
    const limit = this.deps.community.quiet.highValueLifetime;
    return tier === top || (limit !== undefined && this.deps.points.standing(memberId).lifetime >= limit);
  }

  /** Trimmed text with one kind of line break; empty or longer than `maxLength` is refused. */
  private cleanText(text: string): string {
    const clean = text.replace(/\r\n?/g, '\n').trim();
    if (clean === '') throw new UserError('feedback.empty');
    if (clean.length > this.config.maxLength) throw new UserError('feedback.too_long', { max: this.config.maxLength, length: clean.length });
    return clean;
  }

  // ── Members ────────────────────────────────────────────────────────────────────────────────

  /**
   * Files a ticket: the deadline from the kind's target in business hours, the staff alert (who,
   * tier, high-value mark, text preview, where it came from). One event files at most one ticket.
   */
  file(actor: FeedbackActor & { tier: string }, source: TicketSource, kind: TicketKind, text: string, at: Date): { ticket: TicketRow; outs: Outbound[] } {
    const existing = this.repo.ticketBySource(source.key);
    if (existing) return { ticket: existing, outs: [] };
    const body = this.cleanText(text);
    const target = this.config.targetMinutes[kind];
    const hours = this.config.businessHours;
    const starts = addBusinessMinutes(at, 0, hours, this.timeZone);
    const ticket = this.repo.insertTicket({
      memberId: actor.memberId,
      kind,
      text: body,
      chatKey: source.chatKey,
      messageId: source.messageId ?? null,
      sourceKey: source.key,
      tier: actor.tier,
      highValue: this.isHighValue(actor.memberId, actor.tier),
      createdAt: at.getTime(),
      clockStartsAt: starts.getTime(),
      remindAt: addBusinessMinutes(at, Math.round(target * this.config.remindAt), hours, this.timeZone).getTime(),
      dueAt: addBusinessMinutes(at, target, hours, this.timeZone).getTime(),
      targetMinutes: target,
    });
    this.repo.dropDraft(actor.memberId);
    this.deadlineAdded(ticket.remindAt);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.create', targetMemberId: actor.memberId, detail: { ticket: ticket.id, kind, length: body.length } });
    return { ticket, outs: this.toStaff(this.alert(ticket)) };
  }

  /** The staff chat's card for a new ticket. */
  private alert(ticket: TicketRow): Body {
    const l = this.staffLocale;
    const name = this.deps.members.get(ticket.memberId)?.name ?? `#${ticket.memberId}`;
    const full = graphemeCount(ticket.text);
    return joinLines([
      this.t(l, 'feedback.alert', {
        id: ticket.id,
        kind: this.deps.translator.text(l, `feedback.kind.${ticket.kind}`),
        member: this.who(ticket.memberId),
        name,
        tier: this.deps.tiers.name(ticket.tier, l),
        vip: ticket.highValue ? this.deps.translator.text(l, 'feedback.vip') : '',
        where: ticket.chatKey + (ticket.messageId ? ` · ${ticket.messageId}` : ''),
        due: this.when(ticket.dueAt),
      }),
      [seg.text(preview(ticket.text, PREVIEW))],
      ...(ticket.text.length > PREVIEW ? [this.t(l, 'feedback.alert_more', { id: ticket.id, length: full })] : []),
      this.t(l, 'feedback.alert_actions', { id: ticket.id }),
    ]);
  }

  /** What the member is told: the ticket number and when to expect an answer (or when the clock starts). */
  receipt(ticket: TicketRow, locale: Locale): Body {
    const params = {
      id: ticket.id,
      target: this.duration(ticket.targetMinutes, locale),
      due: this.when(ticket.dueAt),
      starts: this.when(ticket.clockStartsAt),
      hours: this.hoursText(locale),
    };
    const lines = [this.t(locale, `feedback.received.${ticket.kind}`, params)];
    lines.push(this.t(locale, ticket.clockStartsAt > ticket.createdAt ? 'feedback.expect_closed' : 'feedback.expect', params));
    if (ticket.kind === 'suggestion') lines.push(this.t(locale, 'feedback.credit_hint', { id: ticket.id }));
    return joinLines(lines);
  }

  private hoursText(locale: Locale): string {
    const h = this.config.businessHours;
    if (!h) return this.deps.translator.text(locale, 'feedback.hours_always');
    const days = h.days.map((d) => this.deps.translator.text(locale, `feedback.day.${d}`)).join(' ');
    return this.deps.translator.text(locale, 'feedback.hours_window', { days, start: h.start, end: h.end });
  }

  /** Keeps text whose kind the member has not said yet (appended to what is waiting), until they choose. */
  hold(actor: FeedbackActor, source: TicketSource, text: string, at: Date): void {
    const clean = this.cleanText(text);
    const prior = this.repo.draft(actor.memberId);
    const joined = prior ? `${prior.text}\n${clean}` : clean;
    this.cleanText(joined);
    this.repo.saveDraft({ memberId: actor.memberId, text: joined, chatKey: prior?.chatKey ?? source.chatKey, messageId: prior?.messageId ?? source.messageId ?? null, sourceKey: prior?.sourceKey ?? source.key, at: prior?.at ?? at.getTime() });
  }

  hasDraft(memberId: number): boolean {
    return this.repo.draft(memberId) !== undefined;
  }

  /** Files the waiting draft as `kind`; throws when nothing is waiting. */
  fileDraft(actor: FeedbackActor & { tier: string }, kind: TicketKind, at: Date): { ticket: TicketRow; outs: Outbound[] } {
    const draft = this.repo.draft(actor.memberId);
    if (!draft) throw new UserError('feedback.no_draft');
    return this.file(actor, { chatKey: draft.chatKey, key: draft.sourceKey, ...(draft.messageId ? { messageId: draft.messageId } : {}) }, kind, draft.text, new Date(draft.at));
  }

  /** A member's newest tickets. */
  mine(memberId: number): TicketRow[] {
    return this.repo.ofMember(memberId, 10);
  }

  /** The member's own ticket; someone else's is "not found", so ticket numbers reveal nothing. */
  own(id: number, memberId: number): TicketRow {
    const ticket = this.repo.ticket(id);
    if (!ticket || ticket.memberId !== memberId) throw new UserError('feedback.not_found', { id });
    return ticket;
  }

  /** The member agrees (or no longer agrees) to be thanked by name in the public digest. Audited. */
  setCredit(id: number, actor: FeedbackActor, on: boolean, at: Date): TicketRow {
    const ticket = this.own(id, actor.memberId);
    this.repo.updateTicket(id, { creditName: on });
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'credit', on ? 'name' : 'anonymous');
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.credit', targetMemberId: ticket.memberId, detail: { ticket: id, name: on } });
    return { ...ticket, creditName: on };
  }

  // ── Staff ──────────────────────────────────────────────────────────────────────────────────

  get(id: number): TicketRow {
    const ticket = this.repo.ticket(id);
    if (!ticket) throw new UserError('feedback.not_found', { id });
    return ticket;
  }

  /**
   * Answers the member by DM (mentioned in their group where the DM is refused). The first
   * response stops the clock and records whether it came within the target. Audited.
   */
  reply(id: number, actor: FeedbackActor, text: string, at: Date): { ticket: TicketRow; outs: Outbound[]; first: boolean } {
    const ticket = this.get(id);
    const body = this.cleanText(text);
    if (ticket.status === 'closed') throw new UserError('feedback.is_closed', { id });
    const first = this.respond(ticket, actor, at);
    this.repo.updateTicket(id, { status: 'answered' });
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'reply', body);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.reply', targetMemberId: ticket.memberId, detail: { ticket: id, first } });
    const outs = this.toMember(ticket.memberId, (l) => joinLines([this.t(l, 'feedback.reply_dm', { id }), ...splitText(body, MESSAGE_PIECE).map((p) => [seg.text(p)])]));
    return { ticket: this.get(id), outs, first };
  }

  private respond(ticket: TicketRow, actor: FeedbackActor, at: Date): boolean {
    const minutes = businessMinutesBetween(new Date(ticket.createdAt), at, this.config.businessHours, this.timeZone);
    return this.repo.markFirstResponse(ticket.id, at.getTime(), actor.memberId, minutes);
  }

  /** A DM to the member in their language; the router mentions them in their group if the DM is refused. */
  private toMember(memberId: number, body: (locale: Locale) => Body): Outbound[] {
    const target = this.deps.members.dmTarget(memberId, this.staffChat);
    if (!target) return [];
    return [{ type: 'dm', user: target.user, name: target.name, body: body(target.locale), ...(target.fallbackChat ? { fallbackChat: target.fallbackChat } : {}) }];
  }

  /** Closes a ticket: staff any, a member only their own. Audited. */
  close(id: number, actor: FeedbackActor, at: Date, own = false): TicketRow {
    const ticket = own ? this.own(id, actor.memberId) : this.get(id);
    if (ticket.status === 'closed') throw new UserError('feedback.already_closed', { id });
    this.repo.updateTicket(id, { status: 'closed', closedAt: at.getTime() });
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'close');
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.close', targetMemberId: ticket.memberId, detail: { ticket: id, by: own ? 'member' : 'staff' } });
    return this.get(id);
  }

  /** Reopens a closed ticket (answered again if it had a response, else back in the queue). Audited. */
  reopen(id: number, actor: FeedbackActor, at: Date): TicketRow {
    const ticket = this.get(id);
    if (ticket.status !== 'closed') throw new UserError('feedback.not_closed', { id });
    this.repo.updateTicket(id, { status: ticket.firstResponseAt === null ? 'open' : 'answered', closedAt: null });
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'reopen');
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.reopen', targetMemberId: ticket.memberId, detail: { ticket: id } });
    return this.get(id);
  }

  private mustBeStaff(target: MemberTarget): void {
    if (!atLeast(this.deps.members.roleOf(target.memberId), 'moderator')) throw new UserError('feedback.assignee_not_staff', { name: target.name });
  }

  /** Assigns a ticket to a moderator: reminders then go to them. Audited. */
  assign(id: number, actor: FeedbackActor, assignee: MemberTarget, at: Date): TicketRow {
    const ticket = this.get(id);
    this.mustBeStaff(assignee);
    this.repo.updateTicket(id, { assigneeId: assignee.memberId });
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'assign', assignee.name);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.assign', targetMemberId: ticket.memberId, detail: { ticket: id, assignee: assignee.memberId } });
    return this.get(id);
  }

  /** Tags a ticket with one lowercase word. Audited. */
  tag(id: number, actor: FeedbackActor, word: string, at: Date): string {
    const ticket = this.get(id);
    const tag = word.trim().toLowerCase();
    if (!/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,31}$/u.test(tag)) throw new UserError('feedback.bad_tag', { tag: word });
    this.repo.addTag(id, tag);
    this.repo.addEvent(id, at.getTime(), actor.memberId, 'tag', tag);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'ticket.tag', targetMemberId: ticket.memberId, detail: { ticket: id, tag } });
    return tag;
  }

  /**
   * The weekly loop's decision on a suggestion: `planned`, `done "<what changed>"` or
   * `declined "<why>"`. The member is told by DM (which counts as a response); done and declined
   * close the ticket; done items go into the week's public digest. Audited.
   */
  decide(id: number, actor: FeedbackActor, decision: Decision, note: string | undefined, at: Date): { ticket: TicketRow; outs: Outbound[] } {
    const ticket = this.get(id);
    if (ticket.kind !== 'suggestion') throw new UserError('feedback.not_suggestion', { id });
    if (ticket.decision === decision) throw new UserError('feedback.already_decided', { id, decision: this.deps.translator.text(actor.locale, `feedback.decision.${decision}`) });
    const text = note?.trim() ?? '';
    if (decision !== 'planned' && text === '') throw new UserError('feedback.decision_note', { decision });
    if (text.length > 1000) throw new UserError('feedback.too_long', { max: 1000, length: text.length });
    this.respond(ticket, actor, at);
    const closing = decision !== 'planned';
    this.repo.updateTicket(id, {
      decision,
      decisionNote: text || null,
      decidedAt: at.getTime(),
      status: closing ? 'closed' : 'answered',
      ...(closing ? { closedAt: at.getTime() } : {}),
    });
    this.repo.addEvent(id, at.getTime(), actor.memberId, decision, text || null);
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: `suggestion.${decision}`, targetMemberId: ticket.memberId, detail: { ticket: id }, reason: text || null });
    const outs = this.toMember(ticket.memberId, (l) => this.t(l, `feedback.decided_dm.${decision}`, { id, note: text, text: preview(ticket.text, 80) }));
    return { ticket: this.get(id), outs };
  }

  list(filter: TicketFilter): TicketRow[] {
    return this.repo.list(filter, LIST_LIMIT);
  }

  /** One line of a list: id, kind, status, member, due (overdue marked), preview. */
  row(ticket: TicketRow, now: Date, locale: Locale): Body {
    const tr = this.deps.translator;
    const overdue = ticket.firstResponseAt === null && ticket.status === 'open' && ticket.dueAt < now.getTime();
    return this.t(locale, 'feedback.row', {
      id: ticket.id,
      kind: tr.text(locale, `feedback.kind.${ticket.kind}`),
      status: tr.text(locale, `feedback.status.${ticket.status}`) + (ticket.decision ? ` · ${tr.text(locale, `feedback.decision.${ticket.decision}`)}` : ''),
      name: this.deps.members.get(ticket.memberId)?.name ?? `#${ticket.memberId}`,
      due: overdue ? tr.text(locale, 'feedback.overdue_mark', { due: this.when(ticket.dueAt) }) : this.when(ticket.dueAt),
      vip: ticket.highValue ? tr.text(locale, 'feedback.vip') : '',
      text: preview(ticket.text, 60),
    });
  }

  /**
   * The whole ticket as messages: a header (state, deadline, response, tags), the full text split
   * into pieces under every platform's limit, then the thread. `forMember` leaves out staff notes.
   */
  card(ticket: TicketRow, now: Date, locale: Locale, forMember = false): Body[] {
    const tr = this.deps.translator;
    const header: Body[] = [
      this.t(locale, 'feedback.card', {
        id: ticket.id,
        kind: tr.text(locale, `feedback.kind.${ticket.kind}`),
        status: tr.text(locale, `feedback.status.${ticket.status}`),
        member: this.who(ticket.memberId),
        at: this.when(ticket.createdAt),
        due: this.when(ticket.dueAt),
      }),
    ];
    if (ticket.firstResponseAt !== null) {
      const late = ticket.firstResponseAt > ticket.dueAt;
      header.push(this.t(locale, late ? 'feedback.card_late' : 'feedback.card_on_time', { at: this.when(ticket.firstResponseAt), took: this.duration(ticket.responseMinutes ?? 0, locale) }));
    } else if (ticket.status === 'open' && ticket.dueAt < now.getTime()) header.push(this.t(locale, 'feedback.card_overdue'));
    if (ticket.decision) header.push(this.t(locale, `feedback.card_decision`, { decision: tr.text(locale, `feedback.decision.${ticket.decision}`), note: ticket.decisionNote ?? '' }));
    if (!forMember) {
      if (ticket.highValue) header.push(this.t(locale, 'feedback.card_vip'));
      if (ticket.assigneeId !== null) header.push(this.t(locale, 'feedback.card_assignee', { member: this.who(ticket.assigneeId) }));
      const tags = this.repo.tags(ticket.id);
      if (tags.length > 0) header.push(this.t(locale, 'feedback.card_tags', { tags: tags.join(', ') }));
    }
    const pieces = splitText(ticket.text, MESSAGE_PIECE);
    const messages: Body[] = [joinLines([...header, [seg.text(pieces[0]!)]]), ...pieces.slice(1).map((p, i) => joinLines([this.t(locale, 'feedback.card_continued', { id: ticket.id, part: i + 2, parts: pieces.length }), [seg.text(p)]]))];
    const thread = this.repo.events(ticket.id).filter((e) => !forMember || MEMBER_EVENTS.has(e.kind));
    for (const e of thread) {
      const line = this.t(locale, 'feedback.card_event', { at: this.when(e.at), who: forMember ? tr.text(locale, 'feedback.staff') : this.who(e.actorId), what: tr.text(locale, `feedback.event.${e.kind}`), text: e.text ?? '' });
      for (const p of splitText(renderPlain(line), MESSAGE_PIECE)) messages.push([seg.text(p)]);
    }
    return messages;
  }

  // ── Figures ────────────────────────────────────────────────────────────────────────────────

  /** Median and p90 first response, within-target share, open and overdue, suggestions received and done (for `[from, to)` or all time). */
  figures(now: Date, from?: Date, to?: Date): FeedbackFigures {
    const rows = this.repo.forFigures(from?.getTime(), to?.getTime());
    const answered = rows.filter((r) => r.firstResponseAt !== null);
    const minutes = answered.map((r) => r.responseMinutes ?? 0).sort((a, b) => a - b);
    const onTime = answered.filter((r) => r.firstResponseAt! <= r.dueAt).length;
    const missed = rows.filter((r) => r.firstResponseAt === null && r.status !== 'closed' && r.dueAt < now.getTime()).length;
    const judged = answered.length + missed;
    const counts = this.repo.countOpen();
    const suggestions = rows.filter((r) => r.kind === 'suggestion');
    return {
      tickets: rows.length,
      answered: answered.length,
      medianFirstResponseMinutes: percentile(minutes, 0.5),
      p90FirstResponseMinutes: percentile(minutes, 0.9),
      withinTargetShare: judged === 0 ? null : onTime / judged,
      answeredLate: answered.length - onTime,
      open: counts.open,
      overdue: counts.overdue(now.getTime()),
      suggestionsReceived: suggestions.length,
      suggestionsDone: suggestions.filter((r) => r.decision === 'done').length,
    };
  }

  /** The figures as lines for staff. */
  figureLines(f: FeedbackFigures, locale: Locale): Body[] {
    const d = (m: number | null) => (m === null ? '-' : this.duration(m, locale));
    return [
      this.t(locale, 'feedback.stats_response', { tickets: f.tickets, answered: f.answered, median: d(f.medianFirstResponseMinutes), p90: d(f.p90FirstResponseMinutes) }),
      this.t(locale, 'feedback.stats_target', { share: f.withinTargetShare === null ? '-' : `${Math.round(f.withinTargetShare * 100)}%`, late: f.answeredLate }),
      this.t(locale, 'feedback.stats_queue', { open: f.open, overdue: f.overdue }),
      this.t(locale, 'feedback.stats_suggestions', { received: f.suggestionsReceived, done: f.suggestionsDone }),
    ];
  }

  // ── Deadlines ──────────────────────────────────────────────────────────────────────────────

  /**
   * The deadline sweep, woken at the next deadline: reminds at the reminder share and escalates at
   * the deadline, tickets and tasks alike. Each reminder is recorded before it is sent, so a double
   * fire or a restart reminds once; one whose deadline has passed too by the time it runs is
   * recorded as skipped (the escalation says it all). Runs inside a transaction; the caller sends
   * after commit.
   */
  sweep(now: Date): Outbound[] {
    const outs: Outbound[] = [];
    const at = now.getTime();
    for (const stage of ['overdue', 'remind'] as const) {
      for (const ticket of this.repo.dueTickets(stage, at)) {
        const skip = stage === 'remind' && ticket.dueAt <= at;
        if (!this.repo.claimReminder('ticket', ticket.id, stage, at, skip ? 'skipped' : 'sent') || skip) continue;
        outs.push(...this.toStaff(this.ticketReminder(ticket, stage)));
      }
      for (const task of this.repo.dueTasks(stage, at)) {
        const skip = stage === 'remind' && task.dueAt <= at;
        if (!this.repo.claimReminder('task', task.id, stage, at, skip ? 'skipped' : 'sent') || skip) continue;
        outs.push(...this.toStaff(this.taskReminder(task, stage)));
      }
    }
    return outs;
  }

  /** The earliest reminder or deadline not yet recorded (ms), if any: when the sweep must wake next. */
  nextDeadline(): number | undefined {
    const times = this.repo.nextDeadlines().filter((t): t is number => t !== null);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Called with each new ticket's or task's first reminder time, so the sweep can be woken earlier. */
  onDeadline(listener: (at: number) => void): void {
    this.deadlineListeners.push(listener);
  }

  private deadlineAdded(at: number): void {
    for (const l of this.deadlineListeners) l(at);
  }

  /** Whom a reminder mentions: the assignee, else every moderator; an escalation adds the operators. */
  private recipients(assigneeId: number | null, stage: 'remind' | 'overdue'): Body {
    const people = new Map<number, MemberTarget>();
    if (assigneeId !== null) {
      const a = this.deps.members.target(assigneeId);
      if (a) people.set(a.memberId, a);
    } else for (const m of this.deps.members.withRole('moderator')) if (this.deps.members.roleOf(m.memberId) === 'moderator') people.set(m.memberId, m);
    if (stage === 'overdue') for (const m of this.deps.members.withRole('operator')) people.set(m.memberId, m);
    const out: Body[] = [...people.values()].map((p) => [seg.mention(p.user, p.name)]);
    return out.flatMap((b, i) => (i === 0 ? b : [seg.text(' '), ...b]));
  }

  private ticketReminder(ticket: TicketRow, stage: 'remind' | 'overdue'): Body {
    const l = this.staffLocale;
    return this.t(l, `feedback.${stage}`, {
      id: ticket.id,
      kind: this.deps.translator.text(l, `feedback.kind.${ticket.kind}`),
      name: this.deps.members.get(ticket.memberId)?.name ?? `#${ticket.memberId}`,
      share: Math.round(this.config.remindAt * 100),
      target: this.duration(ticket.targetMinutes, l),
      due: this.when(ticket.dueAt),
      who: this.recipients(ticket.assigneeId, stage),
    });
  }

  private taskReminder(task: TaskRow, stage: 'remind' | 'overdue'): Body {
    const l = this.staffLocale;
    return this.t(l, `feedback.task_${stage}`, {
      id: task.id,
      member: this.who(task.memberId),
      due: this.when(task.dueAt),
      share: Math.round(this.config.remindAt * 100),
      who: this.recipients(task.assigneeId, stage),
    });
  }

  // ── Follow-ups ─────────────────────────────────────────────────────────────────────────────

  /**
   * One follow-up task per new high-value quiet flag (the unique index makes a rerun create none).
   * Run right after the daily quiet scan, in its transaction.
   */
  syncFollowUps(now: Date): Outbound[] {
    const flags = this.deps.quiet.highValueFlagsAfter(this.repo.lastFollowedFlag());
    return flags.flatMap((f) => this.createFollowUp(f.id, f.memberId, null, undefined, now).outs);
  }

  private createFollowUp(flagId: number, memberId: number, actor: FeedbackActor | null, assignee: MemberTarget | undefined, at: Date): { task: TaskRow; outs: Outbound[] } {
    const minutes = this.config.followUp.targetMinutes;
    const created = this.repo.insertFollowUp({
      kind: 'follow-up',
      memberId,
      flagId,
      assigneeId: assignee?.memberId ?? null,
      createdAt: at.getTime(),
      remindAt: at.getTime() + Math.round(minutes * this.config.remindAt) * 60_000,
      dueAt: at.getTime() + minutes * 60_000,
    });
    if (!created) return { task: this.repo.taskForFlag(flagId)!, outs: [] };
    this.deadlineAdded(created.remindAt);
    this.deps.audit.record({ at, actorMemberId: actor?.memberId ?? null, action: 'followup.create', targetMemberId: memberId, detail: { task: created.id, flag: flagId, assignee: assignee?.memberId ?? null } });
    const l = this.staffLocale;
    const body = this.t(l, 'feedback.task_new', {
      id: created.id,
      flag: flagId,
      member: this.who(memberId),
      due: this.when(created.dueAt),
      target: this.duration(minutes, l),
      who: created.assigneeId === null ? this.deps.translator.text(l, 'feedback.unassigned') : this.who(created.assigneeId),
      reasons: this.config.followUp.reasons.join('|'),
    });
    return { task: created, outs: this.toStaff(body) };
  }

  /**
   * `/flag <id> assign @mod`: the flag's follow-up, created now if the scan made none (a member
   * who is not high-value but whom staff want to contact), assigned to the moderator. Audited.
   */
  assignFlag(flagId: number, actor: FeedbackActor, assignee: MemberTarget, at: Date): { task: TaskRow; outs: Outbound[] } {
    const flag = this.deps.quiet.get(flagId);
    if (!flag) throw new UserError('quiet.not_found', { id: flagId });
    this.mustBeStaff(assignee);
    const existing = this.repo.taskForFlag(flagId);
    if (!existing) return this.createFollowUp(flagId, flag.memberId, actor, assignee, at);
    return { task: this.assignTask(existing.id, actor, assignee, at), outs: [] };
  }

  task(id: number): TaskRow {
    const task = this.repo.task(id);
    if (!task) throw new UserError('feedback.task_not_found', { id });
    return task;
  }

  assignTask(id: number, actor: FeedbackActor, assignee: MemberTarget, at: Date): TaskRow {
    const task = this.task(id);
    this.mustBeStaff(assignee);
    this.repo.updateTask(id, { assigneeId: assignee.memberId });
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'followup.assign', targetMemberId: task.memberId, detail: { task: id, assignee: assignee.memberId } });
    return this.task(id);
  }

  /** Records a follow-up's outcome and churn reason (`other` needs a note). Audited. */
  completeTask(id: number, actor: FeedbackActor, outcome: string, reason: string, note: string | undefined, at: Date): TaskRow {
    const task = this.task(id);
    if (task.status === 'done') throw new UserError('feedback.task_done_already', { id });
    if (!(FOLLOW_UP_OUTCOMES as readonly string[]).includes(outcome)) throw new UserError('feedback.bad_outcome', { value: outcome, options: FOLLOW_UP_OUTCOMES.join(' | ') });
    const reasons = this.config.followUp.reasons;
    if (!reasons.includes(reason)) throw new UserError('feedback.bad_reason', { value: reason, options: reasons.join(' | ') });
    const text = note?.trim() || null;
    if (reason === 'other' && !text) throw new UserError('feedback.reason_note');
    this.repo.updateTask(id, { status: 'done', outcome: outcome as FollowUpOutcome, reason, note: text, doneAt: at.getTime(), doneBy: actor.memberId });
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'followup.done', targetMemberId: task.memberId, detail: { task: id, outcome, reason }, reason: text });
    return this.task(id);
  }

  tasks(filter: TicketFilter): TaskRow[] {
    return this.repo.tasks(filter, LIST_LIMIT);
  }

  taskRow(task: TaskRow, now: Date, locale: Locale): Body {
    const tr = this.deps.translator;
    const overdue = task.status === 'open' && task.dueAt < now.getTime();
    return this.t(locale, 'feedback.task_row', {
      id: task.id,
      member: this.deps.members.get(task.memberId)?.name ?? `#${task.memberId}`,
      flag: task.flagId ?? '-',
      status: task.status === 'done' ? `${tr.text(locale, `feedback.outcome.${task.outcome}`)} · ${this.reasonLabel(task.reason ?? '', locale)}` : tr.text(locale, 'feedback.status.open'),
      due: overdue ? tr.text(locale, 'feedback.overdue_mark', { due: this.when(task.dueAt) }) : this.when(task.dueAt),
      who: task.assigneeId === null ? tr.text(locale, 'feedback.unassigned') : (this.deps.members.get(task.assigneeId)?.name ?? '-'),
    });
  }

  reasonLabel(reason: string, locale: Locale): string {
    const key = `feedback.reason.${reason}`;
    return this.deps.translator.has(key) ? this.deps.translator.text(locale, key) : reason;
  }

  followUpStats(): FollowUpStats {
    const counts = this.repo.followUpCounts();
    const all = this.repo.allTasks().filter((t) => t.kind === 'follow-up');
    return {
      open: all.filter((t) => t.status === 'open').length,
      done: all.filter((t) => t.status === 'done').length,
      outcomes: Object.fromEntries(counts.outcomes.map((r) => [r.outcome, r.n])),
      reasons: Object.fromEntries(counts.reasons.map((r) => [r.reason, r.n])),
    };
  }

  /** Follow-up outcomes and churn reasons as lines, for `/recallstats`. */
  followUpLines(locale: Locale): Body[] {
    const s = this.followUpStats();
    if (s.open + s.done === 0) return [this.t(locale, 'feedback.followups_none')];
    const tr = this.deps.translator;
    const outcomes = FOLLOW_UP_OUTCOMES.map((o) => `${tr.text(locale, `feedback.outcome.${o}`)} ${s.outcomes[o] ?? 0}`).join(', ');
    const reasons = Object.entries(s.reasons).map(([r, n]) => `${this.reasonLabel(r, locale)} ${n}`).join(', ') || '-';
    const notes = this.repo
      .allTasks()
      .filter((t) => t.status === 'done' && t.note)
      .slice(-5)
      .map((t) => `“${preview(t.note!, 60)}”`)
      .join(' ');
    return [this.t(locale, 'feedback.followups_stats', { open: s.open, done: s.done, outcomes }), this.t(locale, 'feedback.followups_reasons', { reasons: notes ? `${reasons} · ${notes}` : reasons })];
  }

  // ── The weekly loop ────────────────────────────────────────────────────────────────────────

  /**
   * The weekly digests for the week before `slot`'s: to each community group (in its language)
   * what was suggested and what was done, thanking members by name only where they agreed; to the
   * staff chat the week's numbers. Each (week, chat) is recorded before it is sent: posted once.
   * Runs inside a transaction.
   */
  digest(slot: Date): Outbound[] {
    const tz = this.timeZone;
    const week = addDays(weekStart(localDay(slot, tz)), -7);
    const from = startOfLocalDay(week, tz);
    const to = startOfLocalDay(addDays(week, 7), tz);
    const counts = this.repo.countSuggestions(from.getTime(), to.getTime());
    const done = this.repo.doneBetween(from.getTime(), to.getTime());
    const outs: Outbound[] = [];
    if (counts.received > 0 || done.length > 0) {
      for (const chatKey of this.digestGroups()) {
        const locale = this.deps.community.posts.groupLocales[chatKey] ?? this.deps.community.community.locale;
        const body = this.publicDigest(week, counts, done, locale);
        if (this.repo.claimDigest(week, chatKey, 'public', slot.getTime(), JSON.stringify(body))) outs.push({ type: 'send', chat: parseChatKey(chatKey), body });
      }
    }
    const figures = this.figures(slot, from, to);
    // A week with no ticket and no decision has nothing to report.
    if (this.staffChat && (figures.tickets > 0 || counts.done + counts.planned + counts.declined > 0)) {
      const l = this.staffLocale;
      const body = joinLines([this.t(l, 'feedback.staff_digest', { week, ...counts }), ...this.figureLines(figures, l)]);
      if (this.repo.claimDigest(week, this.staffChat, 'staff', slot.getTime(), JSON.stringify(body))) outs.push(...this.toStaff(body));
    }
    return outs;
  }

  private digestGroups(): string[] {
    if (this.config.digestGroups.length > 0) return [...this.config.digestGroups];
    return this.deps.groups
      .all()
      .map((g) => g.chatKey)
      .filter((k) => k !== this.staffChat)
      .sort();
  }

  private publicDigest(week: string, counts: { received: number; done: number; planned: number }, done: readonly TicketRow[], locale: Locale): Body {
    const tr = this.deps.translator;
    const lines: Body[] = [this.t(locale, 'feedback.digest_title', { week, received: counts.received, done: counts.done, planned: counts.planned })];
    for (const s of done) {
      const thanks = s.creditName ? (this.deps.members.get(s.memberId)?.name ?? tr.text(locale, 'feedback.a_member')) : tr.text(locale, 'feedback.a_member');
      lines.push(this.t(locale, 'feedback.digest_done', { text: preview(s.text, 80), change: s.decisionNote ?? '', thanks }));
    }
    lines.push(this.t(locale, 'feedback.digest_footer'));
    return joinLines(lines);
  }

  // ── Export ─────────────────────────────────────────────────────────────────────────────────

  /** Tickets (with their thread), follow-ups, the figures and follow-up stats, for `export`. */
  exportAll(now: Date): { tickets: unknown[]; followUps: unknown[]; figures: FeedbackFigures; followUpStats: FollowUpStats } {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      tickets: this.repo.allTickets().map((t) => ({
        id: t.id,
        member: t.memberId,
        kind: t.kind,
        status: t.status,
        text: t.text,
        length: t.text.length,
        chat: t.chatKey,
        tier: t.tier,
        highValue: t.highValue,
        createdAt: iso(t.createdAt),
        clockStartsAt: iso(t.clockStartsAt),
        remindAt: iso(t.remindAt),
        dueAt: iso(t.dueAt),
        firstResponseAt: iso(t.firstResponseAt),
        responseMinutes: t.responseMinutes,
        withinTarget: t.firstResponseAt === null ? null : t.firstResponseAt <= t.dueAt,
        assignee: t.assigneeId,
        tags: this.repo.tags(t.id),
        decision: t.decision,
        decisionNote: t.decisionNote,
        creditName: t.creditName,
        reminders: this.repo.reminders('ticket', t.id).map((r) => ({ stage: r.stage, at: iso(r.at), status: r.status })),
        events: this.repo.events(t.id).map((e) => ({ at: iso(e.at), actor: e.actorId, kind: e.kind, text: e.text })),
      })),
      followUps: this.repo.allTasks().map((k) => ({
        id: k.id,
        kind: k.kind,
        member: k.memberId,
        flag: k.flagId,
        status: k.status,
        assignee: k.assigneeId,
        createdAt: iso(k.createdAt),
        dueAt: iso(k.dueAt),
        outcome: k.outcome,
        reason: k.reason,
        note: k.note,
        doneAt: iso(k.doneAt),
        reminders: this.repo.reminders('task', k.id).map((r) => ({ stage: r.stage, at: iso(r.at), status: r.status })),
      })),
      figures: this.figures(now),
      followUpStats: this.followUpStats(),
    };
  }
}

