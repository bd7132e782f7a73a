import { arg, defineCommand, type CommandSpec, type MemberTarget, type Responder } from '../../core/command.ts';
import { localDay, monthStart, startOfLocalDay, weekStart } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { TierService } from '../tiers/index.ts';
import type { LeaderRow, PointsService } from './service.ts';

export interface PointsCommandDeps {
  readonly points: PointsService;
  /** The community's time zone: weeks start on Monday there. */
  readonly timeZone: string;
  /** For per-tier boards. */
  readonly tiers: TierService;
}

function board(ctx: Responder, title: string | Body, rows: readonly LeaderRow[]): Body {
  const lines: Body[] = [typeof title === 'string' ? ctx.t(title) : title];
  if (rows.length === 0) lines.push(ctx.t('rank.empty'));
  rows.forEach((r, i) => lines.push(ctx.t('rank.row', { place: i + 1, name: r.name, points: r.points })));
  return joinLines(lines);
}

/** `/points`, `/rank`, and the operators' `/award` and `/deduct`. */
export function pointsCommands({ points, timeZone, tiers }: PointsCommandDeps): CommandSpec[] {
  return [
    defineCommand({
      name: 'points',
      aliases: ['balance', 'jf'],
      bare: ['积分', '我的积分'],
      feature: 'points',
      args: [],
      role: 'member',
      where: 'any',
      private: true,
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
      args: [arg.optional(arg.choice('period', ['week', 'month', 'all'])), arg.optional(arg.word('tier'))],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const today = localDay(ctx.now, timeZone);
        const week = startOfLocalDay(weekStart(today), timeZone);
        const { period, tier } = ctx.args;
        if (period === undefined) {
          ctx.reply(joinLines([board(ctx, 'rank.week', points.leaders(10, week)), [seg.text('')], board(ctx, 'rank.all', points.leaders(10))]));
          return;
        }
        if (tier !== undefined && !tiers.has(tier)) throw new UserError('bind.unknown_tier', { tier, tiers: tiers.ids.join(', ') });
        const since = period === 'week' ? week : period === 'month' ? startOfLocalDay(monthStart(today), timeZone) : undefined;
        const rows = points.leaders(10, since, tier);
        const title = tier === undefined ? `rank.${period}` : ctx.t('rank.tier', { board: ctx.t(`rank.${period}`), tier: tiers.name(tier, ctx.actor.locale) });
        ctx.reply(board(ctx, title, rows));
      },
    }),
    adjustCommand('award', points),
    adjustCommand('deduct', points),
  ];
}

/** `/award` and `/deduct`: the same arguments and reply over one audited service call. */
function adjustCommand(name: 'award' | 'deduct', points: PointsService): CommandSpec {
  return defineCommand({
    name,
    feature: 'points',
    args: [arg.member('member'), arg.int('amount', 1, 1_000_000, '50'), arg.optional(arg.text('reason'))],
    role: 'operator',
    where: 'any',
    handler: (ctx) => {
      const { member, amount, reason } = ctx.args;
      points.adjust({ actorMemberId: ctx.actor.memberId, memberId: member.memberId, kind: name, amount, note: reason ?? null, sourceKey: ctx.key, at: ctx.now, name: member.name });
      const s = points.standing(member.memberId);
      ctx.reply(ctx.t(name === 'award' ? 'points.awarded' : 'points.deducted', { member: seg.mention(member.user, member.name), amount, balance: s.balance }));
    },
  });
}
