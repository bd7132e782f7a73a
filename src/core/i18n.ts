import type { Body, Segment } from './outbound.ts';

/** Locales Hearth ships messages for. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** Maps a platform language tag (`zh-hans`, `en-US`, `zh`) to a shipped locale, if any. */
export function localeFromLanguage(tag: string | undefined): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) return 'zh-CN';
  if (t.startsWith('en')) return 'en';
  return undefined;
}

/** Language names members type instead of a tag. */
const LANGUAGE_NAMES: Readonly<Record<string, Locale>> = {
  chinese: 'zh-CN',
  cn: 'zh-CN',
  中文: 'zh-CN',
  简体中文: 'zh-CN',
  汉语: 'zh-CN',
  english: 'en',
  英文: 'en',
  英语: 'en',
};

/**
 * A locale as a member types it to choose one (`/lang zh-CN`, `zh_hans`, `EN-us`, `English`, `中文`):
 * a BCP-47-like tag (either separator, any case) whose language part is a shipped one, or a
 * language name. Undefined for anything else, so a typo is refused rather than guessed.
 */
export function parseLocaleTag(value: string): Locale | undefined {
  const v = value.trim().toLowerCase();
  const named = LANGUAGE_NAMES[v];
  if (named) return named;
  const m = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/.exec(v);
  if (!m) return undefined;
  return m[1] === 'zh' ? 'zh-CN' : m[1] === 'en' ? 'en' : undefined;
}

/**
 * A placeholder filled with another message, translated in the same locale as the message that
 * holds it: how a service names a status or a reason (`shop.status.rejected`) in an error it
 * throws without knowing who will read it.
 */
export interface MessageRef {
  readonly ref: string;
  readonly params?: MessageParams;
}

/** A reference to the message `key`, for a placeholder or an error parameter. */
export function msg(key: string, params?: MessageParams): MessageRef {
  return params ? { ref: key, params } : { ref: key };
}

/** A placeholder value: plain values become text, segments are inserted as they are, references are translated. */
export type MessageParam = string | number | Segment | Body | MessageRef;
export type MessageParams = Readonly<Record<string, MessageParam>>;

/** All member-facing text, by locale then key. */
export type MessageCatalog = Readonly<Record<Locale, Readonly<Record<string, string>>>>;

function isSegment(v: MessageParam): v is Segment {
  return typeof v === 'object' && !Array.isArray(v) && 'type' in v;
}

function isRef(v: MessageParam): v is MessageRef {
  return typeof v === 'object' && !Array.isArray(v) && 'ref' in v;
}

/**
 * Renders message templates with `{name}` placeholders into segment bodies. Placeholders may
 * take segments (a mention, a bold number), so templates keep word order per language.
 * `**text**` in a template marks bold.
 */
export class Translator {
  constructor(
    private readonly catalog: MessageCatalog,
    readonly fallback: Locale = 'en',
  ) {}

  has(key: string): boolean {
    return key in this.catalog[this.fallback];
  }

  template(locale: Locale, key: string): string {
    return this.catalog[locale][key] ?? this.catalog[this.fallback][key] ?? key;
  }

  /** The message as segments. Unknown keys render as the key itself, so a gap is visible, not fatal. */
  t(locale: Locale, key: string, params: MessageParams = {}): Body {
    const template = resolvePlurals(this.template(locale, key), locale, params);
    const out: Segment[] = [];
    let bold = false;
    const pushText = (text: string) => {
      if (text !== '') out.push({ type: bold ? 'bold' : 'text', text });
    };
    for (const token of template.split(/(\*\*|\{\w+\}|\n)/)) {
      if (token === '**') bold = !bold;
      else if (token === '\n') out.push({ type: 'br' });
      else if (/^\{\w+\}$/.test(token)) {
        const value = params[token.slice(1, -1)];
        if (value === undefined) pushText(token);
        else if (typeof value === 'string' || typeof value === 'number') pushText(String(value));
        else if (isRef(value)) out.push(...this.t(locale, value.ref, value.params));
        else if (isSegment(value)) out.push(value);
        else out.push(...value);
      } else pushText(token);
    }
    return mergeText(out);
  }

  /** The message as plain text (for menus, logs and places that take no markup). */
  text(locale: Locale, key: string, params: MessageParams = {}): string {
    return this.t(locale, key, params)
      .map((s) => {
        switch (s.type) {
          case 'br':
            return '\n';
          case 'mention':
            return `@${s.name}`;
          case 'link':
            return s.text ?? s.url;
          case 'image':
            return s.alt;
          case 'file':
            return s.name;
          case 'action':
            return '';
          default:
            return s.text;
        }
      })
      .join('');
  }
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * Chooses the plural forms in a template, ICU style: `{days, plural, one {# day} other {# days}}`
 * becomes "1 day" or "3 days" by the locale's plural rules (`=0 {…}` matches exactly; `#` is the
 * number). Templates without one are returned as they are.
 */
export function resolvePlurals(template: string, locale: Locale, params: MessageParams): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = template.indexOf('{', i);
    const head = start < 0 ? null : /^\{(\w+), *plural, */.exec(template.slice(start));
    if (start < 0) return out + template.slice(i);
    if (!head) {
      out += template.slice(i, start + 1);
      i = start + 1;
      continue;
    }
    const forms = new Map<string, string>();
    let j = start + head[0].length;
    while (j < template.length && template[j] !== '}') {
      const sel = /^ *(=?\w+) *\{/.exec(template.slice(j));
      if (!sel) break;
      let depth = 1;
      let k = j + sel[0].length;
      const bodyStart = k;
      while (k < template.length && depth > 0) {
        if (template[k] === '{') depth++;
        else if (template[k] === '}') depth--;
        k++;
      }
      forms.set(sel[1]!, template.slice(bodyStart, k - 1));
      j = k;
      while (template[j] === ' ') j++;
    }
    const raw = params[head[1]!];
    // A number shown in bold is still a number to choose the form by.
    const shown = typeof raw === 'object' && !Array.isArray(raw) && 'text' in raw ? raw.text : raw;
    const n = typeof shown === 'number' ? shown : Number(typeof shown === 'string' ? shown : NaN);
    let rules = pluralRules.get(locale);
    if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
    const form = forms.get(`=${n}`) ?? forms.get(Number.isNaN(n) ? 'other' : rules.select(n)) ?? forms.get('other') ?? '';
    out += template.slice(i, start) + form.replaceAll('#', `{${head[1]}}`);
    i = j + 1;
  }
}

function mergeText(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if ((s.type === 'text' || s.type === 'bold') && prev?.type === s.type) out[out.length - 1] = { type: s.type, text: prev.text + s.text };
    else out.push(s);
  }
  return out;
}
