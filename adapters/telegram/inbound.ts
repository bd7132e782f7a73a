import type { Chat, ChatMember, ChatMemberUpdated, Message, MessageEntity, MessageReactionUpdated, ReactionType, Update, User } from 'grammy/types';
import type { ChatKind, InboundEvent, MessageEvent, MessageKind, Mention, PlatformRole, Sender } from '../../src/core/events.ts';
import type { ChatRef } from '../../src/core/ids.ts';

/** What the mapping needs to know about the bot and the chat's admins. */
export interface MappingContext {
  /** The bot's own account (from getMe). */
  readonly self: { readonly id: number; readonly username: string };
  /** The sender's admin status in the chat, where the adapter looked it up. */
  readonly roleOf?: (chatId: number, userId: number) => PlatformRole | undefined;
}

/** An update the adapter did not turn into events, with why; logged so nothing is dropped silently. */
export interface Unmapped {
  readonly reason: string;
}

export type MappingResult = { readonly events: InboundEvent[] } | Unmapped;

const chatRef = (chat: Chat): ChatRef => ({ platform: 'telegram', chatId: String(chat.id) });

function chatKind(chat: Chat): ChatKind | undefined {
  if (chat.type === 'private') return 'direct';
  if (chat.type === 'group' || chat.type === 'supergroup') return 'group';
  return undefined;
}

/** A Telegram user as the core's Sender. */
export function senderOf(user: User, chat: Chat, ctx: MappingContext): Sender {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  const role = chat.type === 'private' ? undefined : ctx.roleOf?.(chat.id, user.id);
  return {
    user: { platform: 'telegram', userId: String(user.id) },
    name,
    ...(user.username ? { handle: user.username } : {}),
    ...(user.language_code ? { language: user.language_code } : {}),
    ...(user.is_bot ? { isBot: true } : {}),
    ...(user.id === ctx.self.id ? { isSelf: true } : {}),
    ...(role ? { platformRole: role } : {}),
  };
}

function kindOf(m: Message, links: readonly string[]): MessageKind {
  if (m.photo) return 'image';
  if (m.video || m.animation || m.video_note) return 'video';
  if (m.audio || m.voice) return 'audio';
  if (m.document) return 'file';
  if (m.sticker) return 'sticker';
  if (m.text !== undefined || m.caption !== undefined) return links.length > 0 ? 'link' : 'text';
  return 'other';
}

/** Entity spans use UTF-16 offsets, which is what JavaScript strings index by. */
const span = (text: string, e: MessageEntity) => text.slice(e.offset, e.offset + e.length);

/** Links (plain URLs and text links) and text mentions (members without a username) in a text. */
export function entitiesOf(text: string, entities: readonly MessageEntity[]): { links: string[]; mentions: Mention[] } {
  const links: string[] = [];
  const mentions: Mention[] = [];
  for (const e of entities) {
    if (e.type === 'url') links.push(span(text, e));
    else if (e.type === 'text_link') links.push(e.url);
    else if (e.type === 'text_mention') {
      const name = [e.user.first_name, e.user.last_name].filter(Boolean).join(' ');
      mentions.push({ user: { platform: 'telegram', userId: String(e.user.id) }, text: span(text, e), name });
    }
  }
  return { links, mentions };
}

/** True when the message starts with `/cmd@someone` and someone is not this bot. */
function addressedElsewhere(text: string, entities: readonly MessageEntity[], self: string): boolean {
  const first = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!first) return false;
  const command = span(text, first);
  const at = command.indexOf('@');
  return at >= 0 && command.slice(at + 1).toLowerCase() !== self.toLowerCase();
}

