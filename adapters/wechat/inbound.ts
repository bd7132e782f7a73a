import { createHash } from 'node:crypto';
import type { ChatKind, InboundEvent, MessageEvent, MessageKind, Mention, Sender, ShareCard } from '../../src/core/events.ts';
import type { ChatRef } from '../../src/core/ids.ts';
import { AT_SEPARATOR } from './render.ts';

/**
 * wechaty's message types (`types.Message` of wechaty-puppet), copied as plain numbers so the
 * mapping stays a pure function that tests can run without starting wechaty. The values are part
 * of the puppet protocol (wechaty-grpc), so they do not move.
 */
export const WECHAT_MESSAGE_TYPE = {
  Unknown: 0,
  Attachment: 1,
  Audio: 2,
  Contact: 3,
  ChatHistory: 4,
  Emoticon: 5,
  Image: 6,
  Text: 7,
  Location: 8,
  MiniProgram: 9,
  GroupNote: 10,
  Transfer: 11,
  RedEnvelope: 12,
  Recalled: 13,
  Url: 14,
  Video: 15,
  Post: 16,
} as const;

/** What the adapter read about a contact from wechaty. */
export interface ContactFacts {
  readonly id: string;
  /** The WeChat nickname. */
  readonly name: string;
  /** The remark the bot's account gave this contact (wechaty's `contact.alias()`), if any. */
  readonly remark?: string;
  /** The weixin id, where the puppet reports it (`contact.handle()`). */
  readonly handle?: string;
  /** The name the contact gave themselves in this room (群昵称), where it differs. */
  readonly roomAlias?: string;
  /** The contact is the bot's own account. */
  readonly isSelf?: boolean;
}

/** A room as the adapter read it. */
export interface RoomFacts {
  readonly id: string;
  readonly topic?: string;
}

/** One wechaty message, read into plain data (`read.ts` does the reading). */
export interface MessageFacts {
  readonly id: string;
  readonly type: number;
  readonly text: string;
  readonly at: Date;
  readonly room?: RoomFacts;
  readonly talker: ContactFacts;
  /** wechaty's `message.self()`: the bot's own account sent it (its own sends come back like this). */
  readonly self: boolean;
  /** The contacts the message mentions (wechaty's `mentionList()`), the bot itself included. */
  readonly mentions: readonly ContactFacts[];
  /** How the bot is called in this chat: its nickname and, in a room, its room alias. */
  readonly selfNames: readonly string[];
  /** A link or article card (`toUrlLink()`), for `Url` messages. */
  readonly urlLink?: { readonly title: string; readonly url: string };
  /** A mini-program card (`toMiniProgram()`), for `MiniProgram` messages. */
  readonly miniProgram?: { readonly title?: string; readonly pagePath?: string; readonly appid?: string };
}

/** Looks up a quoted message among the recent ones of a chat: its id, when the adapter saw it. */
export type QuoteLookup = (chatId: string, authorName: string, quotedText: string) => string | undefined;

