import type { Body, Segment } from '../../src/core/outbound.ts';

/** Discord refuses message content longer than this. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/**
 * Escapes member text for Discord markdown: every formatting character gets a backslash (`*`,
 * `_`, `~`, `|`, backticks, `[`, `]`, `<` so `<@id>` and `<#id>` typed by a member stay literal,
 * and the backslash itself), and so do block markers at the start of a line (`#`, `>`, `-`, `+`,
 * `1.`), so a member's text is shown exactly as they wrote it. URLs are left alone.
 */
export function escapeMarkdown(text: string): string {
  // URLs stay as they are: Discord links them before it reads markdown, and a backslash in one breaks it.
  return text
    .split(URL_SPAN)
    .map((part, i) => (i % 2 === 1 ? part : escapePlain(part)))
    .join('');
}

const URL_SPAN = /(https?:\/\/[^\s<>]+)/;

function escapePlain(text: string): string {
  return text
    .replace(/[\\*_~|`[\]<>]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.');
}

/** One segment as Discord markdown. Mentions are `<@id>`; whether they ping is up to `allowed_mentions`. */
export function renderSegment(s: Segment): string {
  switch (s.type) {
    case 'text':
      return escapeMarkdown(s.text);
    case 'bold':
      return s.text === '' ? '' : `**${escapeMarkdown(s.text)}**`;
    case 'mention':
      return /^\d+$/.test(s.user.userId) ? `<@${s.user.userId}>` : escapeMarkdown(`@${s.name}`);
    case 'link':
      // Discord links a bare URL before it reads markdown, so the URL goes out as it is; a masked
      // link needs a URL without spaces or parentheses, else the text and the URL are both shown.
      if (s.text === undefined) return s.url;
      return /[\s()]/.test(s.url) ? `${escapeMarkdown(s.text)} ${s.url}` : `[${escapeMarkdown(s.text)}](${s.url})`;
    case 'br':
      return '\n';
  }
}

/** The whole body as Discord markdown, without splitting. */
export function renderMarkdown(body: Body): string {
  return body.map(renderSegment).join('');
}

/** The Discord user ids a body mentions: the only ones `allowed_mentions` lets it ping. */
export function mentionedUsers(body: Body): string[] {
  return [...new Set(body.flatMap((s) => (s.type === 'mention' && /^\d+$/.test(s.user.userId) ? [s.user.userId] : [])))];
}

/**
 * Renders a body to messages of at most `limit` characters of markdown each. Chunks break between
 * segments; a text or bold run longer than a chunk is cut at a newline or a space in its second
 * half, never inside an escape or a surrogate pair, and a cut bold run is closed and reopened.
 */
export function renderChunks(body: Body, limit = DISCORD_MESSAGE_LIMIT): { text: string; mentions: string[] }[] {
  const pieces: { md: string; br: boolean; mention?: string }[] = [];
  for (const s of body) {
    const md = renderSegment(s);
    const mention = s.type === 'mention' && /^\d+$/.test(s.user.userId) ? s.user.userId : undefined;
    if (md.length <= limit || (s.type !== 'text' && s.type !== 'bold')) {
      pieces.push({ md, br: s.type === 'br', ...(mention ? { mention } : {}) });
      continue;
    }
    const wrap = s.type === 'bold' ? (t: string) => `**${t}**` : (t: string) => t;
    for (const part of splitText(s.text, limit - wrap('').length)) pieces.push({ md: wrap(escapeMarkdown(part)), br: false });
  }
  const chunks: { text: string; mentions: string[] }[] = [];
  let current = '';
  let mentions: string[] = [];
  const flush = () => {
    const text = current.replace(/^\n+|\n+$/g, '');
    if (text.trim() !== '') chunks.push({ text, mentions: [...new Set(mentions)] });
    current = '';
    mentions = [];
  };
  for (const p of pieces) {
    if (current.length + p.md.length > limit && current !== '') {
      flush();
      if (p.br) continue;
    }
    current += p.md;
    if (p.mention) mentions.push(p.mention);
  }
  flush();
  return chunks;
}

/** Splits raw text into parts whose escaped form fits `limit`, preferring a newline, then a space. */
function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (escapeMarkdown(rest).length > limit) {
    let end = 0;
    let escaped = 0;
    while (end < rest.length) {
      const code = rest.charCodeAt(end);
      const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      // Two characters' worth of slack per step covers a line-start escape the cut may add.
      const add = escapeMarkdown(rest.slice(end, end + width)).length;
      if (escaped + add + 2 > limit) break;
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
