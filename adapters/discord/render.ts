import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed, type AttachmentPayload } from 'discord.js';
import { encodeAction } from '../../src/core/action-id.ts';
import type { Body, Segment } from '../../src/core/outbound.ts';
import { actionsOf } from '../../src/core/outbound.ts';
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
      // A picture with a URL or data goes out as an embed or an attachment (`messageParts`); its alt text otherwise.
      return s.url === undefined && s.data === undefined ? escapeMarkdown(s.alt) : '';
    case 'action':
      // Buttons are components beside the text (`messageParts`), not text.
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

/** One Discord message of an outbound: its markdown, who it may ping, and buttons and pictures on the last one. */
export interface MessagePart {
  readonly content: string;
  readonly mentions: readonly string[];
  readonly components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  readonly embeds: APIEmbed[];
  readonly files: AttachmentPayload[];
}

const STYLES = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, danger: ButtonStyle.Danger } as const;

/**
 * A body as Discord messages: the text split at 2,000 characters, and on the last message the
 * body's buttons (five to a row, at most five rows; each button's action written into its
 * `custom_id`) and its pictures (a URL as an embed, data as an attachment). A button whose action
 * does not fit a custom id is left out; its text still says what to type.
 */
export function messageParts(body: Body, limit = DISCORD_MESSAGE_LIMIT): MessagePart[] {
  const buttons: APIButtonComponentWithCustomId[] = [];
  for (const a of actionsOf(body)) {
    let customId: string;
    try {
      customId = encodeAction({ command: a.command, args: a.args });
    } catch {
      continue;
    }
    buttons.push({ type: ComponentType.Button, style: STYLES[a.style ?? 'secondary'], label: a.label.slice(0, 80), custom_id: customId });
  }
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < buttons.length && rows.length < 5; i += 5) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  const embeds: APIEmbed[] = [];
  const files: AttachmentPayload[] = [];
  body.forEach((s, i) => {
    if (s.type !== 'image') return;
    if (s.url !== undefined) embeds.push({ image: { url: s.url }, description: s.alt.slice(0, 4096) });
    else if (s.data !== undefined) files.push({ attachment: Buffer.from(s.data, 'base64'), name: `image-${i}.${(s.mime ?? 'image/png').split('/')[1] ?? 'png'}`, description: s.alt.slice(0, 1024) });
  });
  const chunks = renderChunks(body, limit);
  if (chunks.length === 0 && (rows.length > 0 || embeds.length > 0 || files.length > 0)) chunks.push({ text: '', mentions: [] });
  return chunks.map((c, i) => {
    const last = i === chunks.length - 1;
    return { content: c.text, mentions: c.mentions, components: last ? rows : [], embeds: last ? embeds : [], files: last ? files : [] };
  });
}