/** An ordinary message (text, caption, media, forward, reply) as a MessageEvent. */
export function mapMessage(m: Message, ctx: MappingContext): MessageEvent | undefined {
  const kind = chatKind(m.chat);
  if (!kind || !m.from) return undefined;
  const text = m.text ?? m.caption ?? '';
  const entities = m.entities ?? m.caption_entities ?? [];
  const { links, mentions } = entitiesOf(text, entities);
  return {
    type: 'message',
    key: `telegram:${m.chat.id}:m:${m.message_id}`,
    platform: 'telegram',
    chat: chatRef(m.chat),
    chatKind: kind,
    ...('title' in m.chat && m.chat.title ? { chatTitle: m.chat.title } : {}),
    at: new Date(m.date * 1000),
    messageId: String(m.message_id),
    sender: senderOf(m.from, m.chat, ctx),
    text,
    kind: kindOf(m, links),
    links,
    mentions,
    isForwarded: m.forward_origin !== undefined,
    ...(m.reply_to_message ? { replyToMessageId: String(m.reply_to_message.message_id) } : {}),
    ...(addressedElsewhere(text, entities, ctx.self.username) ? { addressedToOtherBot: true } : {}),
  };
}

const isIn = (m: ChatMember): boolean =>
  m.status === 'member' || m.status === 'administrator' || m.status === 'creator' || (m.status === 'restricted' && m.is_member);

/**
 * Join and leave keys are built from the chat, the member and the time, not from the update: the
 * same join reaches an admin bot twice (a `new_chat_members` service message and a `chat_member`
 * update, both stamped with the same date), and the core must handle it once.
 */
const joinKey = (chat: Chat, user: User, date: number, what: 'join' | 'left') => `telegram:${chat.id}:${what}:${user.id}:${date}`;

function base(chat: Chat, kind: ChatKind, date: number) {
  return {
    platform: 'telegram' as const,
    chat: chatRef(chat),
    chatKind: kind,
    ...('title' in chat && chat.title ? { chatTitle: chat.title } : {}),
    at: new Date(date * 1000),
  };
}

/** Service messages about members: `new_chat_members` and `left_chat_member`. */
function mapServiceMessage(m: Message, kind: ChatKind, ctx: MappingContext): InboundEvent[] | undefined {
  if (m.new_chat_members) {
    return m.new_chat_members
      .filter((u) => u.id !== ctx.self.id)
      .map((u) => ({
        type: 'member.joined' as const,
        key: joinKey(m.chat, u, m.date, 'join'),
        ...base(m.chat, kind, m.date),
        member: senderOf(u, m.chat, ctx),
        ...(m.from && m.from.id !== u.id ? { inviter: { platform: 'telegram' as const, userId: String(m.from.id) } } : {}),
      }));
  }
  if (m.left_chat_member) {
    const u = m.left_chat_member;
    if (u.id === ctx.self.id) return [];
    return [{ type: 'member.left', key: joinKey(m.chat, u, m.date, 'left'), ...base(m.chat, kind, m.date), member: senderOf(u, m.chat, ctx) }];
  }
  return undefined;
}

/** A `chat_member` update (needs admin rights and `allowed_updates`): joins and leaves with the inviter and link name. */
function mapChatMember(u: ChatMemberUpdated, kind: ChatKind, ctx: MappingContext): InboundEvent[] {
  const was = isIn(u.old_chat_member);
  const now = isIn(u.new_chat_member);
  const who = u.new_chat_member.user;
  if (was === now) return [];
  if (now) {
    const invite = u.invite_link ? (u.invite_link.name ?? u.invite_link.invite_link) : undefined;
    return [
      {
        type: 'member.joined',
        key: joinKey(u.chat, who, u.date, 'join'),
        ...base(u.chat, kind, u.date),
        member: senderOf(who, u.chat, ctx),
        ...(u.from.id !== who.id ? { inviter: { platform: 'telegram' as const, userId: String(u.from.id) } } : {}),
        ...(invite ? { inviteCode: invite } : {}),
      },
    ];
  }
  return [{ type: 'member.left', key: joinKey(u.chat, who, u.date, 'left'), ...base(u.chat, kind, u.date), member: senderOf(who, u.chat, ctx) }];
}

