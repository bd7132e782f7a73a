import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import { summaryBody } from './render.ts';
import { isDay, type AnalyticsService } from './service.ts';

/**
 * Records joins and leaves for retention (first join, how the member came, leaving the
 * community). Interactions are recorded through the members' activity funnel instead, which
 * commands pass through too.
 */
export function analyticsListener(analytics: AnalyticsService): Listener {
  return {
    name: 'analytics',
    on: ['member.joined', 'member.left'],
    handle(ctx) {
      if (ctx.chat.kind !== 'group') return;
      const key = chatKey(ctx.chat.ref);
      const { event } = ctx;
      if (event.type === 'member.joined') analytics.noteJoin(event, ctx.actor.memberId, key);
      else if (event.type === 'member.left') analytics.noteLeave(ctx.actor.memberId, key, event.at);
    },
  };
}

/**
 * `/report [YYYY-MM-DD]`: the retention summary as of a day (default today) for operators, in the
 * staff chat or a direct chat — never in a community group.
 */
export function analyticsCommands(analytics: AnalyticsService, staffChat: string | undefined): CommandSpec[] {
  return [
    defineCommand({
      name: 'report',
      aliases: ['stats'],
      bare: ['报告', '数据报告'],
      feature: 'analytics',
      args: [arg.optional(arg.word('day'))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        if (ctx.chat.kind === 'group' && chatKey(ctx.chat.ref) !== staffChat) throw new UserError('analytics.staff_only');
        const { day } = ctx.args;
        if (day !== undefined && !isDay(day)) throw new UserError('analytics.bad_day', { value: day });
        const report = analytics.report({ ...(day ? { to: day } : {}), locale: ctx.actor.locale });
        ctx.reply(summaryBody(report, (k, p) => ctx.t(k, p)));
      },
    }),
  ];
}
