import { arg, defineCommand, type ChatContext, type CommandSpec, type Responder } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { MemberTarget } from '../../core/command.ts';
import type { MessageEvent } from '../../core/events.ts';
import type { Locale } from '../../core/i18n.ts';
import type { Outbound } from '../../core/outbound.ts';
import type { OutcomeRow, QuietService } from './service.ts';

/**
 * Where one-to-one follow-ups of flagged members are kept (the feedback feature's staff tasks),
 * as the quiet commands need it: assign a flag's follow-up, show outcomes and churn reasons.
 */
export interface FollowUpDesk {
  assignFlag(flagId: number, actor: { memberId: number; locale: Locale }, assignee: MemberTarget, at: Date): { task: { id: number }; outs: Outbound[] };
  followUpLines(locale: Locale): Body[];
}

/** The follow-up desk and how to resolve the `@mod` an assignment names. */
export interface FollowUpWiring {
  readonly desk: FollowUpDesk;
  readonly members: { resolveMember(token: string, event: MessageEvent): MemberTarget | undefined };
}

const SNOOZE_MAX_DAYS = 90;

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

function outcomeLine(ctx: Responder, windows: readonly number[], label: Body, row: OutcomeRow, key = 'quiet.stats_row'): Body {
  const returned = windows.map((d, i) => `${d}d ${row.returned[i] ?? 0} (${percent(row.rate[i] ?? 0)})`).join(', ');
  return ctx.t(key, { label, sent: row.sent, returned });
}

/**
 * Flags name members and their balances: they are shown in a direct chat with the bot or in the
 * moderators' chat, never in a community group where the flagged member could read them.
 */
function staffOnly(chat: ChatContext, staffChat: string | undefined): void {
  if (chat.kind === 'group' && chatKey(chat.ref) !== staffChat) throw new UserError('quiet.staff_only');
}

/**
 * The moderators' review queue: `/flags [page]`, `/flags recall-all [code]`, `/flag <id>
 * [recall [template] | snooze <days> | dismiss [note]]`, `/recallstats`. Every review is audited
 * by the service.
 */
export function quietCommands(quiet: QuietService, staffChat: string | undefined, followUps?: FollowUpWiring): CommandSpec[] {
  return [
    defineCommand({
      name: 'flags',
      feature: 'quiet',
      args: [arg.optional(arg.word('page', '2')), arg.optional(arg.word('code'))],
      role: 'moderator',
      where: 'any',
      private: true,
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const { page, code } = ctx.args;
        const who = { memberId: ctx.actor.memberId, locale: ctx.actor.locale };
        if (page?.toLowerCase() === 'recall-all') {
          if (code !== undefined) {
            const outs = quiet.recallAll(code, who, ctx.now);
            outs.forEach((o) => ctx.emit(o));
            ctx.reply(ctx.t('quiet.bulk_done', { count: outs.filter((o) => o.type === 'dm').length }));
            return;
          }
          const plan = quiet.recallAllPlan(ctx.now);
          if (plan.flags.length === 0) throw new UserError('quiet.bulk_empty');
          ctx.reply(
            joinLines([
              ctx.t('quiet.bulk_preview', { count: plan.flags.length }),
              ...plan.flags.map((f) => quiet.row(f, ctx.now, ctx.actor.locale)),
              ctx.t('quiet.bulk_confirm', { command: seg.bold(`/flags recall-all ${plan.code}`) }),
            ]),
          );
          return;
        }
        const n = page === undefined ? 1 : Number(page);
        if (!Number.isInteger(n) || n < 1) throw new UserError('quiet.bad_page', { value: page ?? '' });
        const q = quiet.queue(ctx.now, n);
        if (q.open === 0) {
          ctx.reply(ctx.t('quiet.empty'));
          return;
        }
        ctx.reply(
          joinLines([
            ctx.t('quiet.list', { page: q.page, pages: q.pages, open: q.open }),
            ...q.rows.map((f) => quiet.row(f, ctx.now, ctx.actor.locale)),
            ...(q.page < q.pages ? [ctx.t('quiet.list_more', { next: q.page + 1 })] : []),
          ]),
        );
      },
    }),
    defineCommand({
      name: 'flag',
      feature: 'quiet',
      args: [arg.int('flag'), arg.optional(arg.choice('review', ['recall', 'snooze', 'dismiss', 'assign'])), arg.optional(arg.text('detail'))],
      role: 'moderator',
      where: 'any',
      private: true,
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const { flag: id, review: action, detail } = ctx.args;
        const who = { memberId: ctx.actor.memberId, locale: ctx.actor.locale };
        const at = ctx.now;
        switch (action) {
          case undefined: {
            const flag = quiet.get(id);
            if (!flag) throw new UserError('quiet.not_found', { id });
            ctx.reply(quiet.card(flag, ctx.now, ctx.actor.locale));
            return;
          }
          case 'recall': {
            const outs = quiet.recall(id, who, at, detail?.trim() || undefined);
            outs.forEach((o) => ctx.emit(o));
            const flag = quiet.get(id)!;
            ctx.reply(ctx.t('quiet.recalled', { id, name: flag.name, template: flag.recallTemplate ?? '-', bonus: flag.bonus }));
            return;
          }
          case 'snooze': {
            const days = Number(detail?.trim());
            if (!Number.isInteger(days) || days < 1 || days > SNOOZE_MAX_DAYS) throw new UserError('quiet.snooze_days', { id, max: SNOOZE_MAX_DAYS });
            quiet.snooze(id, who, days, at);
            ctx.reply(ctx.t('quiet.snoozed', { id, days }));
            return;
          }
          case 'dismiss':
            quiet.dismiss(id, who, detail?.trim() || undefined, at);
            ctx.reply(ctx.t('quiet.dismissed', { id }));
            return;
          case 'assign': {
            if (!followUps) throw new UserError('quiet.no_followups');
            const token = detail?.trim().split(/\s+/)[0] ?? '';
            const target = ctx.resolveMember(token);
            if (!target) throw new UserError('args.unknown_member', { arg: 'member', value: token });
            const { task, outs } = followUps.desk.assignFlag(id, who, target, at);
            outs.forEach((o) => ctx.emit(o));
            ctx.reply(ctx.t('quiet.assigned', { id, task: task.id, name: target.name }));
            return;
          }
        }
      },
    }),
    defineCommand({
      name: 'recallstats',
      aliases: ['recall-stats', 'recall_stats'],
      feature: 'quiet',
      args: [],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        staffOnly(ctx.chat, staffChat);
        const s = quiet.stats();
        const lines: Body[] = [ctx.t('quiet.stats_title')];
        if (s.total.sent === 0) lines.push(ctx.t('quiet.stats_none'));
        else {
          lines.push(outcomeLine(ctx, s.windows, ctx.t('quiet.stats_all'), s.total));
          for (const r of s.byTemplate) lines.push(outcomeLine(ctx, s.windows, ctx.t('quiet.stats_template', { name: r.key }), r));
          for (const r of s.byTier) lines.push(outcomeLine(ctx, s.windows, ctx.t('quiet.stats_tier', { name: r.key }), r));
        }
        lines.push(outcomeLine(ctx, s.windows, ctx.t('quiet.stats_baseline'), s.baseline, 'quiet.stats_baseline_row'));
        if (followUps) lines.push(...followUps.desk.followUpLines(ctx.actor.locale));
        ctx.reply(joinLines(lines));
      },
    }),
  ];
}
