import type { Api } from 'grammy';
import type { BotCommand, BotCommandScope, LanguageCode } from 'grammy/types';
import type { CommandMenu, CommandMenuEntry } from '../../src/core/adapter.ts';

/** Telegram accepts only lower-case latin letters, digits and underscores, up to 32 characters. */
const VALID = /^[a-z0-9_]{1,32}$/;

const toCommands = (entries: readonly CommandMenuEntry[]): BotCommand[] =>
  entries.filter((e) => VALID.test(e.command)).map((e) => ({ command: e.command, description: e.description.slice(0, 256) || e.command }));

/**
 * Publishes the menu with setMyCommands: members' commands in every chat (`default` scope), the
 * longer list for group administrators (`all_chat_administrators`), once per language plus a
 * language-less fallback (the community's language) for members whose app language has no list.
 */
export async function publishCommandMenu(api: Api, menu: CommandMenu): Promise<void> {
  const admins: BotCommandScope = { type: 'all_chat_administrators' };
  const members: BotCommandScope = { type: 'default' };
  for (const [tag, lists] of Object.entries(menu.byLanguage)) {
    // The menu's languages are two-letter ISO 639-1 codes (`en`, `zh`), which is what Telegram takes.
    const language = tag as LanguageCode;
    await api.setMyCommands(toCommands(lists.members), { scope: members, language_code: language });
    await api.setMyCommands(toCommands(lists.admins), { scope: admins, language_code: language });
  }
  const fallback = menu.byLanguage[menu.defaultLanguage ?? 'en'];
  if (fallback) {
    await api.setMyCommands(toCommands(fallback.members), { scope: members });
    await api.setMyCommands(toCommands(fallback.admins), { scope: admins });
  }
}
