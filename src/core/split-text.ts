const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits raw text into parts whose escaped form is at most `limit` characters, cutting at a
 * newline or a space in the second half of a part where there is one, and never inside a
 * grapheme cluster (an emoji with a skin tone or joined family stays whole; a single cluster
 * longer than the limit is cut between code points). Adapters use it to chunk long text for their platform's message limit after
 * their own escaping (Telegram HTML, Discord markdown). `slack` reserves characters an escape at
 * the cut may add (Discord escapes block markers at the start of a line).
 */
export function splitEscaped(text: string, limit: number, escape: (text: string) => string, slack = 0): string[] {
  const parts: string[] = [];
  let rest = text;
  while (escape(rest).length > limit) {
    let end = 0;
    let escaped = 0;
    for (const { segment } of graphemes.segment(rest)) {
      const add = escape(segment).length;
      if (escaped + add + slack > limit) break;
      escaped += add;
      end += segment.length;
    }
    if (end === 0) end = rest.codePointAt(0)! > 0xffff ? 2 : 1;
    const window = rest.slice(0, end);
    const nl = window.lastIndexOf('\n');
    const sp = window.lastIndexOf(' ');
    const cut = nl > end / 2 ? nl + 1 : sp > end / 2 ? sp + 1 : end;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') parts.push(rest);
  return parts;
}
