import type { Body, Segment } from '../../src/core/outbound.ts';
import { splitEscaped } from '../../src/core/split-text.ts';

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
    case 'image':
      return s.url === undefined ? escapeMarkdown(s.alt) : `[${escapeMarkdown(s.alt)}](${s.url})`;
    case 'action':
      // Buttons are components, not text; the core strips them until the adapter declares `buttons`.
      return '';
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
    for (const part of splitEscaped(s.text, limit - wrap('').length, escapeMarkdown, 2)) pieces.push({ md: wrap(escapeMarkdown(part)), br: false });
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
