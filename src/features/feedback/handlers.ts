import { arg, defineCommand, type ChatContext, type CommandContext, type CommandSpec, type EventContext } from '../../core/command.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { UserError } from '../../core/errors.ts';
import type { MessageEvent } from '../../core/events.ts';
import { chatKey } from '../../core/ids.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines } from '../../core/outbound.ts';
import type { MembersService } from '../members/index.ts';
import type { TicketFilter } from './repo.ts';
import { kindWord, type FeedbackService, type TicketSource } from './service.ts';
import { DECISIONS, type TicketKind } from './schema.ts';

/** What a handler or listener has to file a ticket and answer: the event's context. */
type Ctx = CommandContext<unknown> | EventContext<MessageEvent>;

/**
 * The text after the command word, exactly as written (line breaks, quotes and spacing kept):
 * a ticket or a reply is stored as the member or moderator wrote it, not as re-joined tokens.
 */
function rawAfter(text: string, words: number): string {
  let rest = text.trim();
  for (let i = 0; i < words; i++) rest = rest.replace(/^\S+[ \t\u3000]*/u, '');
  return rest.replace(/^\s+/, '');
}

/** The first word and the rest, line breaks in the rest kept. */
function firstWord(text: string): [string, string] {
  const m = /^(\S+)\s*([\s\S]*)$/u.exec(text.trim());
  return m ? [m[1]!, m[2]!] : ['', ''];
}

function sourceOf(ctx: Ctx): TicketSource {
  return { chatKey: chatKey(ctx.chat.ref), ...(ctx.messageId === undefined ? {} : { messageId: ctx.messageId }), key: ctx.key };
}

/** Sends several bodies as separate replies (a long ticket is more than one message). */
function replyAll(ctx: Ctx, bodies: readonly Body[]): void {
  for (const b of bodies) ctx.reply(b);
}

function emitAll(ctx: Ctx, outs: readonly Outbound[]): void {
  for (const o of outs) ctx.emit(o);
}

/**
 * Files `text` as `kind`; without a kind, keeps it and asks question or suggestion. A kind word
 * alone files what is waiting. Shared by `/feedback`, `问题`, `建议` and direct messages.
 */
function submit(feedback: FeedbackService, ctx: Ctx, kind: TicketKind | undefined, text: string): void {
  const actor = { memberId: ctx.actor.memberId, locale: ctx.actor.locale, tier: ctx.actor.tier };
  const at = ctx.now;
  if (kind && text.trim() === '') {
    if (!feedback.hasDraft(actor.memberId)) throw new UserError('feedback.need_text');
    const { ticket, outs } = feedback.fileDraft(actor, kind, at);
    ctx.reply(feedback.receipt(ticket, actor.locale));
    emitAll(ctx, outs);
    return;
  }
  if (!kind) {
    feedback.hold(actor, sourceOf(ctx), text, at);
    ctx.reply(ctx.t(ctx.chat.kind === 'direct' ? 'feedback.ask_kind_dm' : 'feedback.ask_kind'));
    return;
  }
  const { ticket, outs } = feedback.file(actor, sourceOf(ctx), kind, text, at);
  ctx.reply(feedback.receipt(ticket, actor.locale));
  emitAll(ctx, outs);
}

/** Tickets name members and quote them: shown in the staff chat or a direct chat, never in a community group. */
function staffOnly(chat: ChatContext, staffChat: string | undefined): void {
  if (chat.kind === 'group' && chatKey(chat.ref) !== staffChat) throw new UserError('feedback.staff_only');
}

function who(ctx: Ctx) {
  return { memberId: ctx.actor.memberId, locale: ctx.actor.locale };
}

/** The member an `assign @mod` names. */
function assignee(ctx: CommandContext<unknown>, token: string | undefined) {
  const t = token?.trim().split(/\s+/)[0];
  if (!t) throw new UserError('feedback.assign_who');
  const target = ctx.resolveMember(t);
  if (!target) throw new UserError('args.unknown_member', { arg: 'member', value: t });
  return target;
}

/** What a staff list view selects: `mine` is the caller's, `overdue` is as of now. */
function listFilter(view: 'open' | 'mine' | 'overdue' | 'suggestions', ctx: Ctx): TicketFilter {
  if (view === 'mine') return { kind: view, memberId: ctx.actor.memberId };
  if (view === 'overdue') return { kind: view, now: ctx.now.getTime() };
  return { kind: view };
}

export interface FeedbackCommandDeps {
  readonly feedback: FeedbackService;
  readonly members: MembersService;
  readonly staffChat: string | undefined;
}

