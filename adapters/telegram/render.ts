import type { Body, Segment } from '../../src/core/outbound.ts';
import { splitEscaped } from '../../src/core/split-text.ts';

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
    case 'file':
      // Files go out as documents after the text (`sendDocument`), not inside it.
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
    for (const part of splitEscaped(s.text, limit - wrap('').length, escapeHtml)) pieces.push({ html: wrap(escapeHtml(part)), br: false });
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
