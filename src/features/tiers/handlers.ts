import { arg, defineCommand, type CommandContext, type CommandSpec } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { UserError } from '../../core/errors.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import { chatKey } from '../../core/ids.ts';
import type { MembersService } from '../members/index.ts';
import type { LadderService, ReviewPlan } from './service.ts';
import type { TierService } from './tier-ladder.ts';

export interface TierCommandDeps {
  readonly ladder: LadderService;
  readonly tiers: TierService;
  readonly members: MembersService;
  readonly timeZone: string;
}

/** How many rows of each kind the dry run lists. */
const PREVIEW_ROWS = 10;

/**
 * `/tier` (a member's own progress), `/tier review [code]` (operators: the dry run, then apply)
 * and `/tier @member <tier> [reason]` (operators: a manual decision). The command table's
 * `argsRole` makes every form with arguments operator-only, checked by the dispatcher.
 */
export function tierCommands(deps: TierCommandDeps): CommandSpec[] {
  const { ladder, tiers, members, timeZone } = deps;
  const day = (d: Date) => localDay(d, timeZone);
  return [
    defineCommand({
      name: 'tier',
      aliases: ['level'],
      bare: ['等级'],
      feature: 'tiers',
      args: [arg.optional(arg.word('target', '@alice')), arg.optional(arg.word('tier', 'advanced')), arg.optional(arg.text('reason', 'ambassador'))],
      role: 'member',
      argsRole: 'operator',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const { target, tier, reason } = ctx.args;
        if (target === undefined) return ctx.reply(statusBody(ctx, deps, ctx.actor.memberId, day));
        if (target.toLowerCase() === 'review') return review(ctx, ladder, tier);
        const member = ctx.resolveMember(target);
        if (!member) throw new UserError('args.unknown_member', { arg: 'member', value: target });
        if (tier === undefined) return ctx.reply(statusBody(ctx, deps, member.memberId, day, member.name));
        const id = tier.toLowerCase();
        const done = ladder.setManual(member.memberId, id, ctx.actor.memberId, reason ?? null, ctx.now);
        done.outs.forEach((o) => ctx.emit(o));
        ctx.reply(ctx.t('tiers.set', { member: member.name, from: tiers.name(done.from, ctx.actor.locale), tier: tiers.name(id, ctx.actor.locale), date: day(done.holdUntil) }));
      },
    }),
  ];
}

function review(ctx: CommandContext<unknown>, ladder: LadderService, code: string | undefined): void {
  if (code === undefined) {
    const plan = ladder.plan(ctx.now);
    const total = plan.promotions.length + plan.warnings.length + plan.demotions.length + plan.resends.length + plan.expiries.length + plan.cleared.length;
    if (total === 0) return ctx.reply(ctx.t('tiers.review_empty'));
    ctx.reply(joinLines([summary(ctx, plan, 'tiers.review_preview'), ...rows(ctx, plan), ctx.t('tiers.review_confirm', { command: seg.bold(`/tier review ${plan.code}`) })]));
    return;
  }
  const { plan, outs } = ladder.review(ctx.now, ctx.actor.memberId, code);
  outs.forEach((o) => ctx.emit(o));
  ctx.reply(summary(ctx, plan, 'tiers.review_done'));
}

function summary(ctx: CommandContext<unknown>, plan: ReviewPlan, key: string): Body {
  return ctx.t(key, {
    promotions: plan.promotions.length,
    warnings: plan.warnings.length,
    demotions: plan.demotions.length,
    resends: plan.resends.length,
    expiries: plan.expiries.length,
  });
}

function rows(ctx: CommandContext<unknown>, plan: ReviewPlan): Body[] {
  return [
    ...plan.promotions.slice(0, PREVIEW_ROWS).map((p) => ctx.t('tiers.row_promote', { member: p.name, from: p.from, to: p.to })),
    ...plan.warnings.slice(0, PREVIEW_ROWS).map((w) => ctx.t('tiers.row_warn', { member: w.name, tier: w.tier })),
    ...plan.demotions.slice(0, PREVIEW_ROWS).map((d) => ctx.t('tiers.row_demote', { member: d.name, from: d.from, to: d.to })),
  ];
}

function statusBody(ctx: CommandContext<unknown>, deps: TierCommandDeps, memberId: number, day: (d: Date) => string, name?: string): Body {
  const { ladder, tiers } = deps;
  const locale = ctx.actor.locale;
  const s = ladder.status(memberId, ctx.now);
  const lines: Body[] = [ctx.t(name ? 'tiers.status_of' : 'tiers.status', { member: name ?? '', tier: tiers.name(s.tier, locale), date: day(s.since) })];
  if (s.next) lines.push(ctx.t('tiers.next', { tier: tiers.name(s.next.tier, locale), needs: ladder.needsText(locale, s.next.needs, s.tier) }));
  else lines.push(ctx.t('tiers.top'));
  if (s.keep) lines.push(ctx.t('tiers.keep', { tier: tiers.name(s.tier, locale), needs: ladder.needsText(locale, s.keep, s.tier) }));
  if (s.graceUntil) lines.push(ctx.t('tiers.grace', { date: day(s.graceUntil) }));
  if (s.manualUntil) lines.push(ctx.t('tiers.held', { date: day(s.manualUntil) }));
  return joinLines(lines);
}

/** A member joining a group whose tier they were invited to: the invite is marked joined. */
export function tiersListener(ladder: LadderService): Listener {
  return {
    name: 'tiers.joined',
    on: ['member.joined'],
    handle: (ctx) => {
      if (ctx.chat.kind === 'group') ladder.noteJoin(ctx.actor.memberId, chatKey(ctx.chat.ref), ctx.event.at);
    },
  };
}