/**
 * The feedback box's commands: members' `/feedback` (`反馈`), `/ask` (`问题`), `/suggest`
 * (`建议`) and `/mytickets`; staff `/reply`, `/ticket`, `/tickets`, `/followups` and `/followup`.
 */
export function feedbackCommands({ feedback, members, staffChat }: FeedbackCommandDeps): CommandSpec[] {
  const byKind = (name: string, kind: TicketKind, aliases: string[], bare: string[]) =>
    defineCommand({
      name,
      aliases,
      bare,
      feature: 'feedback',
      args: [arg.optional(arg.text('text', kind === 'question' ? 'how do I redeem a coupon?' : 'a dark mode'))],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => submit(feedback, ctx, kind, rawAfter(ctx.argText, 0)),
    });
  return [
    defineCommand({
      name: 'feedback',
      aliases: ['反馈'],
      bare: ['反馈'],
      feature: 'feedback',
      args: [arg.optional(arg.text('text'))],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const raw = rawAfter(ctx.argText, 0);
        if (raw === '') throw new UserError('feedback.usage');
        const [first, rest] = firstWord(raw);
        const kind = kindWord(first, rest === '');
        submit(feedback, ctx, kind, kind ? rest : raw);
      },
    }),
    byKind('ask', 'question', ['question', '问题', '提问'], ['问题']),
    byKind('suggest', 'suggestion', ['suggestion', 'idea', '建议'], ['建议']),
    defineCommand({
      name: 'mytickets',
      aliases: ['my-tickets', '我的反馈'],
      bare: ['我的反馈'],
      feature: 'feedback',
      args: [arg.optional(arg.int('ticket')), arg.optional(arg.choice('mine_action', ['close', 'name', 'anonymous']))],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const { ticket: id, mine_action: action } = ctx.args;
        const me = who(ctx);
        if (id === undefined) {
          const rows = feedback.mine(me.memberId);
          ctx.reply(rows.length === 0 ? ctx.t('feedback.mine_empty') : joinLines([ctx.t('feedback.mine_title'), ...rows.map((r) => feedback.row(r, ctx.now, me.locale))]));
          return;
        }
        switch (action) {
          case undefined:
            replyAll(ctx, feedback.card(feedback.own(id, me.memberId), ctx.now, me.locale, true));
            return;
          case 'close':
            feedback.close(id, me, ctx.now, true);
            ctx.reply(ctx.t('feedback.closed_own', { id }));
            return;
          case 'name':
          case 'anonymous':
            feedback.setCredit(id, me, action === 'name', ctx.now);
            ctx.reply(ctx.t(`feedback.credit_${action}`, { id }));
            return;
        }
      },
    }),
    defineCommand({
      name: 'reply',
      aliases: ['回复'],
      feature: 'feedback',
      args: [arg.int('ticket'), arg.text('text', 'thanks, it ships tomorrow')],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const { ticket: after, outs, first } = feedback.reply(ctx.args.ticket, who(ctx), rawAfter(ctx.argText, 1), ctx.now);
        emitAll(ctx, outs);
        const name = members.get(after.memberId)?.name ?? '';
        if (!first) ctx.reply(ctx.t('feedback.replied', { id: after.id, name }));
        else {
          const late = after.firstResponseAt! > after.dueAt;
          ctx.reply(
            ctx.t(late ? 'feedback.replied_late' : 'feedback.replied_first', {
              id: after.id,
              name,
              took: feedback.duration(after.responseMinutes ?? 0, ctx.actor.locale),
              target: feedback.duration(after.targetMinutes, ctx.actor.locale),
            }),
          );
        }
      },
    }),
    defineCommand({
      name: 'ticket',
      aliases: ['工单'],
      feature: 'feedback',
      args: [
        arg.int('ticket'),
        arg.optional(arg.choice('ticket_action', ['close', 'reopen', 'assign', 'tag', ...DECISIONS])),
        arg.optional(arg.text('ticket_detail')),
      ],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const { ticket: id, ticket_action: action, ticket_detail: detail } = ctx.args;
        const me = who(ctx);
        const at = ctx.now;
        switch (action) {
          case undefined:
            replyAll(ctx, feedback.card(feedback.get(id), ctx.now, me.locale));
            return;
          case 'close':
            feedback.close(id, me, at);
            ctx.reply(ctx.t('feedback.closed', { id }));
            return;
          case 'reopen':
            feedback.reopen(id, me, at);
            ctx.reply(ctx.t('feedback.reopened', { id }));
            return;
          case 'assign': {
            const target = assignee(ctx as CommandContext<unknown>, detail);
            feedback.assign(id, me, target, at);
            ctx.reply(ctx.t('feedback.assigned', { id, name: target.name }));
            return;
          }
          case 'tag': {
            if (!detail?.trim()) throw new UserError('feedback.bad_tag', { tag: '' });
            ctx.reply(ctx.t('feedback.tagged', { id, tag: feedback.tag(id, me, detail, at) }));
            return;
          }
          default: {
            const { outs } = feedback.decide(id, me, action, detail, at);
            emitAll(ctx, outs);
            ctx.reply(ctx.t('feedback.decided', { id, decision: ctx.t(`feedback.decision.${action}`) }));
          }
        }
      },
    }),
    defineCommand({
      name: 'tickets',
      aliases: ['工单列表'],
      feature: 'feedback',
      args: [arg.optional(arg.choice('tickets_view', ['open', 'mine', 'overdue', 'suggestions', 'stats']))],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const view = ctx.args.tickets_view ?? 'open';
        const locale = ctx.actor.locale;
        if (view === 'stats') {
          ctx.reply(joinLines([ctx.t('feedback.stats_title'), ...feedback.figureLines(feedback.figures(ctx.now), locale)]));
          return;
        }
        const rows = feedback.list(listFilter(view, ctx));
        ctx.reply(rows.length === 0 ? ctx.t('feedback.list_empty', { view }) : joinLines([ctx.t('feedback.list_title', { view, count: rows.length }), ...rows.map((r) => feedback.row(r, ctx.now, locale))]));
      },
    }),
    defineCommand({
      name: 'followups',
      aliases: ['follow-ups'],
      feature: 'feedback',
      args: [arg.optional(arg.choice('followups_view', ['open', 'mine', 'overdue']))],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const view = ctx.args.followups_view ?? 'open';
        const rows = feedback.tasks(listFilter(view, ctx));
        ctx.reply(rows.length === 0 ? ctx.t('feedback.tasks_empty') : joinLines([ctx.t('feedback.tasks_title', { count: rows.length }), ...rows.map((r) => feedback.taskRow(r, ctx.now, ctx.actor.locale))]));
      },
    }),
    defineCommand({
      name: 'followup',
      aliases: ['follow-up'],
      feature: 'feedback',
      args: [arg.int('task'), arg.optional(arg.choice('task_action', ['assign', 'done'])), arg.optional(arg.text('task_detail'))],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const { task: id, task_action: action, task_detail: detail } = ctx.args;
        const me = who(ctx);
        switch (action) {
          case undefined:
            ctx.reply(feedback.taskRow(feedback.task(id), ctx.now, me.locale));
            return;
          case 'assign': {
            const target = assignee(ctx as CommandContext<unknown>, detail);
            feedback.assignTask(id, me, target, ctx.now);
            ctx.reply(ctx.t('feedback.task_assigned', { id, name: target.name }));
            return;
          }
          case 'done': {
            const [outcome, rest] = firstWord(detail ?? '');
            const [reason, note] = firstWord(rest);
            if (!outcome || !reason) throw new UserError('feedback.task_done_usage', { id });
            const task = feedback.completeTask(id, me, outcome, reason, note, ctx.now);
            ctx.reply(ctx.t('feedback.task_completed', { id, outcome: ctx.t(`feedback.outcome.${task.outcome}`), reason: feedback.reasonLabel(task.reason ?? '', me.locale) }));
            return;
          }
        }
      },
    }),
  ];
}

/**
 * Direct messages to the bot that are not commands become tickets: with a kind word first
 * (`问题 …`, `建议 …`) at once, otherwise the text waits while the member is asked question or
 * suggestion (a kind word, or `1` / `2`, files it).
 */
export function feedbackListener(feedback: FeedbackService): Listener {
  return {
    name: 'feedback.direct',
    on: ['message'],
    handle(ctx) {
      if (ctx.chat.kind !== 'direct' || ctx.event.type !== 'message') return;
      const c = ctx as EventContext<MessageEvent>;
      const text = c.event.text.trim();
      if (text === '') return;
      const [first, rest] = firstWord(text);
      const kind = kindWord(first, rest === '');
      if (kind && rest === '' && !feedback.hasDraft(c.actor.memberId)) {
        c.reply(c.t('feedback.need_text'));
        return;
      }
      try {
        submit(feedback, c, kind, kind ? rest : text);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        c.reply(c.t(err.code, err.params));
      }
    },
  };
}
