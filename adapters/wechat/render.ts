import type { Body, Segment } from '../../src/core/outbound.ts';
import { splitEscaped } from '../../src/core/split-text.ts';

/**
 * The longest text the adapter sends in one message. WeChat itself takes more, but long texts
 * fold behind "read more" in rooms and some puppets cut them; 2000 characters keeps every part
 * readable and accepted.
 */
export const WECHAT_TEXT_LIMIT = 2000;

/**
 * WeChat's mention separator: a room mention is `@name` followed by U+2005 (FOUR-PER-EM SPACE);
 * clients and puppets find mentions by it.
 */
export const AT_SEPARATOR = '\u2005';

/** One message to send: plain text and the contact ids it mentions (so the puppet can notify them). */
export interface RenderedText {
  readonly text: string;
  readonly mentionIds: readonly string[];
}

/**
 * One segment as WeChat text. WeChat has no markup, so bold is plain and a member's `<b>` is shown
 * as typed; a mention is `@name` + U+2005 in a room and just the name in a direct chat.
 */
function renderSegment(s: Segment, inRoom: boolean): string {
  switch (s.type) {
    case 'text':
    case 'bold':
      return s.text;
    case 'mention':
      return inRoom ? `@${s.name}${AT_SEPARATOR}` : s.name;
    case 'link':
      return s.text === undefined ? s.url : `${s.text} ${s.url}`;
    case 'br':
      return '\n';
    case 'image':
      // Text messages carry no picture: the image is its link or its caption.
      return s.url === undefined ? s.alt : `${s.alt} ${s.url}`;
    case 'action':
      // WeChat has no buttons; the core strips them before sending.
      return '';
  }
}

interface Piece {
  readonly text: string;
  readonly br: boolean;
  /** The contact id, for a mention in a room. */
  readonly mention?: string;
}

/**
 * Renders a body to messages of at most `limit` characters. Parts break at a line break where
 * they can, else between segments; a text longer than a part is cut at a newline or a space in its second half, never
 * inside a grapheme cluster or a mention. Each part carries the ids of the members it mentions.
 */
export function renderTexts(body: Body, options: { inRoom: boolean; limit?: number }): RenderedText[] {
  const limit = options.limit ?? WECHAT_TEXT_LIMIT;
  const pieces: Piece[] = [];
  for (const s of body) {
    const text = renderSegment(s, options.inRoom);
    if (text.length <= limit || (s.type !== 'text' && s.type !== 'bold')) {
      pieces.push({ text, br: s.type === 'br', ...(s.type === 'mention' && options.inRoom ? { mention: s.user.userId } : {}) });
      continue;
    }
    // WeChat text needs no escaping: the splitter measures the text itself.
    for (const part of splitEscaped(text, limit, (t) => t)) pieces.push({ text: part, br: false });
  }
  const parts: Piece[][] = [];
  let current: Piece[] = [];
  let length = 0;
  for (const p of pieces) {
    if (length + p.text.length > limit && length > 0) {
      // Break at the last line break of the part where there is one, so lines stay whole.
      const br = current.map((c) => c.br).lastIndexOf(true);
      const carried = br > 0 ? current.slice(br + 1) : [];
      parts.push(br > 0 ? current.slice(0, br) : current);
      current = p.br ? carried : [...carried, p];
      length = current.reduce((n, c) => n + c.text.length, 0);
      continue;
    }
    current.push(p);
    length += p.text.length;
  }
  parts.push(current);
  return parts
    .map((part) => ({
      text: part.map((c) => c.text).join('').replace(/^\n+|\n+$/g, ''),
      mentionIds: [...new Set(part.flatMap((c) => (c.mention ? [c.mention] : [])))],
    }))
    .filter((p) => p.text.trim() !== '');
}

/** An image segment of a body, sent as a picture of its own. */
export type RenderedImage = Extract<Segment, { type: 'image' }>;

/** One message to send: a text (with the ids it mentions) or a picture. */
export type RenderedMessage = ({ readonly kind: 'text' } & RenderedText) | { readonly kind: 'image'; readonly image: RenderedImage };

/**
 * Renders a body to the messages WeChat gets, in order: text runs as `renderTexts` parts and each
 * picture with `data` (a room's QR code) as an image message of its own, since a WeChat message is
 * either text or a file. A picture by URL only stays a link in the text: fetching it is not the
 * adapter's business.
 */
export function renderMessages(body: Body, options: { inRoom: boolean; limit?: number }): RenderedMessage[] {
  const out: RenderedMessage[] = [];
  let run: Segment[] = [];
  const flush = () => {
    for (const t of renderTexts(run, options)) out.push({ kind: 'text', ...t });
    run = [];
  };
  for (const s of body) {
    if (s.type === 'image' && s.data !== undefined) {
      flush();
      out.push({ kind: 'image', image: s });
    } else run.push(s);
  }
  flush();
  return out;
}