const URL_RE = /https?:\/\/[^\s\u2005\u3000<>"'，。！？、；：”’）》】]+/g;

/**
 * The separator line WeChat clients put between a quoted message and the reply, as puppets
 * (padlocal, wechat4u) deliver a quote: `「张三：原文」` newline, dashes, newline, the reply.
 */
const QUOTE_RE = /^「([^：:」]+)[：:]([\s\S]*?)」\n- - - - - - - - - - - - - - -\n([\s\S]*)$/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A quote as the reply text, plus who and what it quoted; undefined when the text is not a quote. */
export function parseQuote(text: string): { readonly reply: string; readonly author: string; readonly quoted: string } | undefined {
  const m = QUOTE_RE.exec(text);
  return m ? { author: m[1]!.trim(), quoted: m[2]!, reply: m[3]! } : undefined;
}

/**
 * Removes every `@<bot name>` span (followed by U+2005, a space or the end) from the text, so
 * `@品牌小助手 签到` parses as `签到`. Other members' mentions stay: `/award @张三 5` needs them.
 */
export function stripSelfMentions(text: string, selfNames: readonly string[]): string {
  let out = text;
  for (const name of selfNames) {
    if (name === '') continue;
    out = out.replace(new RegExp(`@${escapeRe(name)}(?:${AT_SEPARATOR}|[ \\u3000]|$)`, 'g'), '');
  }
  return out.trim();
}

/** A WeChat contact as the core's Sender. */
export function senderOf(c: ContactFacts): Sender {
  const aliases = contactAliases(c);
  return {
    user: { platform: 'wechat', userId: c.id },
    name: c.name,
    ...(c.handle ? { handle: c.handle } : {}),
    ...(c.isSelf ? { isSelf: true } : {}),
    ...(aliases.length > 0 ? { aliases } : {}),
  };
}

/**
 * The names that identify a person across a change of contact id (some puppets hand out new ids
 * after a re-login): the weixin id where the puppet has it, and the remark the bot's account gave
 * them. Prefixed by kind, so a remark never matches someone's weixin id. The nickname is not one:
 * many members share a nickname.
 */
export function contactAliases(c: ContactFacts): string[] {
  return [...(c.handle ? [`weixin:${c.handle}`] : []), ...(c.remark ? [`remark:${c.remark}`] : [])];
}

/** The room topic as the group's alias across a change of room id. */
export function roomAliases(room: RoomFacts): string[] {
  return room.topic ? [`topic:${room.topic}`] : [];
}

function chatOf(f: { readonly room?: RoomFacts; readonly talker: ContactFacts }): { chat: ChatRef; chatKind: ChatKind; chatTitle?: string; chatAliases?: string[] } {
  if (f.room) return { chat: { platform: 'wechat', chatId: f.room.id }, chatKind: 'group', ...(f.room.topic ? { chatTitle: f.room.topic, chatAliases: roomAliases(f.room) } : {}) };
  return { chat: { platform: 'wechat', chatId: f.talker.id }, chatKind: 'direct' };
}

/**
 * The event key of a message: the chat, then a digest of sender, time (whole seconds, as WeChat's
 * servers stamp it) and content. Not the puppet's message id, because that is not stable
 * everywhere: web puppets number messages per session, a puppet service that reconnects replays
 * recent messages under new local ids, and two bot accounts in one room get different ids for
 * the same message. Sender, second and content are what WeChat itself fixes. Two identical
 * messages from one member within the same second count once, which loses nothing the rules
 * would pay (a repeated post is a near-duplicate anyway).
 */
export function messageKey(f: Pick<MessageFacts, 'room' | 'talker' | 'at' | 'type' | 'text'>): string {
  const chatId = f.room?.id ?? f.talker.id;
  const digest = createHash('sha256')
    .update(`${f.talker.id}\n${Math.floor(f.at.getTime() / 1000)}\n${f.type}\n${f.text}`)
    .digest('base64url')
    .slice(0, 22);
  return `wechat:${chatId}:m:${digest}`;
}

function kindOf(type: number, links: readonly string[]): MessageKind {
  const T = WECHAT_MESSAGE_TYPE;
  switch (type) {
    case T.Text:
      return links.length > 0 ? 'link' : 'text';
    case T.Image:
      return 'image';
    case T.Video:
      return 'video';
    case T.Audio:
      return 'audio';
    case T.Attachment:
      return 'file';
    case T.Emoticon:
      return 'sticker';
    case T.Url:
    case T.MiniProgram:
      return 'card';
    default:
      return 'other';
  }
}

function shareCardOf(f: MessageFacts): ShareCard | undefined {
  if (f.type === WECHAT_MESSAGE_TYPE.Url && f.urlLink) return { title: f.urlLink.title, url: f.urlLink.url };
  if (f.type === WECHAT_MESSAGE_TYPE.MiniProgram && f.miniProgram) {
    const title = f.miniProgram.title ?? '';
    // A mini-program has no web URL; its app id and page path name what was shared.
    const url = f.miniProgram.appid ? `weixin-miniprogram://${f.miniProgram.appid}/${f.miniProgram.pagePath ?? ''}` : undefined;
    return { title, ...(url ? { url } : {}) };
  }
  return undefined;
}

/** An unmapped message and why, so the adapter can log it: nothing is dropped silently. */
export interface Skipped {
  readonly reason: string;
}

/**
 * One wechaty message as the core's MessageEvent. The bot's own messages (its sends come back as
 * `self()` messages), recalls and system notes are skipped with a reason.
 */
export function mapMessage(f: MessageFacts, quoteOf?: QuoteLookup): MessageEvent | Skipped {
  if (f.self) return { reason: 'the bot’s own message' };
  if (f.type === WECHAT_MESSAGE_TYPE.Recalled) return { reason: 'a recall notice' };
  if (f.type === WECHAT_MESSAGE_TYPE.GroupNote) return { reason: 'a room system note' };
  const where = chatOf(f);
  const mentionsSelf = f.mentions.some((c) => c.isSelf);
  let text = f.type === WECHAT_MESSAGE_TYPE.Url ? (f.urlLink?.title ?? f.text) : f.type === WECHAT_MESSAGE_TYPE.MiniProgram ? (f.miniProgram?.title ?? '') : f.text;
  let replyToMessageId: string | undefined;
  const quote = f.type === WECHAT_MESSAGE_TYPE.Text ? parseQuote(text) : undefined;
  if (quote) {
    text = quote.reply;
    replyToMessageId = quoteOf?.(where.chat.chatId, quote.author, quote.quoted);
  }
  const startsWithSelf = f.selfNames.some((n) => n !== '' && text.startsWith(`@${n}`));
  if (mentionsSelf || startsWithSelf) text = stripSelfMentions(text, f.selfNames);
  const links = f.type === WECHAT_MESSAGE_TYPE.Url && f.urlLink ? [f.urlLink.url] : [...text.matchAll(URL_RE)].map((m) => m[0]);
  const mentions: Mention[] = [];
  for (const c of f.mentions) {
    if (c.isSelf) continue;
    // WeChat writes a mention with the member's room alias where they set one, else their nickname.
    const span = [c.roomAlias, c.name].filter((n): n is string => !!n).map((n) => `@${n}`).find((s) => text.includes(s));
    if (!span) continue;
    mentions.push({ user: { platform: 'wechat', userId: c.id }, text: span, name: c.name });
  }
  const card = shareCardOf(f);
  return {
    type: 'message',
    key: messageKey(f),
    platform: 'wechat',
    ...where,
    at: f.at,
    messageId: f.id,
    sender: senderOf(f.talker),
    text,
    kind: kindOf(f.type, links),
    links,
    mentions,
    isForwarded: f.type === WECHAT_MESSAGE_TYPE.ChatHistory,
    ...(card ? { shareCard: card } : {}),
    ...(replyToMessageId ? { replyToMessageId } : {}),
  };
}

/** Who joined a room, who invited them, and when (wechaty's `room-join`). */
export interface JoinFacts {
  readonly room: RoomFacts;
  readonly invitees: readonly ContactFacts[];
  readonly inviter?: ContactFacts;
  readonly at: Date;
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/**
 * A room-join as `member.joined` events, one per invitee, keyed by room, member and second (a
 * puppet that reports one join twice is handled once). The bot itself joining is `bot.added`,
 * acted on by whoever added it. Someone joining through a QR code is their own "inviter": no
 * inviter is reported then.
 */
export function mapJoin(f: JoinFacts): InboundEvent[] {
  const base = {
    platform: 'wechat' as const,
    chat: { platform: 'wechat' as const, chatId: f.room.id },
    chatKind: 'group' as const,
    ...(f.room.topic ? { chatTitle: f.room.topic, chatAliases: roomAliases(f.room) } : {}),
    at: f.at,
  };
  return f.invitees.map((c): InboundEvent => {
    if (c.isSelf) {
      const by = f.inviter ?? c;
      return { type: 'bot.added', key: `wechat:${f.room.id}:added:${seconds(f.at)}`, ...base, by: senderOf(by) };
    }
    const inviter = f.inviter && f.inviter.id !== c.id && !f.inviter.isSelf ? { inviter: { platform: 'wechat' as const, userId: f.inviter.id } } : {};
    return { type: 'member.joined', key: `wechat:${f.room.id}:join:${c.id}:${seconds(f.at)}`, ...base, member: senderOf(c), ...inviter };
  });
}

/** Who was removed from a room (wechaty's `room-leave`: WeChat reports removals only). */
export interface LeaveFacts {
  readonly room: RoomFacts;
  readonly leavers: readonly ContactFacts[];
  readonly at: Date;
}

/** A removal as `member.left` events; the bot itself being removed is not a member leaving. */
export function mapLeave(f: LeaveFacts): InboundEvent[] {
  return f.leavers
    .filter((c) => !c.isSelf)
    .map((c) => ({
      type: 'member.left' as const,
      key: `wechat:${f.room.id}:left:${c.id}:${seconds(f.at)}`,
      platform: 'wechat' as const,
      chat: { platform: 'wechat' as const, chatId: f.room.id },
      chatKind: 'group' as const,
      ...(f.room.topic ? { chatTitle: f.room.topic, chatAliases: roomAliases(f.room) } : {}),
      at: f.at,
      member: senderOf(c),
    }));
}
