import { arg, defineCommand, type CommandContext, type CommandSpec, type Responder } from '../../core/command.ts';
import { localDateTime } from '../../core/clock.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { ArgError } from '../../core/errors.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { chatKey, parseChatKey } from '../../core/ids.ts';
import { joinLines, type Body, type Outbound } from '../../core/outbound.ts';
import { CAMPAIGN_KINDS, titleOf, WINNER_RULES, type CampaignDef, type CampaignKind, type EntryRule, type WinnerRule } from './pack.ts';
import { SHOWCASE_CONSENTS, type CampaignService, type EntryOutcome, type NewCampaign } from './service.ts';

const MINUTE = 60_000;

function until(def: CampaignDef): string {
  return localDateTime(new Date(def.end - MINUTE), def.timeZone);
}

function emitAll(ctx: Responder, outs: readonly Outbound[]): void {
  for (const out of outs) ctx.emit(out);
}

/** The member's answer to one entry (nothing for an entry before the campaign starts). */
function outcomeLine(t: Responder['t'], o: EntryOutcome, locale: Locale): Body {
  const title = titleOf(o.campaign, locale);
  const cap = o.campaign.perMember;
  switch (o.status) {
    case 'accepted':
      return t(o.points > 0 ? 'campaign.entry_accepted_points' : 'campaign.entry_accepted', { title, entry: o.entryId ?? 0, points: o.points, count: o.count, cap });
    case 'pending':
      return t('campaign.entry_pending', { title, entry: o.entryId ?? 0 });
    case 'duplicate':
      return t('campaign.entry_duplicate', { title });
    case 'capped':
      return t('campaign.entry_capped', { title, cap });
    case 'empty':
      return t('campaign.entry_empty', { title });
    case 'closed':
      return t('campaign.entry_closed', { title, until: o.endedAt !== undefined && o.endedAt < o.campaign.end ? localDateTime(new Date(o.endedAt), o.campaign.timeZone) : until(o.campaign) });
  }
}

/**
 * Entries and reactions in groups: every message is checked against the campaigns running there;
 * the member is told what their entry earned; an entry waiting for review is announced in the
 * staff chat.
 */
export function campaignsListener(campaigns: CampaignService, staff: { chat: string | undefined; locale: Locale; translator: Translator }): Listener {
  return {
    name: 'campaigns',
    on: ['message', 'reaction'],
    handle(ctx) {
      if (ctx.chat.kind !== 'group') return;
      const key = chatKey(ctx.chat.ref);
      const { event } = ctx;
      if (event.type === 'reaction') {
        campaigns.onReaction(event, ctx.actor.memberId, key);
        return;
      }
      if (event.type !== 'message') return;
      const outcomes = campaigns.onMessage(event, ctx.actor, { chatKey: key, tier: ctx.chat.tier });
      if (outcomes.length === 0) return;
      ctx.reply(joinLines(outcomes.map((o) => outcomeLine((k, p) => ctx.t(k, p), o, ctx.actor.locale))));
      for (const o of outcomes) {
        if (o.status !== 'pending' || !staff.chat) continue;
        const params = { id: o.campaign.id, entry: o.entryId ?? 0, name: ctx.actor.name, text: event.text.trim() };
        ctx.send(parseChatKey(staff.chat), staff.translator.t(staff.locale, 'campaign.entry_to_review', params));
      }
    },
  };
}

const DURATION = /^(\d+)(h|d)$/i;
const ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Reads `/campaign new <id> [#tag|keyword=…|media|reply] [7d] [points=N] [cap=N] [winners=reactions:3]
 * [prize=N|prize=sku] [review=yes] [kind=contest] <title…>`: options in any order, the words
 * that are no option make the title.
 */
