import type { ArgSpec, ArgType, CommandScope, CommandSpec } from './command.ts';
import { choicesOf } from './command.ts';
import type { Locale, Translator } from './i18n.ts';
import { LOCALES } from './i18n.ts';
import type { Role } from './roles.ts';

/** One argument as a platform shows it: Discord option type, bounds and choices with labels. */
export interface CatalogArg {
  readonly name: string;
  /** The localised placeholder (`amount` / `数量`). */
  readonly label: string;
  readonly type: ArgType;
  readonly required: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Read when the catalog is built (live choices such as rewards included). */
  readonly choices?: readonly { readonly value: string; readonly label: string }[];
}

/** One command in one locale, with everything a platform needs to publish it. */
export interface CatalogEntry {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly bare: readonly string[];
  readonly description: string;
  readonly role: Role;
  readonly scope: CommandScope;
  /** Answered to the actor only: an adapter can prepare a private answer before running it. */
  readonly private: boolean;
  /** Shown in member menus (members' commands only) — staff menus list every staff command. */
  readonly inMenu: boolean;
  readonly args: readonly CatalogArg[];
}

/**
 * The command table as each locale sees it, published by each adapter in its own form (Telegram
 * menu per language and audience, Discord slash commands with localised options, WeChat bare words).
 */
export interface CommandCatalog {
  /** The community's locale: for members whose language has no list. */
  readonly defaultLocale: Locale;
  readonly byLocale: Readonly<Record<Locale, readonly CatalogEntry[]>>;
}

/** The localised label of an argument: `amount` → `数量`; the name where no message exists. */
export function argLabel(spec: ArgSpec, tr: Translator, locale: Locale): string {
  const key = `arg.${spec.name}`;
  return tr.has(key) ? tr.text(locale, key) : spec.name;
}

/** The label of one choice value in a locale. */
export function choiceLabel(spec: ArgSpec, value: string, tr: Translator, locale: Locale): string {
  const choice = choicesOf(spec).find((c) => c.value === value);
  const own = choice?.labels?.[locale];
  if (own !== undefined) return own;
  const key = `choice.${spec.name}.${value}`;
  return tr.has(key) ? tr.text(locale, key) : value;
}

/** Builds the catalog from the command table. */
export function buildCatalog(table: readonly CommandSpec[], tr: Translator, defaultLocale: Locale): CommandCatalog {
  const entries = (locale: Locale): CatalogEntry[] =>
    table.map((c) => ({
      name: c.name,
      aliases: c.aliases ?? [],
      bare: c.bare ?? [],
      description: tr.text(locale, `cmd.${c.name}`),
      role: c.role,
      scope: c.where,
      private: c.private ?? false,
      inMenu: c.inMenu ?? false,
      args: (c.args as readonly ArgSpec[]).map((spec) => ({
        name: spec.name,
        label: argLabel(spec, tr, locale),
        type: spec.type,
        required: !spec.optional,
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        ...(spec.type === 'choice' ? { choices: choicesOf(spec).map((ch) => ({ value: ch.value, label: choiceLabel(spec, ch.value, tr, locale) })) } : {}),
      })),
    }));
  const byLocale = Object.fromEntries(LOCALES.map((l) => [l, entries(l)])) as Record<Locale, CatalogEntry[]>;
  return { defaultLocale, byLocale };
}
