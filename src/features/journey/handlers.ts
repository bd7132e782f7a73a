import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import type { Listener } from '../../core/dispatcher.ts';
import { chatKey } from '../../core/ids.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { CheckinService } from '../checkin/index.ts';
import type { PointsService } from '../points/index.ts';
import type { LadderService, TierService } from '../tiers/index.ts';
import type { JourneyService } from './service.ts';

export interface JourneyCommandDeps {
  readonly journey: JourneyService;
  readonly points: PointsService;
  readonly checkins: CheckinService;
  readonly ladder: LadderService;
  readonly tiers: TierService;
  readonly timeZone: string;
}

/**
 * `/me` (one card: this month, streak, points, rank, tier and progress, stage), `/birthday MM-DD|off`
 * (month and day only) and `/recap on|off` (the monthly recap DM).
 */
export function journeyCommands(deps: JourneyCommandDeps): CommandSpec[] {
  const { journey, points, checkins, ladder, tiers, timeZone } = deps;
  return [
    defineCommand({
      name: 'me',
      aliases: ['profile', 'wo'],
      bare: ['我的', '我'],
      feature: 'journey',
      args: [],
      role: 'member',
      where: 'any',
      private: true,
      inMenu: true,
      handler: (ctx) => {
        const id = ctx.actor.memberId;
        const locale = ctx.actor.locale;
        const month = journey.thisMonth(ctx.now);
        const f = journey.figures(id, month.from, month.to);
        const s = points.standing(id);
        const status = ladder.status(id, ctx.now);
        const stage = journey.stageOf(id, ctx.now);
        const perks = journey.stagePerks(stage, locale);
        const birthday = journey.birthdayOf(id);
        const lines: Body[] = [
          ctx.t('journey.me.title', { member: seg.mention(ctx.actor.user, ctx.actor.name) }),
          ctx.t('journey.me.month', { activeDays: f.activeDays, checkins: f.checkins, earned: f.earned, spent: f.spent }),
          ctx.t('journey.me.points', { balance: seg.bold(String(s.balance)), lifetime: s.lifetime, rank: s.rank ?? '-', streak: checkins.currentStreak(id, ctx.now, timeZone) }),
          ctx.t('journey.me.tier', { tier: tiers.name(status.tier, locale) }),
          status.next ? ctx.t('tiers.next', { tier: tiers.name(status.next.tier, locale), needs: ladder.needsText(locale, status.next.needs, status.tier) }) : ctx.t('tiers.top'),
          ...(status.graceUntil ? [ctx.t('tiers.keep', { tier: tiers.name(status.tier, locale), needs: ladder.needsText(locale, status.keep ?? [], status.tier) })] : []),
          ctx.t(perks ? 'journey.me.stage_perks' : 'journey.me.stage', { stage: ctx.t(`journey.stage.${stage}`), perks: perks ?? '' }),
          ctx.t(birthday ? 'journey.me.birthday' : 'journey.me.no_birthday', { date: birthday?.monthDay ?? '' }),
        ];
        ctx.reply(joinLines(lines));
      },
    }),
    defineCommand({
      name: 'birthday',
      aliases: ['bday'],
      bare: ['生日'],
      feature: 'journey',
      args: [arg.word('date', '05-20')],
      role: 'member',
      where: 'any',
      private: true,
      handler: (ctx) => {
        const md = journey.setBirthday(ctx.actor.memberId, ctx.args.date, ctx.chat.kind === 'group' ? ctx.chat.timeZone : undefined, ctx.now);
        ctx.reply(md === null ? ctx.t('journey.birthday_off') : ctx.t('journey.birthday_set', { date: md }));
      },
    }),
    defineCommand({
      name: 'recap',
      bare: ['月报'],
      feature: 'journey',
      args: [arg.optional(arg.choice('switch', ['on', 'off']))],
      role: 'member',
      where: 'any',
      private: true,
      handler: (ctx) => {
        const { switch: value } = ctx.args;
        if (value !== undefined) journey.setRecap(ctx.actor.memberId, value === 'on', ctx.now);
        ctx.reply(ctx.t(journey.wantsRecap(ctx.actor.memberId) ? 'journey.recap_on' : 'journey.recap_off'));
      },
    }),
  ];
}

/** A join in a group: the welcome, and for a newcomer the start of their journey (once per member). */
export function journeyListener(journey: JourneyService): Listener {
  return {
    name: 'journey.welcome',
    on: ['member.joined'],
    handle: (ctx) => {
      if (ctx.chat.kind !== 'group') return;
      for (const out of journey.noteJoin(ctx.actor.memberId, chatKey(ctx.chat.ref), ctx.chat.timeZone, ctx.now)) ctx.emit(out);
    },
  };
}
