import { ChannelType, MessageReferenceType, PermissionFlagsBits, type Guild, type GuildMember, type Message, type MessageReaction, type PartialGuildMember, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import type { ChatKind, MemberJoinedEvent, MemberLeftEvent, Mention, MessageEvent, MessageKind, PlatformRole, ReactionEvent, Sender, ShareCard } from '../../src/core/events.ts';
import type { ChatRef, SpaceRef, UserRef } from '../../src/core/ids.ts';

/** What the mapping needs to know about the bot. */
export interface MappingContext {
  /** The bot's own user id. */
  readonly selfId: string;
}

const chatRef = (id: string): ChatRef => ({ platform: 'discord', chatId: id });
const userRef = (id: string): UserRef => ({ platform: 'discord', userId: id });
/** A guild as the core's space: joins, leaves and roles belong to it, its channels are its groups. */
export const spaceOf = (guildId: string | null | undefined): { space?: SpaceRef } => (guildId ? { space: { platform: 'discord', spaceId: guildId } } : {});

/** Guild owner → `owner`; Administrator or Manage Guild → `admin` (mapped to `roles.platformAdmins`). */
export function platformRoleOf(member: GuildMember | PartialGuildMember | null | undefined): PlatformRole | undefined {
  if (!member) return undefined;
  if (member.guild.ownerId === member.id) return 'owner';
  try {
    const perms = member.permissions;
    if (perms.has(PermissionFlagsBits.Administrator) || perms.has(PermissionFlagsBits.ManageGuild)) return 'admin';
  } catch {
    // A partial member whose roles are not cached: no platform role can be vouched for.
  }
  return undefined;
}

/**
 * A Discord user as the core's Sender. The display name is the guild nickname, else the global
 * display name, else the username; `handle` is the username. Only interactions carry the member's
 * own locale (`language`); typed messages leave it unset.
 */
export function senderOf(user: User | PartialUser, member: GuildMember | PartialGuildMember | null | undefined, ctx: MappingContext, language?: string): Sender {
  const name = member?.nickname ?? user.globalName ?? user.username ?? undefined;
  const role = platformRoleOf(member);
  return {
    user: userRef(user.id),
    ...(name ? { name } : {}),
    ...(user.username ? { handle: user.username } : {}),
    ...(language ? { language } : {}),
    ...(user.bot ? { isBot: true } : {}),
    ...(user.id === ctx.selfId ? { isSelf: true } : {}),
    ...(role ? { platformRole: role } : {}),
  };
}

const URL_PATTERN = /<?(https?:\/\/[^\s<>]+)>?/g;

/** URLs in message text (`<https://…>`, the no-preview form, included without its brackets). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(URL_PATTERN)].map((m) => m[1]!.replace(/[)>.,!?]+$/, ''));
}

function kindOf(message: Message, text: string, links: readonly string[], card: ShareCard | undefined): MessageKind {
  const first = message.attachments.first();
  if (first) {
    const type = first.contentType ?? '';
    if (type.startsWith('image/')) return 'image';
    if (type.startsWith('video/')) return 'video';
    if (type.startsWith('audio/')) return 'audio';
    return 'file';
  }
  if (message.stickers.size > 0) return 'sticker';
  if (links.length > 0) return 'link';
  if (card) return 'card';
  if (text !== '') return 'text';
  return 'other';
}

/** The first embed with a title, as a share card (a link preview or a bot's rich card). */
function shareCardOf(message: Message): ShareCard | undefined {
  const embed = message.embeds.find((e) => e.title);
  if (!embed?.title) return undefined;
  return { title: embed.title, ...(embed.url ? { url: embed.url } : {}) };
}

/** Whether a channel is a guild text channel or thread Hearth serves as a group, or a DM. */
export function chatKindOf(message: Message): ChatKind | undefined {
  const type = message.channel.type;
  if (type === ChannelType.DM) return 'direct';
  if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement || type === ChannelType.PublicThread || type === ChannelType.PrivateThread || type === ChannelType.AnnouncementThread) {
    return 'group';
  }
  return undefined;
}

/**
 * A message (text, attachments, embeds, reply, forward) as a MessageEvent; undefined for a
 * channel Hearth does not serve (voice text, stage) and for system messages (joins, pins, boosts).
 */
