import { defineCommand, type CommandSpec } from '../core/command.ts';
import { usageLine } from '../core/dispatcher.ts';
import type { Translator } from '../core/i18n.ts';
import type { Body } from '../core/outbound.ts';
import { joinLines, seg } from '../core/outbound.ts';
import { atLeast } from '../core/roles.ts';

/** `/help`: derived from the command table, in the member's locale, listing only what they may run. */
export function helpCommand(table: () => readonly CommandSpec[], translator: Translator): CommandSpec {
  return defineCommand({
    name: 'help',
    aliases: ['start', 'h'],
    bare: ['帮助', '菜单'],
    feature: 'help',
    args: [],
    role: 'member',
    where: 'any',
    inMenu: true,
    handler: (ctx) => {
      const lines: Body[] = [ctx.t('help.title')];
      for (const c of table()) {
        if (!atLeast(ctx.actor.role, c.role)) continue;
        if (c.where !== 'any' && c.where !== ctx.chat.kind) continue;
        // A command whose arguments need a stronger role (`/tier`) is listed without arguments to those without it.
        const shown = c.argsRole && !atLeast(ctx.actor.role, c.argsRole) ? { ...c, args: [] } : c;
        const usage = usageLine(shown, `/${c.name}`, translator, ctx.actor.locale);
        const words = c.bare?.length ? ` (${c.bare.join(' / ')})` : '';
        lines.push([seg.bold(usage), seg.text(`${words} — `), ...ctx.t(`cmd.${c.name}`)]);
      }
      ctx.reply(joinLines(lines));
    },
  });
}
