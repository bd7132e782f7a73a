import { arg, defineCommand, type CommandSpec, type Responder } from '../../core/command.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { localDateTime } from '../../core/clock.ts';
import { ArgError } from '../../core/errors.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { chatKey, parseChatKey } from '../../core/ids.ts';
import { notice } from '../../core/notices.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines } from '../../core/outbound.ts';
import type { MembersService } from '../members/index.ts';
import { TASKS, type ClaimRow, type EarningService, type Earned } from './service.ts';

/** The lines telling a member which new-member tasks just paid. */
export function taskLines(t: Responder['t'], tasks: Earned['tasks']): Body[] {
  return tasks.map((x) => (x.task === 'all' ? t('earning.tasks_all_done', { points: x.points }) : t('earning.task_done', { task: t(`earning.task.${x.task}`), points: x.points })));
}

/**
 * The passive side of earning: post and share points for messages in groups (commands never
 * reach listeners), referrals on joins, and voiding them when a newcomer leaves. A share queued
 * for review is announced in the staff chat.
 */
export function earningListener(earning: EarningService, staff: { chat: string | undefined; locale: Locale; translator: Translator }): Listener {
  return {
    name: 'earning',
    on: ['message', 'member.joined', 'member.left'],
    handle(ctx) {
      if (ctx.chat.kind !== 'group') return;
      const key = chatKey(ctx.chat.ref);
      const { event } = ctx;
      if (event.type === 'member.joined') earning.onJoin(event, ctx.actor.memberId, key);
      else if (event.type === 'member.left') earning.onLeave(ctx.actor.memberId, key, event.at);
      else if (event.type === 'message') {
        const earned = earning.onMessage(event, ctx.actor, key, ctx.chat.timeZone);
        if (earned.kind === 'queued') ctx.reply(ctx.t('earning.share_queued'));
        const lines = taskLines((k, p) => ctx.t(k, p), earned.tasks);
        if (lines.length > 0) {
          const body = joinLines(lines);
          const inGroup: Outbound = ctx.messageId === undefined ? { type: 'send', chat: ctx.chat.ref, body } : { type: 'reply', chat: ctx.chat.ref, replyTo: ctx.messageId, body };
          ctx.emit(notice({ kind: 'tasks', chatKey: key, public: inGroup, private: [{ type: 'dm', user: ctx.actor.user, name: ctx.actor.name, body }] }));
        }
        if (earned.claim && staff.chat) {
          const t: Responder['t'] = (k, p) => staff.translator.t(staff.locale, k, p);
          const params = { id: earned.claim.id, name: ctx.actor.name, what: sharedWhat(t, earned.claim, ctx.chat.timeZone) };
          ctx.send(parseChatKey(staff.chat), t('earning.claim_to_review', params));
        }
      }
    },
  };
}

/**
 * What a share is, for a reviewer: the link; a card's title (and link); a forwarded message's
 * text, or that it was forwarded without text. With where and when it was shared, so a moderator
 * can find a forward in its chat.
 */
export function sharedWhat(t: Responder['t'], claim: ClaimRow, timeZone: string): Body {
  const where = { chat: parseChatKey(claim.chatKey).chatId, at: localDateTime(new Date(claim.at), timeZone) };
  if (claim.kind === 'card') return t('earning.shared_card', { title: claim.excerpt ?? '', url: claim.url ? ` ${claim.url}` : '', ...where });
  if (claim.kind === 'forward' || claim.url === null) return t(claim.excerpt ? 'earning.shared_forward' : 'earning.shared_forward_bare', { text: claim.excerpt ?? '', ...where });
  return t('earning.shared_link', { url: claim.url, ...where });
}

const FACTOR = /^(\d+(?:\.\d+)?)x?$/i;
const DURATION = /^(\d+)(h|d)$/i;

