import { arg, defineCommand, type CommandSpec, type MemberTarget, type Responder } from '../../core/command.ts';
import { localDay, monthStart, startOfLocalDay, weekStart } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { AuditService } from '../audit/index.ts';
import type { TierService } from '../tiers/index.ts';
import type { LeaderRow, PointsService } from './service.ts';

export interface PointsCommandDeps {
  readonly points: PointsService;
  readonly audit: AuditService;
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
export function pointsCommands({ points, audit, timeZone, tiers }: PointsCommandDeps): CommandSpec[] {
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
    adjustCommand('award', { points, audit }, (entry) => {
      points.credit({ ...entry, delta: entry.amount });
    }),
    adjustCommand('deduct', { points, audit }, (entry, member) => {
      try {
        points.spend({ ...entry, cost: entry.amount });
      } catch (err) {
        if (err instanceof UserError && err.code === 'points.insufficient') throw new UserError('points.deduct_too_much', { name: member.name, balance: err.params.balance ?? 0 });
        throw err;
      }
    }),
  ];
}

/** What an operator's point adjustment writes: the ledger entry less its sign, keyed by the command's event. */
interface Adjustment {
  readonly memberId: number;
  readonly amount: number;
  readonly reason: 'award' | 'deduct';
  readonly sourceKey: string;
  readonly at: Date;
  readonly actorMemberId: number;
  readonly note: string | null;
}

/**
 * `/award` and `/deduct`: the same arguments, audit row and reply; only the ledger write differs
 * (a credit, or a conditional spend that refuses to go below zero).
 */
function adjustCommand(
  name: 'award' | 'deduct',
  { points, audit }: Pick<PointsCommandDeps, 'points' | 'audit'>,
  apply: (entry: Adjustment, member: MemberTarget) => void,
): CommandSpec {
  return defineCommand({
    name,
    feature: 'points',
    args: [arg.member('member'), arg.int('amount', 1, 1_000_000, '50'), arg.optional(arg.rest('reason'))],
    role: 'operator',
    where: 'any',
    handler: (ctx) => {
      const { member, amount, reason } = ctx.args;
      apply({ memberId: member.memberId, amount, reason: name, sourceKey: ctx.event.key, at: ctx.event.at, actorMemberId: ctx.actor.memberId, note: reason ?? null }, member);
      audit.record({ at: ctx.event.at, actorMemberId: ctx.actor.memberId, action: `points.${name}`, targetMemberId: member.memberId, detail: { amount }, reason: reason ?? null });
      const s = points.standing(member.memberId);
      ctx.reply(ctx.t(name === 'award' ? 'points.awarded' : 'points.deducted', { member: seg.mention(member.user, member.name), amount, balance: s.balance }));
    },
  });
}