/** The bot's own membership changed: being added to a group becomes `bot.added`, acted on by whoever added it. */
function mapMyChatMember(u: ChatMemberUpdated, updateId: number, kind: ChatKind, ctx: MappingContext): MappingResult {
  if (kind !== 'group') return { reason: 'bot membership change outside a group' };
  const added = !isIn(u.old_chat_member) && isIn(u.new_chat_member);
  if (!added) return { reason: isIn(u.new_chat_member) ? 'bot permissions changed' : 'bot removed from the group' };
  return { events: [{ type: 'bot.added', key: `telegram:${u.chat.id}:u:${updateId}`, ...base(u.chat, kind, u.date), by: senderOf(u.from, u.chat, ctx) }] };
}

/** An emoji as itself, a custom emoji by its id, a paid star reaction as `paid`. */
const reactionName = (x: ReactionType): string => (x.type === 'emoji' ? x.emoji : x.type === 'custom_emoji' ? `custom:${x.custom_emoji_id}` : x.type);

/** A reaction the member added (removing one is not an interaction). Keyed per message, member and emoji. */
function mapReaction(r: MessageReactionUpdated, kind: ChatKind, ctx: MappingContext): MappingResult {
  if (!r.user) return { reason: 'anonymous reaction' };
  const before = new Set(r.old_reaction.map(reactionName));
  const added = r.new_reaction.map(reactionName).filter((e) => !before.has(e));
  if (added.length === 0) return { reason: 'reaction removed' };
  const sender = senderOf(r.user, r.chat, ctx);
  return {
    events: added.map((emoji) => ({
      type: 'reaction' as const,
      key: `telegram:${r.chat.id}:r:${r.message_id}:${r.user!.id}:${emoji}`,
      ...base(r.chat, kind, r.date),
      sender,
      messageId: String(r.message_id),
      emoji,
    })),
  };
}

/**
 * One Telegram update as the core's events. What is not mapped comes back with a reason so the
 * adapter can log it: nothing is dropped silently.
 */
export function mapUpdate(update: Update, ctx: MappingContext): MappingResult {
  if (update.message) {
    const m = update.message;
    const kind = chatKind(m.chat);
    if (!kind) return { reason: `message in a ${m.chat.type}` };
    const service = mapServiceMessage(m, kind, ctx);
    if (service) return { events: service };
    if (isServiceMessage(m)) return { reason: 'service message' };
    const event = mapMessage(m, ctx);
    return event ? { events: [event] } : { reason: 'message without a sender' };
  }
  if (update.chat_member) {
    const kind = chatKind(update.chat_member.chat);
    return kind ? { events: mapChatMember(update.chat_member, kind, ctx) } : { reason: 'chat_member outside a group' };
  }
  if (update.my_chat_member) {
    const kind = chatKind(update.my_chat_member.chat);
    return kind ? mapMyChatMember(update.my_chat_member, update.update_id, kind, ctx) : { reason: 'my_chat_member in a channel' };
  }
  if (update.message_reaction) {
    const kind = chatKind(update.message_reaction.chat);
    return kind ? mapReaction(update.message_reaction, kind, ctx) : { reason: 'reaction in a channel' };
  }
  return { reason: `update type ${Object.keys(update).filter((k) => k !== 'update_id').join(',') || 'empty'} is not requested` };
}

/** Chat events Telegram sends as messages (title changes, pins, video chats…): not member interactions. */
function isServiceMessage(m: Message): boolean {
  return Boolean(
    m.new_chat_title || m.new_chat_photo || m.delete_chat_photo || m.pinned_message || m.group_chat_created || m.supergroup_chat_created ||
      m.migrate_to_chat_id || m.migrate_from_chat_id || m.video_chat_started || m.video_chat_ended || m.forum_topic_created,
  );
}

/** The updates the adapter asks Telegram for: members' messages, joins and leaves, the bot's own membership, reactions. */
export const ALLOWED_UPDATES = ['message', 'chat_member', 'my_chat_member', 'message_reaction'] as const;
