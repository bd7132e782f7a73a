import { splitEscaped } from '../../core/split-text.ts';

/** Plain text needs no escaping: pieces are measured as they are. */
const plain = (text: string): string => text;

/**
 * Splits text into pieces of at most `max` characters (UTF-16 units, what platforms limit) with
 * the core splitter the adapters use, never inside a grapheme cluster, so a 10,000-character ticket
 * goes out as several messages each under every platform's limit. A cut at a line break drops it.
 */
export function splitText(text: string, max: number): string[] {
  const parts = splitEscaped(text, max, plain).map((p) => p.replace(/\n$/, ''));
  return parts.length === 0 ? [''] : parts;
}

/** How many characters a member sees (grapheme clusters), for "N characters in all". */
export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) n++;
  return n;
}

/** The first `max` characters on one line, with `…` when cut: for lists and staff alerts. */
export function preview(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return `${splitText(flat, max - 1)[0]!.trimEnd()}…`;
}
