import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CatalogArg, CatalogEntry, CommandCatalog } from '../../src/core/catalog.ts';
import type { Locale } from '../../src/core/i18n.ts';

/** Discord's rule for command and option names: lowercase letters (any script), digits, `-`, `_`, 1–32. */
const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

/** The Discord locale keys each Hearth locale is published under (Discord refuses `zh` or `en`: 50035). */
const DISCORD_LOCALES: Readonly<Record<Locale, readonly string[]>> = { 'zh-CN': ['zh-CN', 'zh-TW'], en: ['en-US', 'en-GB'] };

/** At most this many choices per option; a longer list is a free-text option the core validates. */
const MAX_CHOICES = 25;

const validName = (name: string): boolean => NAME.test(name) && name === name.toLowerCase();
const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const describe = (text: string, fallback: string): string => clip(text.trim() === '' ? fallback : text.trim(), 100);

type Localised = Partial<Record<string, string>>;

function localised(values: Partial<Record<Locale, string | undefined>>, fit: (v: string) => string | undefined): Localised {
  const out: Localised = {};
  for (const [locale, keys] of Object.entries(DISCORD_LOCALES) as [Locale, readonly string[]][]) {
    const v = values[locale];
    const fitted = v === undefined ? undefined : fit(v);
    if (fitted !== undefined) for (const key of keys) out[key] = fitted;
  }
  return out;
}

/** A Chinese alias (`签到`) as the zh-CN name of a command, where Discord accepts it. */
function localName(entry: CatalogEntry): string | undefined {
  return [...entry.aliases, ...entry.bare].find((a) => /\p{Script=Han}/u.test(a) && validName(a));
}

function optionOf(arg: CatalogArg, byLocale: Readonly<Record<Locale, CatalogArg | undefined>>, defaultLocale: Locale) {
  const labels = (pick: (a: CatalogArg) => string) => Object.fromEntries(Object.entries(byLocale).map(([l, a]) => [l, a ? pick(a) : undefined])) as Partial<Record<Locale, string>>;
  const base = {
    name: arg.name.toLowerCase(),
    name_localizations: localised(labels((a) => a.label.toLowerCase().replace(/\s+/g, '-')), (v) => (validName(v) ? v : undefined)),
    description: describe(byLocale[defaultLocale]?.label ?? arg.label, arg.name),
    description_localizations: localised(labels((a) => a.label), (v) => describe(v, arg.name)),
    required: arg.required,
  };
  switch (arg.type) {
    case 'integer':
      return { ...base, type: ApplicationCommandOptionType.Integer, ...(arg.min !== undefined ? { min_value: arg.min } : {}), ...(arg.max !== undefined ? { max_value: arg.max } : {}) };
    case 'member':
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'choice': {
      const choices = arg.choices ?? [];
      if (choices.length === 0 || choices.length > MAX_CHOICES) return { ...base, type: ApplicationCommandOptionType.String };
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: choices.map((c) => {
          const label = (l: Locale) => byLocale[l]?.choices?.find((x) => x.value === c.value)?.label;
          return {
            name: clip(label(defaultLocale) ?? c.label, 100),
            value: c.value,
            name_localizations: localised({ 'zh-CN': label('zh-CN'), en: label('en') }, (v) => clip(v, 100)),
          };
        }),
      };
    }
    case 'word':
    case 'text':
      return { ...base, type: ApplicationCommandOptionType.String, ...(arg.type === 'word' ? { max_length: 100 } : { max_length: 1000 }) };
  }
}

/**
 * The catalog as Discord application commands, for one bulk overwrite: one slash command per
 * catalog entry Discord can name (lowercase, ≤ 32), with zh-CN/zh-TW and en-US/en-GB names,
 * descriptions and typed options (integers with bounds, members as user pickers, up to 25
 * choices with localised labels). Required options come before optional ones, as Discord
 * demands. Staff commands are hidden from members who lack Manage Server (server admins can
 * change that under Integrations); the dispatcher still checks every role, whatever Discord shows.
 * Guild registration leaves out direct-chat-only commands; global registration says where each works.
 */
export function applicationCommands(catalog: CommandCatalog, scope: 'guild' | 'global' = 'guild'): RESTPutAPIApplicationCommandsJSONBody {
  const { defaultLocale } = catalog;
  // Guild commands exist only inside their guild: direct-chat commands are typed there, or registered globally.
  const entries = catalog.byLocale[defaultLocale].filter((e) => scope === 'global' || e.scope !== 'direct');
  const other = (locale: Locale, name: string) => catalog.byLocale[locale]?.find((e) => e.name === name);
  return entries
    .filter((e) => validName(e.name) && e.role !== 'owner')
    .slice(0, 100)
    .map((entry) => {
      const zh = other('zh-CN', entry.name);
      const en = other('en', entry.name);
      const zhName = zh ? localName(zh) : undefined;
      const args = entry.args.filter((a) => validName(a.name.toLowerCase()));
      const ordered = [...args.filter((a) => a.required), ...args.filter((a) => !a.required)];
      return {
        type: ApplicationCommandType.ChatInput,
        name: entry.name,
        ...(zhName ? { name_localizations: { 'zh-CN': zhName, 'zh-TW': zhName } } : {}),
        description: describe(entry.description, entry.name),
        description_localizations: localised({ 'zh-CN': zh?.description, en: en?.description }, (v) => describe(v, entry.name)),
        options: ordered.map((a) =>
          optionOf(a, { 'zh-CN': zh?.args.find((x) => x.name === a.name), en: en?.args.find((x) => x.name === a.name) }, defaultLocale),
        ),
        ...(entry.role === 'member' ? {} : { default_member_permissions: PermissionFlagsBits.ManageGuild.toString() }),
        ...(scope === 'global' ? { contexts: contextsOf(entry) } : {}),
      };
    }) as RESTPutAPIApplicationCommandsJSONBody;
}

function contextsOf(entry: CatalogEntry): InteractionContextType[] {
  return entry.scope === 'direct' ? [InteractionContextType.BotDM] : entry.scope === 'group' ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM];
}
