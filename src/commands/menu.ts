import type { CommandMenu, CommandMenuEntry } from '../core/adapter.ts';
import type { CommandSpec } from '../core/command.ts';
import type { Locale, Translator } from '../core/i18n.ts';
import { atLeast } from '../core/roles.ts';

/**
 * The platform command menu, derived from the command table: per language, members see what a
 * member may run, admins also see moderator and operator commands. Members whose language has no
 * list see the community's locale.
 */
export function buildCommandMenu(table: readonly CommandSpec[], translator: Translator, defaultLocale: Locale = 'en'): CommandMenu {
  const entries = (locale: 'zh-CN' | 'en', admin: boolean): CommandMenuEntry[] =>
    table
      .filter((c) => (admin ? atLeast('operator', c.role) && (c.inMenu || c.role !== 'member') : c.inMenu && c.role === 'member'))
      .map((c) => ({ command: c.name, description: translator.text(locale, `cmd.${c.name}`) }));
  return {
    defaultLanguage: defaultLocale === 'zh-CN' ? 'zh' : 'en',
    byLanguage: {
      zh: { members: entries('zh-CN', false), admins: entries('zh-CN', true) },
      en: { members: entries('en', false), admins: entries('en', true) },
    },
  };
}
