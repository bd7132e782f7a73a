import type { Api } from 'grammy';
import type { BotCommand, BotCommandScope, LanguageCode } from 'grammy/types';
import type { CatalogEntry, CommandCatalog } from '../../src/core/catalog.ts';

/** Telegram accepts only lower-case latin letters, digits and underscores, up to 32 characters. */
const VALID = /^[a-z0-9_]{1,32}$/;

const toCommands = (entries: readonly CatalogEntry[]): BotCommand[] =>
  entries.filter((e) => VALID.test(e.name)).map((e) => ({ command: e.name, description: e.description.slice(0, 256) || e.name }));

/** Members see the member commands marked for menus; group admins see every staff command below owner. */
const forMembers = (entries: readonly CatalogEntry[]) => entries.filter((e) => e.inMenu && e.role === 'member');
const forAdmins = (entries: readonly CatalogEntry[]) => entries.filter((e) => e.role !== 'owner' && (e.inMenu || e.role !== 'member'));

/** Telegram takes two-letter ISO 639-1 language codes: `zh-CN` → `zh`. */
const languageOf = (locale: string) => locale.split('-')[0]!.toLowerCase() as LanguageCode;

/**
 * Publishes the catalog with setMyCommands: members' commands in every chat (`default` scope), the
 * longer list for group administrators (`all_chat_administrators`), once per language plus a
 * language-less fallback (the community's language) for members whose app language has no list.
 */
export async function publishCommandMenu(api: Api, catalog: CommandCatalog): Promise<void> {
  const admins: BotCommandScope = { type: 'all_chat_administrators' };
  const members: BotCommandScope = { type: 'default' };
  for (const [locale, entries] of Object.entries(catalog.byLocale)) {
    const language = languageOf(locale);
    await api.setMyCommands(toCommands(forMembers(entries)), { scope: members, language_code: language });
    await api.setMyCommands(toCommands(forAdmins(entries)), { scope: admins, language_code: language });
  }
  const fallback = catalog.byLocale[catalog.defaultLocale];
  await api.setMyCommands(toCommands(forMembers(fallback)), { scope: members });
  await api.setMyCommands(toCommands(forAdmins(fallback)), { scope: admins });
}