export function parseNewCampaign(text: string): NewCampaign {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const id = words.shift();
  if (id === undefined) throw new ArgError('campaign_detail', 'args.missing');
  if (!ID.test(id)) throw new ArgError('campaign_detail', 'campaign.bad_id', { value: id });
  const title: string[] = [];
  let hours = 7 * 24;
  let entry: EntryRule | undefined;
  const opts: { kind?: CampaignKind; points?: number; perMember?: number; review?: boolean; winners?: { by: WinnerRule; count: number }; prize?: { points: number; reward?: string } } = {};
  const int = (value: string, min: number, max: number): number => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw new ArgError('campaign_detail', 'campaign.bad_option', { value });
    return n;
  };
  for (const w of words) {
    const d = DURATION.exec(w);
    const kv = /^([a-z]+)=(.+)$/i.exec(w);
    if ((w.startsWith('#') || w.startsWith('＃')) && w.length > 1) entry = { by: 'hashtag', tag: w };
    else if (w.toLowerCase() === 'media') entry = { by: 'media' };
    else if (w.toLowerCase() === 'reply') entry = { by: 'reply' };
    else if (d) {
      hours = Number(d[1]) * (d[2]!.toLowerCase() === 'd' ? 24 : 1);
      if (hours < 1 || hours > 24 * 92) throw new ArgError('campaign_detail', 'campaign.bad_option', { value: w });
    } else if (kv) {
      const [, k, v] = kv as unknown as [string, string, string];
      switch (k.toLowerCase()) {
        case 'keyword':
          entry = { by: 'keyword', tag: v };
          break;
        case 'points':
          opts.points = int(v, 0, 100_000);
          break;
        case 'cap':
          opts.perMember = int(v, 1, 1000);
          break;
        case 'review':
          opts.review = /^(yes|true|on|1|是)$/i.test(v);
          break;
        case 'kind':
          if (!(CAMPAIGN_KINDS as readonly string[]).includes(v)) throw new ArgError('campaign_detail', 'campaign.bad_option', { value: w });
          opts.kind = v as CampaignKind;
          break;
        case 'winners': {
          const [by, count] = v.split(':');
          if (!(WINNER_RULES as readonly string[]).includes(by!)) throw new ArgError('campaign_detail', 'campaign.bad_option', { value: w });
          opts.winners = { by: by as WinnerRule, count: count === undefined ? 1 : int(count, 1, 50) };
          break;
        }
        case 'prize':
          opts.prize = /^\d+$/.test(v) ? { points: int(v, 0, 1_000_000) } : { points: 0, reward: v };
          break;
        default:
          throw new ArgError('campaign_detail', 'campaign.bad_option', { value: w });
      }
    } else title.push(w);
  }
  if (!entry) throw new ArgError('campaign_detail', 'campaign.need_entry_rule');
  if (title.length === 0) throw new ArgError('campaign_detail', 'campaign.need_title');
  return { id, title: title.join(' '), hours, entry, ...opts };
}

type Ctx = CommandContext<{ campaign: string | undefined; campaign_detail: string | undefined }>;

function memberView(ctx: Ctx, campaigns: CampaignService): void {
  const locale = ctx.actor.locale;
  const where = ctx.chat.kind === 'group' ? { chatKey: chatKey(ctx.chat.ref), tier: ctx.chat.tier, platform: ctx.chat.ref.platform } : undefined;
  const running = campaigns.running(ctx.now, where).filter((d) => where || d.targets.tiers.length === 0 || d.targets.tiers.includes(ctx.actor.tier));
  const lines: Body[] = [];
  if (running.length === 0) lines.push(ctx.t('campaign.none_running'));
  else {
    lines.push(ctx.t('campaign.running_title'));
    for (const d of running) {
      const how = d.entry.by === 'media' ? ctx.t('campaign.how_short_media') : d.entry.by === 'reply' ? ctx.t('campaign.how_short_reply') : ctx.t('campaign.how_short_tag', { tag: d.entry.tag });
      lines.push(ctx.t('campaign.running_row', { title: titleOf(d, locale), how, until: until(d), points: d.points, cap: d.perMember }));
    }
  }
  const mine = campaigns.mine(ctx.actor.memberId);
  if (mine.length > 0) {
    lines.push(ctx.t('campaign.mine_title'));
    for (const m of mine) lines.push(ctx.t('campaign.mine_row', { title: titleOf(m.campaign, locale), count: m.counted, cap: m.campaign.perMember, points: m.points }));
  }
  lines.push(ctx.t('campaign.showcase_is', { consent: ctx.t(`campaign.consent.${campaigns.consentOf(ctx.actor.memberId)}`) }));
  ctx.reply(joinLines(lines));
}

function entryNumber(value: string | undefined): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new ArgError('campaign_detail', 'campaign.bad_entry', { value: value ?? '' });
  return n;
}

