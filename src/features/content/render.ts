import type { Body, Segment } from '../../core/outbound.ts';
import { seg } from '../../core/outbound.ts';

/** The live values a post body may use as `{{name}}`, filled in when the post is sent. */
export const LIVE_VALUES = ['leaderboard', 'checkins_today', 'member_count', 'date', 'community', 'group'] as const;
export type LiveValue = (typeof LIVE_VALUES)[number];

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const INLINE = /(\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\)|https?:\/\/[^\s)]+|\{\{\s*\w+\s*\}\})/;

/** The `{{names}}` a body uses that are not live values (reported when the pack loads). */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !(LIVE_VALUES as readonly string[]).includes(n));
}

/** Which live values a body uses, so only those are computed. */
export function usedValues(text: string): Set<LiveValue> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as LiveValue));
}

/**
 * Renders a post body to segments. Markdown-ish: each line break is a `br`, a `# heading` line and
 * `**text**` are bold, `[text](url)` and bare `https://` addresses are links, and `{{name}}` is
 * replaced by the live value's segments. Adapters escape and format; no platform markup here.
 */
export function renderBody(text: string, values: Readonly<Partial<Record<LiveValue, Body>>>): Body {
  const out: Segment[] = [];
  text.split('\n').forEach((raw, i) => {
    if (i > 0) out.push(seg.br());
    const heading = /^#{1,6}\s+/.exec(raw);
    const line = heading ? raw.slice(heading[0].length) : raw;
    for (const token of line.split(INLINE)) {
      if (token === '') continue;
      const placeholder = /^\{\{\s*(\w+)\s*\}\}$/.exec(token);
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      if (placeholder) out.push(...(values[placeholder[1] as LiveValue] ?? [seg.text(token)]));
      else if (link) out.push(seg.link(link[2]!, link[1]!));
      else if (/^https?:\/\//.test(token)) out.push(seg.link(token));
      else if (token.startsWith('**') && token.endsWith('**') && token.length > 4) out.push(seg.bold(token.slice(2, -2)));
      else out.push(heading ? seg.bold(token) : seg.text(token));
    }
  });
  return out;
}
