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
      // Where members type bare words (WeChat), those lead: commands with words first, each shown
      // as its words with the slash form after it (`签到 / 打卡 (/checkin)`).
      const wordsFirst = ctx.surface.capabilities.has('bare-words');
      const shownHere = table().filter((c) => atLeast(ctx.actor.role, c.role) && (c.where === 'any' || c.where === ctx.chat.kind));
      const ordered = wordsFirst ? [...shownHere.filter((c) => c.bare?.length), ...shownHere.filter((c) => !c.bare?.length)] : shownHere;
      for (const c of ordered) {
        // A command whose arguments need a stronger role (`/tier`) is listed without arguments to those without it.
        const shown = c.argsRole && !atLeast(ctx.actor.role, c.argsRole) ? { ...c, args: [] } : c;
        const words = c.bare?.join(' / ');
        if (wordsFirst && words) {
          lines.push([seg.bold(usageLine(shown, words, translator, ctx.actor.locale)), seg.text(` (/${c.name}) — `), ...ctx.t(`cmd.${c.name}`)]);
          continue;
        }
        const usage = usageLine(shown, `/${c.name}`, translator, ctx.actor.locale);
        lines.push([seg.bold(usage), seg.text(`${words ? ` (${words})` : ''} — `), ...ctx.t(`cmd.${c.name}`)]);
      }
      ctx.reply(joinLines(lines));
    },
  });
}