export function mapMessage(message: Message, ctx: MappingContext): MessageEvent | undefined {
  const kind = chatKindOf(message);
  if (!kind) return undefined;
  if (message.system) return undefined;
  const forwarded = message.reference?.type === MessageReferenceType.Forward;
  const snapshot = forwarded ? message.messageSnapshots.first() : undefined;
  const text = message.content !== '' ? message.content : (snapshot?.content ?? '');
  const links = linksIn(text);
  const card = shareCardOf(message);
  const mentions: Mention[] = message.mentions.users.map((u) => {
    const span = [`<@${u.id}>`, `<@!${u.id}>`].find((s) => text.includes(s)) ?? `<@${u.id}>`;
    const member = message.mentions.members?.get(u.id);
    return { user: userRef(u.id), text: span, name: member?.displayName ?? u.globalName ?? u.username, ...(u.id === ctx.selfId ? { isSelf: true } : {}) };
  });
  const title = 'name' in message.channel ? (message.channel.name ?? undefined) : undefined;
  return {
    type: 'message',
    key: `discord:${message.channelId}:m:${message.id}`,
    platform: 'discord',
    chat: chatRef(message.channelId),
    chatKind: kind,
    ...(title && kind === 'group' ? { chatTitle: message.guild ? `${message.guild.name} #${title}` : title } : {}),
    ...spaceOf(message.guildId),
    // From the snowflake id: when the member wrote it, also for a message replayed after a resume.
    at: message.createdAt,
    messageId: message.id,
    sender: senderOf(message.author, message.member, ctx),
    text,
    kind: kindOf(message, text, links, card),
    links,
    mentions,
    isForwarded: forwarded,
    ...(card ? { shareCard: card } : {}),
    ...(!forwarded && message.reference?.messageId ? { replyToMessageId: message.reference.messageId } : {}),
  };
}

/**
 * The chat a guild's joins and leaves are reported in: its system channel (where Discord posts
 * "X joined"), else the first text channel. Joins happen to the guild (`spaceWide`), not a channel.
 */
export function lobbyOf(guild: Guild): string | undefined {
  if (guild.systemChannelId) return guild.systemChannelId;
  return guild.channels.cache.filter((c) => c.type === ChannelType.GuildText).sort((a, b) => ('position' in a && 'position' in b ? a.position - b.position : 0)).first()?.id;
}

/** Where the member came from, as the invite tracker worked it out. */
export interface InviteUse {
  readonly code: string;
  readonly inviter?: string;
}

/** A member joined a guild. Keyed by guild, member and join time, so a replay after a resume is one join. */
export function mapJoin(member: GuildMember, lobby: string, ctx: MappingContext, invite?: InviteUse): MemberJoinedEvent {
  const at = member.joinedAt ?? new Date();
  return {
    type: 'member.joined',
    key: `discord:${member.guild.id}:join:${member.id}:${at.getTime()}`,
    platform: 'discord',
    chat: chatRef(lobby),
    chatKind: 'group',
    chatTitle: member.guild.name,
    ...spaceOf(member.guild.id),
    // Joining a guild is joining all of it: every group of the space.
    spaceWide: true,
    at,
    member: senderOf(member.user, member, ctx),
    ...(invite ? { inviteCode: invite.code } : {}),
    ...(invite?.inviter && invite.inviter !== member.id ? { inviter: userRef(invite.inviter) } : {}),
  };
}

/**
 * A member left (or was kicked or banned). Discord gives no time, so the key uses the join it
 * ends (one leave per join); for a member Hearth never saw join, the current minute.
 */
export function mapLeave(member: GuildMember | PartialGuildMember, lobby: string, ctx: MappingContext, now: Date): MemberLeftEvent {
  const joined = member.joinedTimestamp;
  const stamp = joined ?? Math.floor(now.getTime() / 60_000) * 60_000;
  return {
    type: 'member.left',
    key: `discord:${member.guild.id}:left:${member.id}:${stamp}`,
    platform: 'discord',
    chat: chatRef(lobby),
    chatKind: 'group',
    chatTitle: member.guild.name,
    ...spaceOf(member.guild.id),
    spaceWide: true,
    at: now,
    member: senderOf(member.user, member, ctx),
  };
}

/** A reaction a member added, keyed per message, member and emoji (custom emoji by id). */
export function mapReaction(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser, member: GuildMember | null | undefined, ctx: MappingContext, now: Date): ReactionEvent | undefined {
  const channel = reaction.message.channel;
  const kind = channel.type === ChannelType.DM ? 'direct' : channel.isTextBased() ? 'group' : undefined;
  if (!kind) return undefined;
  const emoji = reaction.emoji.id ? `custom:${reaction.emoji.id}` : (reaction.emoji.name ?? '?');
  return {
    type: 'reaction',
    key: `discord:${channel.id}:r:${reaction.message.id}:${user.id}:${emoji}`,
    platform: 'discord',
    chat: chatRef(channel.id),
    chatKind: kind,
    ...spaceOf(reaction.message.guildId),
    at: now,
    sender: senderOf(user, member, ctx),
    messageId: reaction.message.id,
    emoji,
  };
}
