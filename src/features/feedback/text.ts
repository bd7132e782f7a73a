const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The characters a member sees (grapheme clusters): an emoji with modifiers counts once and is never cut in half. */
export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of graphemes.segment(text)) n++;
  return n;
}

/**
 * Splits text into pieces of at most `max` characters (UTF-16 units, what platforms limit),
 * preferring a line break in the last fifth of a piece, never inside a grapheme cluster, so a
 * 10,000-character ticket goes out as several messages each under every platform's limit.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let piece = '';
  let lastBreak = -1;
  for (const { segment } of graphemes.segment(text)) {
    if (piece.length + segment.length > max) {
      const cut = lastBreak >= max * 0.8 ? lastBreak : piece.length;
      out.push(piece.slice(0, cut));
      piece = piece.slice(cut).replace(/^\n/, '');
      lastBreak = -1;
    }
    piece += segment;
    if (segment === '\n') lastBreak = piece.length - 1;
  }
  if (piece !== '' || out.length === 0) out.push(piece);
  return out;
}

/** The first `max` characters on one line, with `…` when cut: for lists and staff alerts. */
export function preview(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return `${splitText(flat, max - 1)[0]!}…`;
}
