import { defineCommand, type CommandSpec } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import { seg } from '../../core/outbound.ts';
import type { DashboardService } from './service.ts';

/**
 * `/dashboard`: a one-time sign-in link to the web dashboard, for moderators and operators. The
 * link is a secret: typed in the staff chat it goes by DM (no group fallback) and the chat is told
 * so; in any other group it is refused, as flags are.
 */
export function dashboardCommands(dashboard: DashboardService, staffChat: string | undefined): CommandSpec[] {
  return [
    defineCommand({
      name: 'dashboard',
      aliases: ['web'],
      bare: ['后台'],
      feature: 'dashboard',
      args: [],
      role: 'moderator',
      where: 'any',
      private: true,
      handler: (ctx) => {
        const inGroup = ctx.chat.kind === 'group';
        if (inGroup && chatKey(ctx.chat.ref) !== staffChat) throw new UserError('dashboard.staff_only');
        if (!dashboard.enabled) throw new UserError('dashboard.disabled');
        const link = dashboard.issueLink(ctx.actor.memberId, ctx.now);
        const body = ctx.t('dashboard.link', { link: seg.link(link.url), minutes: dashboard.linkMinutes });
        if (inGroup) {
          ctx.dm(ctx.actor.user, body);
          ctx.reply(ctx.t('dashboard.link_sent'));
        } else ctx.reply(body);
      },
    }),
  ];
}
