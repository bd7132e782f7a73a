import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import type { TierService } from '../tiers/index.ts';
import type { GroupService } from './service.ts';

/** `/bind <tier>`: an operator binds the current group to a tier. */
export function groupsCommands(groups: GroupService, tiers: TierService): CommandSpec[] {
  return [
    defineCommand({
      name: 'bind',
      feature: 'groups',
      args: [arg.word('tier')],
      role: 'operator',
      where: 'group',
      handler: (ctx) => {
        const tier = ctx.args.tier.toLowerCase();
        if (!tiers.has(tier)) throw new UserError('bind.unknown_tier', { tier, tiers: tiers.ids.join(', ') });
        groups.bind(chatKey(ctx.chat.ref), tier, ctx.actor.memberId, ctx.now);
        ctx.reply(ctx.t('bind.done', { tier: tiers.name(tier, ctx.actor.locale) }));
      },
    }),
  ];
}
