import type { ChatKind, InboundEvent, Mention, MessageKind, Sender } from '../../src/core/events.ts';
import type { Platform } from '../../src/core/ids.ts';

/** What a local (console or simulated) message says, before it becomes an InboundEvent. */
export interface LocalMessage {
  readonly platform?: Platform;
  /** Group id; omitted for a direct chat with the bot. */
  readonly chat?: string;
  readonly user: string;
  readonly name?: string;
  readonly lang?: string;
  readonly text: string;
  readonly id: string;
  readonly at: Date;
  readonly links?: readonly string[];
  readonly kind?: MessageKind;
  readonly forwarded?: boolean;
  readonly card?: { title: string; url?: string };
  readonly admin?: boolean;
  /** The id of the message this one replies to (one of the bot's: the `id` of a simulate output line). */
  readonly replyTo?: string;
}

const MENTION = /@([\w.-]+)/gu;

/** On the local platform `@u1` in text mentions the local user `u1`, if there is one: the text alone proves nothing. */
export function localMentions(text: string, platform: Platform): Mention[] {
  return [...text.matchAll(MENTION)].map((m) => ({ user: { platform, userId: m[1]! }, text: m[0], typed: true }));
}

const URL_RE = /https?:\/\/[^\s\u3000<>"“”]+/g;

function chatOf(platform: Platform, chat: string | undefined, user: string): { chat: { platform: Platform; chatId: string }; chatKind: ChatKind } {
  return chat === undefined ? { chat: { platform, chatId: `dm:${user}` }, chatKind: 'direct' } : { chat: { platform, chatId: chat }, chatKind: 'group' };
}

/** Builds the core's message event for a local message. The key is stable for the same id. */
export function localMessageEvent(m: LocalMessage): InboundEvent {
  const platform = m.platform ?? 'local';
  const { chat, chatKind } = chatOf(platform, m.chat, m.user);
  const links = [...new Set([...(m.links ?? []), ...(m.text.match(URL_RE) ?? [])])];
  const sender: Sender = { user: { platform, userId: m.user }, ...(m.name ? { name: m.name } : {}), handle: m.user, ...(m.lang ? { language: m.lang } : {}), ...(m.admin ? { platformRole: 'admin' as const } : {}) };
  return {
    type: 'message',
    key: `${platform}:${chat.chatId}:m:${m.id}`,
    platform,
    chat,
    chatKind,
    at: m.at,
    messageId: m.id,
    sender,
    text: m.text,
    kind: m.kind ?? (links.length > 0 ? 'link' : 'text'),
    links,
    mentions: localMentions(m.text, platform),
    isForwarded: m.forwarded ?? false,
    ...(m.card ? { shareCard: m.card } : {}),
    ...(m.replyTo !== undefined ? { replyToMessageId: m.replyTo } : {}),
  };
}

/** A join or leave on the local platform. */
export function localMemberEvent(
  type: 'member.joined' | 'member.left',
  m: { platform?: Platform; chat: string; user: string; name?: string; id: string; at: Date; inviter?: string; invite?: string },
): InboundEvent {
  const platform = m.platform ?? 'local';
  const member: Sender = { user: { platform, userId: m.user }, ...(m.name ? { name: m.name } : {}), handle: m.user };
  const base = { key: `${platform}:${m.chat}:${type === 'member.joined' ? 'join' : 'left'}:${m.user}:${m.id}`, platform, chat: { platform, chatId: m.chat }, chatKind: 'group' as const, at: m.at, member };
  if (type === 'member.left') return { ...base, type };
  return { ...base, type, ...(m.inviter ? { inviter: { platform, userId: m.inviter } } : {}), ...(m.invite ? { inviteCode: m.invite } : {}) };
}

/** A reaction on the local platform. */
export function localReactionEvent(m: { platform?: Platform; chat: string; user: string; name?: string; id: string; at: Date; messageId: string; emoji: string }): InboundEvent {
  const platform = m.platform ?? 'local';
  return {
    type: 'reaction',
    key: `${platform}:${m.chat}:r:${m.messageId}:${m.user}:${m.id}`,
    platform,
    chat: { platform, chatId: m.chat },
    chatKind: 'group',
    at: m.at,
    sender: { user: { platform, userId: m.user }, ...(m.name ? { name: m.name } : {}), handle: m.user },
    messageId: m.messageId,
    emoji: m.emoji,
  };
}
