import type { Listener } from '../../core/dispatcher.ts';
import type { TierService } from '../tiers/index.ts';

/**
 * When the bot is added to a group: the dispatcher's directory has already registered the group
 * (at the lowest tier); this tells whoever added the bot which tier it is on and how an operator
 * binds another one, so a new group is never silently on the wrong tier.
 */
export function groupsListener(tiers: TierService): Listener {
  return {
    name: 'groups.bot-added',
    on: ['bot.added'],
    handle: (ctx) => {
      ctx.reply(ctx.t('groups.bot_added', { tier: tiers.name(ctx.chat.tier, ctx.actor.locale), tiers: tiers.ids.join(' | ') }));
    },
  };
}