/** `/tasks`, the moderators' `/claims` and `/claim`, the operators' `/boost`. */
export function earningCommands(earning: EarningService, members: MembersService, translator: Translator): CommandSpec[] {
  return [
    defineCommand({
      name: 'tasks',
      aliases: ['newbie'],
      bare: ['任务', '新手任务'],
      feature: 'earning',
      args: [],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const done = earning.tasksDone(ctx.actor.memberId);
        const lines = [ctx.t('earning.tasks_title')];
        for (const t of TASKS) lines.push(ctx.t(done.has(t) ? 'earning.task_row_done' : 'earning.task_row_open', { task: ctx.t(`earning.task.${t}`) }));
        lines.push(ctx.t(done.size === TASKS.length ? 'earning.tasks_complete' : 'earning.tasks_progress', { done: done.size, total: TASKS.length }));
        ctx.reply(joinLines(lines));
      },
    }),
    defineCommand({
      name: 'claims',
      feature: 'earning',
      args: [],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const rows = earning.pendingClaims();
        if (rows.length === 0) {
          ctx.reply(ctx.t('earning.claims_empty'));
          return;
        }
        ctx.reply(joinLines([ctx.t('earning.claims_title'), ...rows.map((r) => ctx.t('earning.claim_row', { id: r.id, name: r.name, what: sharedWhat(ctx.t, r, ctx.chat.timeZone) }))]));
      },
    }),
    defineCommand({
      name: 'claim',
      feature: 'earning',
      args: [arg.choice('decision', ['approve', 'reject']), arg.int('id'), arg.optional(arg.text('reason', 'not a link to our brand'))],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const approve = ctx.args.decision === 'approve';
        const reason = approve ? null : (ctx.args.reason ?? null);
        const r = earning.reviewClaim(ctx.args.id, approve, ctx.actor.memberId, ctx.now, reason);
        const rejectedKey = reason ? 'earning.claim_rejected_reason' : 'earning.claim_rejected';
        ctx.reply(ctx.t(approve ? 'earning.claim_approved' : rejectedKey, { id: r.claim.id, name: r.claim.name, points: r.points, reason: reason ?? '' }));
        const target = members.target(r.claim.memberId);
        if (target) {
          // The member is told in their own language, not the moderator's.
          const locale = members.localeOf(members.get(r.claim.memberId)!);
          const t: Responder['t'] = (key, params) => translator.t(locale, key, params);
          const dmKey = approve ? 'earning.claim_approved_dm' : reason ? 'earning.claim_rejected_reason_dm' : 'earning.claim_rejected_dm';
          const body = joinLines([t(dmKey, { points: r.points, reason: reason ?? '', at: localDateTime(new Date(r.claim.at), ctx.chat.timeZone) }), ...taskLines(t, r.tasks)]);
          ctx.dm(target.user, body, { name: target.name, fallbackChat: parseChatKey(r.claim.chatKey) });
        }
      },
    }),
    defineCommand({
      name: 'boost',
      feature: 'earning',
      args: [arg.word('factor', '2x'), arg.optional(arg.word('duration', '48h')), arg.optional(arg.choice('scope', ['here', 'all']))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const inGroup = ctx.chat.kind === 'group';
        if (ctx.args.factor.toLowerCase() === 'off') {
          // `/boost off [all]`: the second word is the scope here.
          const all = !inGroup || ctx.args.duration === 'all';
          const ended = earning.endBoosts(all ? null : chatKey(ctx.chat.ref), ctx.actor.memberId, ctx.now);
          ctx.reply(ctx.t('earning.boost_off', { count: ended }));
          return;
        }
        const f = FACTOR.exec(ctx.args.factor);
        const factor = f ? Number(f[1]) : NaN;
        if (!(factor >= 1 && factor <= 10)) throw new ArgError('factor', 'earning.boost_bad_factor', { value: ctx.args.factor });
        // Optional in the grammar only because `/boost off` takes a scope in its place.
        if (ctx.args.duration === undefined) throw new ArgError('duration', 'args.missing');
        const d = DURATION.exec(ctx.args.duration);
        if (!d) throw new ArgError('duration', 'earning.boost_bad_duration', { value: ctx.args.duration });
        const hours = Number(d[1]) * (d[2]!.toLowerCase() === 'd' ? 24 : 1);
        if (hours < 1 || hours > 24 * 31) throw new ArgError('duration', 'earning.boost_bad_duration', { value: d[0] });
        const community = !inGroup || ctx.args.scope === 'all';
        const ends = earning.startBoost(factor, hours, community ? null : chatKey(ctx.chat.ref), ctx.actor.memberId, ctx.now);
        ctx.reply(ctx.t(community ? 'earning.boost_all' : 'earning.boost_here', { factor, hours, until: localDateTime(ends, ctx.chat.timeZone) }));
      },
    }),
  ];
}
