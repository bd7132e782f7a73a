import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import type { AuditService } from '../audit/index.ts';
import type { TierService } from '../tiers/index.ts';
import type { GroupService } from './service.ts';

/** `/bind <tier>`: an operator binds the current group to a tier. */
export function groupsCommands(groups: GroupService, tiers: TierService, audit: AuditService): CommandSpec[] {
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
        const key = chatKey(ctx.chat.ref);
        const before = groups.get(key)?.tier ?? null;
        groups.bind(key, tier);
        audit.record({ at: ctx.now, actorMemberId: ctx.actor.memberId, action: 'group.bind', detail: { chat: key, from: before, to: tier } });
        ctx.reply(ctx.t('bind.done', { tier: tiers.name(tier, ctx.actor.locale) }));
      },
    }),
  ];
}
