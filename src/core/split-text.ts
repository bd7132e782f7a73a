/**
 * Splits raw text into parts whose escaped form is at most `limit` characters, cutting at a
 * newline or a space in the second half of a part where there is one, and never inside a
 * surrogate pair. Adapters use it to chunk long text for their platform's message limit after
 * their own escaping (Telegram HTML, Discord markdown). `slack` reserves characters an escape at
 * the cut may add (Discord escapes block markers at the start of a line).
 */
export function splitEscaped(text: string, limit: number, escape: (text: string) => string, slack = 0): string[] {
  const parts: string[] = [];
  let rest = text;
  while (escape(rest).length > limit) {
    let end = 0;
    let escaped = 0;
    while (end < rest.length) {
      const code = rest.charCodeAt(end);
      const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      const add = escape(rest.slice(end, end + width)).length;
      if (escaped + add + slack > limit) break;
      escaped += add;
      end += width;
    }
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
