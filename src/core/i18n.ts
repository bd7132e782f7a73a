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

/** A placeholder value: plain values become text, segments are inserted as they are. */
export type MessageParam = string | number | Segment | Body;
export type MessageParams = Readonly<Record<string, MessageParam>>;

/** All member-facing text, by locale then key. */
export type MessageCatalog = Readonly<Record<Locale, Readonly<Record<string, string>>>>;

function isSegment(v: MessageParam): v is Segment {
  return typeof v === 'object' && !Array.isArray(v) && 'type' in v;
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
    const template = this.template(locale, key);
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
          case 'action':
            return '';
          default:
            return s.text;
        }
      })
      .join('');
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
