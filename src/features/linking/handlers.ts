import { arg, defineCommand, type CommandContext, type CommandSpec } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { seg } from '../../core/outbound.ts';
import type { CheckinService } from '../checkin/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import { CODE_MAX_FAILURES, CODE_MINUTES, type LinkService } from './service.ts';

export interface LinkCommandDeps {
  readonly link: LinkService;
  readonly members: MembersService;
  readonly points: PointsService;
  readonly checkins: CheckinService;
  readonly timeZone: string;
}

/** Two member references (`@a @b`, `#12 #40`): the operator's form of `/link`. */
const MEMBER_TOKEN = /(?:^|\s)(?:@\S+|#\d+)/g;
const CONFIRM_WORDS = new Set(['confirm', 'yes', '确认', '是']);

const platformsOf = (members: MembersService, memberId: number) => [...new Set(members.identitiesOf(memberId).map((i) => i.platform))].join(', ');

/**
 * `/link`: in a DM, with no argument, a one-time code; `/link <code>` in a DM on the other
 * platform redeems it and asks for confirmation; `/link confirm` links. Operators: `/link @a @b`.
 */
export function linkingCommands(deps: LinkCommandDeps): CommandSpec[] {
  const { link, members, points, checkins, timeZone } = deps;
  const summary = (ctx: CommandContext<unknown>, memberId: number) => ({
    platforms: platformsOf(members, memberId),
    balance: points.balance(memberId),
    streak: checkins.currentStreak(memberId, ctx.now, timeZone),
  });
  return [
    defineCommand({
      name: 'link',
      aliases: ['绑定', '关联'],
      feature: 'linking',
      args: [arg.optional(arg.text('code', 'ABCD-EFGH'))],
      role: 'member',
      // Scope is the handler's: a code written in a group must be voided, which a refusal could not do.
      where: 'any',
      private: true,
      inMenu: true,
      privilegedForm: { role: 'operator', matches: (text) => (text.match(MEMBER_TOKEN) ?? []).length >= 2 },
      handler: (ctx) => {
        const written = ctx.args.code?.trim();
        if (written && (written.match(MEMBER_TOKEN) ?? []).length >= 2) {
          const [a, b] = written.split(/\s+/).map((token) => {
            const target = ctx.resolveMember(token);
            if (!target) throw new UserError('args.unknown_member', { value: token });
            return target;
          });
          const { into } = link.linkByOperator(a!.memberId, b!.memberId, ctx.actor.memberId, ctx.now, ctx.key);
          ctx.reply(ctx.t('link.operator_done', { a: seg.mention(a!.user, a!.name), b: seg.mention(b!.user, b!.name), ...summary(ctx, into) }));
          return;
        }
        if (ctx.chat.kind !== 'direct') {
          // Never in a group: a code seen there is no longer secret.
          ctx.reply(ctx.t(written && link.burn(written) ? 'link.burnt' : 'link.dm_only'));
          return;
        }
        if (!written) {
          const { code } = link.createCode(ctx.actor.memberId, ctx.now);
          ctx.reply(ctx.t('link.code', { code, minutes: CODE_MINUTES }));
          return;
        }
        if (CONFIRM_WORDS.has(written.toLowerCase())) {
          const { into } = link.confirm(ctx.actor.memberId, ctx.now);
          const done = summary(ctx, into);
          ctx.reply(ctx.t('link.done', done));
          // The other identities hear of it too: a link nobody asked for is noticed at once.
          for (const user of members.identitiesOf(into)) {
            if (user.platform === ctx.actor.user.platform && user.userId === ctx.actor.user.userId) continue;
            const target = members.get(into);
            ctx.dm(user, ctx.t('link.done_other', { platform: ctx.actor.user.platform, ...done }), target ? { name: target.name } : {});
          }
          return;
        }
        const result = link.redeem(ctx.actor.memberId, written, ctx.now);
        switch (result.kind) {
          case 'claimed': {
            const other = members.get(result.other);
            ctx.reply([
              ...ctx.t('link.confirm_prompt', {
                name: other?.name ?? '',
                platforms: platformsOf(members, result.other),
                mine: points.balance(ctx.actor.memberId),
                theirs: points.balance(result.other),
                minutes: CODE_MINUTES,
              }),
              seg.action(ctx.t('link.confirm_button').map((s) => ('text' in s ? s.text : '')).join(''), 'link', 'confirm', 'primary'),
            ]);
            return;
          }
          case 'wrong':
            ctx.reply(ctx.t('link.wrong'));
            return;
          case 'expired':
            ctx.reply(ctx.t('link.expired'));
            return;
          case 'wait':
            ctx.reply(ctx.t('link.wait', { minutes: result.minutes }));
            return;
          case 'locked': {
            ctx.reply(ctx.t('link.locked'));
            const owner = result.owner === undefined ? undefined : members.dmTarget(result.owner);
            if (owner) ctx.dm(owner.user, ctx.t('link.locked_owner', { failures: CODE_MAX_FAILURES }), { name: owner.name });
            return;
          }
        }
      },
    }),
    defineCommand({
      name: 'unlink',
      aliases: ['解绑', '解除关联'],
      feature: 'linking',
      args: [arg.text('platform', 'telegram')],
      role: 'member',
      // The member's form needs a direct chat; the operator's (`/unlink @member <platform>`) works anywhere.
      where: 'any',
      private: true,
      inMenu: true,
      privilegedForm: { role: 'operator', matches: (text) => (text.match(MEMBER_TOKEN) ?? []).length >= 1 },
      handler: (ctx) => {
        const words = ctx.args.platform.trim().split(/\s+/);
        const token = words.find((w) => /^(?:@\S+|#\d+)$/.test(w));
        const platform = (words.find((w) => w !== token) ?? '').toLowerCase();
        if (token) {
          const target = ctx.resolveMember(token);
          if (!target) throw new UserError('args.unknown_member', { value: token });
          const { member, leaving } = link.unlink(target.memberId, platform, ctx.actor.memberId, ctx.now, ctx.key, 'operator');
          ctx.reply(ctx.t('unlink.operator_done', { member: seg.mention(target.user, target.name), platform, balance: points.balance(member), theirs: points.balance(leaving) }));
          return;
        }
        if (ctx.chat.kind !== 'direct') {
          ctx.reply(ctx.t('unlink.dm_only'));
          return;
        }
        const { member, leaving } = link.unlink(ctx.actor.memberId, platform, ctx.actor.memberId, ctx.now, ctx.key, 'member');
        const done = { platform, balance: points.balance(member), theirs: points.balance(leaving), platforms: platformsOf(members, member) };
        ctx.reply(ctx.t('unlink.done', done));
        // The side the member did not write from hears of it there: an unlink nobody asked for is noticed.
        const other = ctx.actor.user.platform === platform ? member : leaving;
        const name = members.get(other)?.name ?? '';
        for (const user of members.identitiesOf(other)) ctx.dm(user, ctx.t(other === leaving ? 'unlink.done_leaving' : 'unlink.done_staying', done), { name });
      },
    }),
  ];
}