function operatorView(ctx: Ctx, campaigns: CampaignService, first: string, detail: string): void {
  const locale = ctx.actor.locale;
  if (first === 'new') {
    const { def, outs } = campaigns.create(parseNewCampaign(detail), ctx.actor, ctx.now);
    emitAll(ctx, outs);
    ctx.reply(ctx.t('campaign.created', { id: def.id, title: titleOf(def, locale), until: until(def), groups: outs.length }));
    return;
  }
  const row = campaigns.get(first);
  const [action, ...rest] = detail.split(/\s+/).filter(Boolean);
  switch (action) {
    case undefined:
    case 'results': {
      const f = campaigns.figures(row.id, ctx.now);
      const lines: Body[] = [
        ctx.t('campaign.status_line', { id: row.id, title: titleOf(row.def, locale), status: ctx.t(`campaign.status.${row.status}`), from: localDateTime(new Date(row.def.start), row.def.timeZone), until: until(row.def) }),
        ctx.t('campaign.figures', { entries: f.entries, participants: f.participants, fresh: f.newParticipants, points: f.pointsPaid, ugc: f.ugc, before: f.ugcBefore, lift: f.ugcLift === null ? '-' : `${f.ugcLift >= 0 ? '+' : ''}${Math.round(f.ugcLift * 100)}%` }),
      ];
      const winners = campaigns.repo.winners(row.id);
      for (const w of winners) lines.push(ctx.t('campaign.results_row_entry', { place: w.place, name: w.name, entry: w.entryId, score: w.score ?? '-' }));
      if (row.seed) lines.push(ctx.t('campaign.results_seed', { seed: row.seed }));
      ctx.reply(joinLines(lines));
      return;
    }
    case 'entries': {
      const entries = campaigns.repo.entries(row.id, 20);
      if (entries.length === 0) {
        ctx.reply(ctx.t('campaign.entries_empty', { id: row.id }));
        return;
      }
      const lines: Body[] = [ctx.t('campaign.entries_title', { id: row.id, count: entries.length })];
      for (const e of entries) {
        const text = [...e.text].length > 60 ? `${[...e.text].slice(0, 60).join('')}…` : e.text;
        lines.push(ctx.t('campaign.entry_row', { entry: e.id, name: e.name, status: ctx.t(`campaign.entry_status.${e.status}`), reactions: e.reactions, text }));
      }
      ctx.reply(joinLines(lines));
      return;
    }
    case 'feature': {
      const { entry, outs } = campaigns.feature(row.id, entryNumber(rest[0]), ctx.actor.memberId, ctx.now);
      emitAll(ctx, outs);
      ctx.reply(ctx.t('campaign.featured', { entry: entry.id, name: entry.name }));
      return;
    }
    case 'close': {
      const r = campaigns.close(row.id, ctx.actor.memberId, ctx.now);
      emitAll(ctx, r.outs);
      if (r.alreadyClosed && r.paidNow === 0) ctx.reply(ctx.t('campaign.already_closed', { id: row.id }));
      else ctx.reply(ctx.t('campaign.closed_now', { id: row.id, winners: r.winners.length, paid: r.paidNow }));
      return;
    }
    default:
      throw new ArgError('campaign_detail', 'campaign.bad_action', { value: action });
  }
}

/**
 * `/campaign` (members: what runs and their own entries; operators: `new`, `<id> entries|feature
 * <entry>|close|results`), the moderators' `/entries` and `/entry approve|reject|pick <entry>`,
 * and `/showcase` (whether staff may quote a member's entries).
 */
export function campaignCommands(campaigns: CampaignService): CommandSpec[] {
  return [
    defineCommand({
      name: 'campaign',
      aliases: ['campaigns', '活动'],
      bare: ['活动'],
      feature: 'campaigns',
      args: [arg.optional(arg.word('campaign', 'coffee-moment')), arg.optional(arg.text('campaign_detail', 'entries'))],
      role: 'member',
      argsRole: 'operator',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        if (ctx.args.campaign === undefined) memberView(ctx, campaigns);
        else operatorView(ctx, campaigns, ctx.args.campaign, ctx.args.campaign_detail ?? '');
      },
    }),
    defineCommand({
      name: 'entries',
      feature: 'campaigns',
      args: [],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const rows = campaigns.repo.pending(20);
        if (rows.length === 0) {
          ctx.reply(ctx.t('campaign.review_empty'));
          return;
        }
        ctx.reply(joinLines([ctx.t('campaign.review_title'), ...rows.map((e) => ctx.t('campaign.review_row', { entry: e.id, id: e.campaignId, name: e.name, text: e.text }))]));
      },
    }),
    defineCommand({
      name: 'entry',
      feature: 'campaigns',
      args: [arg.choice('entry_action', ['approve', 'reject', 'pick']), arg.int('entry')],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const { entry_action: action, entry: id } = ctx.args;
        if (action === 'pick') {
          const e = campaigns.pick(id, ctx.actor.memberId, ctx.now);
          ctx.reply(ctx.t('campaign.picked', { entry: e.id, name: e.name, id: e.campaignId }));
          return;
        }
        const e = campaigns.review(id, action === 'approve', ctx.actor.memberId, ctx.now);
        ctx.reply(ctx.t(action === 'approve' ? 'campaign.approved' : 'campaign.rejected', { entry: e.id, name: e.name, points: e.points }));
      },
    }),
    defineCommand({
      name: 'showcase',
      aliases: ['展示'],
      feature: 'campaigns',
      args: [arg.optional(arg.choice('consent', SHOWCASE_CONSENTS))],
      role: 'member',
      where: 'any',
      handler: (ctx) => {
        if (ctx.args.consent === undefined) {
          ctx.reply(ctx.t('campaign.showcase_is', { consent: ctx.t(`campaign.consent.${campaigns.consentOf(ctx.actor.memberId)}`) }));
          return;
        }
        campaigns.setConsent(ctx.actor.memberId, ctx.args.consent, ctx.now);
        ctx.reply(ctx.t('campaign.showcase_set', { consent: ctx.t(`campaign.consent.${ctx.args.consent}`) }));
      },
    }),
  ];
}
