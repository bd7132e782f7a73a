import { defineCommand, type CommandSpec } from '../../core/command.ts';
import { seg } from '../../core/outbound.ts';
import type { CheckinService } from './service.ts';

/** `/checkin` (`签到`, `打卡`): the daily check-in. */
export function checkinCommands(checkins: CheckinService): CommandSpec[] {
  return [
    defineCommand({
      name: 'checkin',
      aliases: ['qd', 'signin'],
      bare: ['签到', '打卡'],
      feature: 'checkin',
      args: [],
      role: 'member',
      where: 'group',
      inMenu: true,
      handler: (ctx) => {
        const r = checkins.checkIn(ctx.actor, ctx.chat, ctx.now, ctx.key);
        const who = seg.mention(ctx.actor.user, ctx.actor.name);
        if (r.already) {
          ctx.reply(ctx.t('checkin.already', { member: who, streak: r.streak, balance: r.balance }));
          return;
        }
        ctx.reply(
          ctx.t('checkin.done', {
            member: who,
            points: seg.bold(String(r.points)),
            streak: seg.bold(String(r.streak)),
            balance: r.balance,
            position: r.position,
          }),
        );
      },
    }),
  ];
}
