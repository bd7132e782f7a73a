import { arg, defineCommand, type CommandSpec, type Responder } from '../../core/command.ts';
import { localDay, startOfLocalDay, weekStart } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { AuditService } from '../audit/index.ts';
import type { LeaderRow, PointsService } from './service.ts';

export interface PointsCommandDeps {
  readonly points: PointsService;
  readonly audit: AuditService;
  /** The community's time zone: weeks start on Monday there. */
  readonly timeZone: string;
}

function board(ctx: Responder, title: string, rows: readonly LeaderRow[]): Body {
  const lines: Body[] = [ctx.t(title)];
  if (rows.length === 0) lines.push(ctx.t('rank.empty'));
  rows.forEach((r, i) => lines.push(ctx.t('rank.row', { place: i + 1, name: r.name, points: r.points })));
  return joinLines(lines);
}

/** `/points`, `/rank`, and the operators' `/award` and `/deduct`. */
export function pointsCommands({ points, audit, timeZone }: PointsCommandDeps): CommandSpec[] {
  return [
    defineCommand({
      name: 'points',
      aliases: ['balance', 'jf'],
      bare: ['积分', '我的积分'],
      feature: 'points',
      args: [],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const s = points.standing(ctx.actor.memberId);
        ctx.reply(
          ctx.t(s.rank === null ? 'points.show_unranked' : 'points.show', {
            member: seg.mention(ctx.actor.user, ctx.actor.name),
            balance: seg.bold(String(s.balance)),
            lifetime: s.lifetime,
            rank: s.rank ?? '-',
          }),
        );
      },
    }),
    defineCommand({
      name: 'rank',
      aliases: ['top', 'leaderboard'],
      bare: ['排行', '排行榜'],
      feature: 'points',
      args: [],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const since = startOfLocalDay(weekStart(localDay(ctx.now, timeZone)), timeZone);
        ctx.reply(joinLines([board(ctx, 'rank.week', points.leaders(10, since)), [seg.text('')], board(ctx, 'rank.all', points.leaders(10))]));
      },
    }),
    defineCommand({
      name: 'award',
      feature: 'points',
      args: [arg.member('member'), arg.int('amount', 1, 1_000_000), arg.optional(arg.rest('reason'))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const { member, amount, reason } = ctx.args;
        points.credit({ memberId: member.memberId, delta: amount, reason: 'award', sourceKey: ctx.event.key, at: ctx.event.at, actorMemberId: ctx.actor.memberId, note: reason ?? null });
        audit.record({ at: ctx.event.at, actorMemberId: ctx.actor.memberId, action: 'points.award', targetMemberId: member.memberId, detail: { amount }, reason: reason ?? null });
        const s = points.standing(member.memberId);
        ctx.reply(ctx.t('points.awarded', { member: seg.mention(member.user, member.name), amount, balance: s.balance }));
      },
    }),
    defineCommand({
      name: 'deduct',
      feature: 'points',
      args: [arg.member('member'), arg.int('amount', 1, 1_000_000), arg.optional(arg.rest('reason'))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const { member, amount, reason } = ctx.args;
        try {
          points.spend({ memberId: member.memberId, cost: amount, reason: 'deduct', sourceKey: ctx.event.key, at: ctx.event.at, actorMemberId: ctx.actor.memberId, note: reason ?? null });
        } catch (err) {
          if (err instanceof UserError && err.code === 'points.insufficient') throw new UserError('points.deduct_too_much', { name: member.name, balance: err.params.balance ?? 0 });
          throw err;
        }
        audit.record({ at: ctx.event.at, actorMemberId: ctx.actor.memberId, action: 'points.deduct', targetMemberId: member.memberId, detail: { amount }, reason: reason ?? null });
        const s = points.standing(member.memberId);
        ctx.reply(ctx.t('points.deducted', { member: seg.mention(member.user, member.name), amount, balance: s.balance }));
      },
    }),
  ];
}
