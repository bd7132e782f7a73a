import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import { UserError } from '../../core/errors.ts';
import { atLeast, type Role } from '../../core/roles.ts';
import { seg } from '../../core/outbound.ts';
import type { MembersService } from './service.ts';

/** `/role` (grant roles) and `/lang` (a member's language). */
export function membersCommands(members: MembersService): CommandSpec[] {
  return [
    defineCommand({
      name: 'role',
      feature: 'members',
      args: [arg.member('member'), arg.choice('role', ['member', 'moderator', 'operator'])],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const { member, role } = ctx.args;
        // Granting or revoking operator is for owners; operators manage moderators.
        const current = members.roleOf(member.memberId);
        const needed: Role = role === 'operator' || current === 'operator' || current === 'owner' ? 'owner' : 'operator';
        if (!atLeast(ctx.actor.role, needed)) throw new UserError('error.forbidden', { role: ctx.t(`role.${needed}`).map((x) => ('text' in x ? x.text : '')).join('') });
        members.setRole(member.memberId, role, ctx.actor.memberId, ctx.now);
        ctx.reply(ctx.t('role.set', { member: seg.mention(member.user, member.name), role: ctx.t(`role.${role}`) }));
      },
    }),
    defineCommand({
      name: 'lang',
      aliases: ['language', '语言'],
      feature: 'members',
      args: [arg.locale('language')],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        members.setLocale(ctx.actor.memberId, ctx.args.language);
        ctx.useLocale(ctx.args.language);
        ctx.reply(ctx.t('lang.set'));
      },
    }),
  ];
}
