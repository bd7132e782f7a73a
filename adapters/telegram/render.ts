import type { Body, Segment } from '../../src/core/outbound.ts';

/** Telegram refuses a message longer than this (characters of the text after entity parsing). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Escapes text for Telegram's HTML parse mode: a member's `<b>` stays literal text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One segment as Telegram HTML. */
export function renderSegment(s: Segment): string {
  switch (s.type) {
    case 'text':
      return escapeHtml(s.text);
    case 'bold':
      return `<b>${escapeHtml(s.text)}</b>`;
    case 'mention':
      return `<a href="tg://user?id=${escapeHtml(s.user.userId)}">${escapeHtml(s.name)}</a>`;
    case 'link':
      return s.text === undefined ? escapeHtml(s.url) : `<a href="${escapeHtml(s.url)}">${escapeHtml(s.text)}</a>`;
    case 'br':
      return '\n';
    case 'image':
      // Telegram needs sendPhoto for a picture; inside text, the image is its link or its caption.
      return s.url === undefined ? escapeHtml(s.alt) : `<a href="${escapeHtml(s.url)}">${escapeHtml(s.alt)}</a>`;
    case 'action':
      // No inline keyboards yet: the core strips buttons for platforms without `buttons`.
      return '';
  }
}

/** The whole body as Telegram HTML, without splitting. */
export function renderHtml(body: Body): string {
  return body.map(renderSegment).join('');
}

/**
 * Renders a body to HTML messages of at most `limit` characters each. Measuring the HTML (not the
 * visible text) is conservative, so every chunk is accepted. Chunks break between segments; a text
 * longer than a chunk is cut at a newline or a space where one is in the second half, and never
 * inside a tag, an escape or a surrogate pair.
 */
export function renderChunks(body: Body, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  const pieces: { html: string; br: boolean }[] = [];
  for (const s of body) {
    const html = renderSegment(s);
    if (html.length <= limit || (s.type !== 'text' && s.type !== 'bold')) {
      pieces.push({ html, br: s.type === 'br' });
      continue;
    }
    const wrap = s.type === 'bold' ? (t: string) => `<b>${t}</b>` : (t: string) => t;
    for (const part of splitText(s.text, limit - wrap('').length)) pieces.push({ html: wrap(escapeHtml(part)), br: false });
  }
  const chunks: string[] = [];
  let current = '';
  for (const p of pieces) {
    if (current.length + p.html.length > limit && current !== '') {
      chunks.push(current);
      current = p.br ? '' : p.html;
      continue;
    }
    current += p.html;
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks.map((c) => c.replace(/^\n+|\n+$/g, '')).filter((c) => c !== '');
}

/** Splits raw text into parts whose escaped form fits `limit`, preferring a newline, then a space. */
function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (escapeHtml(rest).length > limit) {
    let end = 0;
    let escaped = 0;
    while (end < rest.length) {
      const code = rest.charCodeAt(end);
      const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      const add = escapeHtml(rest.slice(end, end + width)).length;
      if (escaped + add > limit) break;
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
