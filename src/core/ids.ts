/**
 * Neutral identifiers shared by every layer. A platform id is only unique inside its platform,
 * so every key, log line and config entry uses the one string form `platform:id`.
 */
export const PLATFORMS = ['telegram', 'discord', 'wechat', 'local'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A chat (group or direct conversation) on one platform. */
export interface ChatRef {
  readonly platform: Platform;
  readonly chatId: string;
}

/** A user on one platform. A member (person) may own several of these. */
export interface UserRef {
  readonly platform: Platform;
  readonly userId: string;
}

/**
 * A space several chats belong to: a Discord guild, a WeChat account's rooms. Joins, leaves and
 * role grants can be per space rather than per chat.
 */
export interface SpaceRef {
  readonly platform: Platform;
  readonly spaceId: string;
}

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** `telegram:-1001` for a chat. */
export function chatKey(chat: ChatRef): string {
  return `${chat.platform}:${chat.chatId}`;
}

/** `discord:123` for a space. */
export function spaceKey(space: SpaceRef): string {
  return `${space.platform}:${space.spaceId}`;
}

/** `telegram:42` for a user. */
export function userKey(user: UserRef): string {
  return `${user.platform}:${user.userId}`;
}

function splitKey(key: string): [Platform, string] {
  const at = key.indexOf(':');
  const platform = at > 0 ? key.slice(0, at) : '';
  const id = key.slice(at + 1);
  if (!isPlatform(platform) || id === '') {
    throw new Error(`"${key}" is not of the form platform:id (platform one of ${PLATFORMS.join(', ')})`);
  }
  return [platform, id];
}

/** Parses `platform:id` into a ChatRef; throws a readable error for anything else. */
export function parseChatKey(key: string): ChatRef {
  const [platform, chatId] = splitKey(key);
  return { platform, chatId };
}

/** Parses `platform:id` into a SpaceRef; throws a readable error for anything else. */
export function parseSpaceKey(key: string): SpaceRef {
  const [platform, spaceId] = splitKey(key);
  return { platform, spaceId };
}

/** Parses `platform:id` into a UserRef; throws a readable error for anything else. */
export function parseUserKey(key: string): UserRef {
  const [platform, userId] = splitKey(key);
  return { platform, userId };
}
