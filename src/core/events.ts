import type { ChatRef, Platform, UserRef } from './ids.ts';

/**
 * What an adapter hands the core. Every event carries `key`: stable across redelivery and across
 * bot accounts (e.g. `telegram:-1001:m:456`); it is the idempotency key for everything it causes.
 */
export type InboundEvent = MessageEvent | MemberJoinedEvent | MemberLeftEvent | ReactionEvent | BotAddedEvent;

/** Whether a chat is a group or a one-to-one conversation with the bot. */
export type ChatKind = 'group' | 'direct';

/** A platform role an adapter can vouch for (group admins); mapped to a Hearth role in config. */
export type PlatformRole = 'admin' | 'owner';

/** Who did something, as the platform describes them. */
export interface Sender {
  readonly user: UserRef;
  /** Display name; omitted where the source does not say (the stored name is then kept). */
  readonly name?: string;
  /** The platform handle without `@`, where there is one; used to resolve typed mentions. */
  readonly handle?: string;
  /** BCP-47 language tag the platform reports (Telegram's language_code), if any. */
  readonly language?: string;
  readonly isBot?: boolean;
  /** The bot's own account. */
  readonly isSelf?: boolean;
  /** Set only by adapters that declare the `platform-roles` capability. */
  readonly platformRole?: PlatformRole;
}

export type MessageKind = 'text' | 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'link' | 'card' | 'other';

/** A mention inside the text: `text` is the literal span as it appears in `MessageEvent.text`. */
export interface Mention {
  readonly user: UserRef;
  readonly text: string;
  readonly name?: string;
  /**
   * The adapter read the mention from the typed text (the local platform's `@u1`), so the
   * platform does not vouch that the user exists: it resolves only to a member already known.
   */
  readonly typed?: boolean;
}

/** A platform share card (WeChat mini-program or article card, Telegram/Discord embed). */
export interface ShareCard {
  readonly title: string;
  readonly url?: string;
}

interface EventBase {
  readonly key: string;
  readonly platform: Platform;
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  /** Group title where the platform gives one; used when a group registers itself. */
  readonly chatTitle?: string;
  readonly at: Date;
}

export interface MessageEvent extends EventBase {
  readonly type: 'message';
  readonly messageId: string;
  readonly sender: Sender;
  /** Text or caption. Commands addressed to another bot (`/cmd@otherbot`) are marked by the adapter. */
  readonly text: string;
  readonly kind: MessageKind;
  readonly links: readonly string[];
  readonly mentions: readonly Mention[];
  readonly isForwarded: boolean;
  readonly shareCard?: ShareCard;
  readonly replyToMessageId?: string;
  /** True when the text is a command explicitly addressed to a different bot. */
  readonly addressedToOtherBot?: boolean;
}

export interface MemberJoinedEvent extends EventBase {
  readonly type: 'member.joined';
  readonly member: Sender;
  readonly inviter?: UserRef;
  /** The invite link's name or code, where the platform reports it. */
  readonly inviteCode?: string;
}

export interface MemberLeftEvent extends EventBase {
  readonly type: 'member.left';
  readonly member: Sender;
}

export interface ReactionEvent extends EventBase {
  readonly type: 'reaction';
  readonly sender: Sender;
  readonly messageId: string;
  readonly emoji: string;
}

/**
 * The bot itself was added to a group. `by` is the person who added it (the actor, so the
 * dispatcher, which drops the bot's own events, still handles it); the group registers itself.
 */
export interface BotAddedEvent extends EventBase {
  readonly type: 'bot.added';
  readonly by: Sender;
}

/** The person an event is about: the sender of a message or reaction, the member who joined or left. */
export function eventActor(event: InboundEvent): Sender {
  switch (event.type) {
    case 'message':
    case 'reaction':
      return event.sender;
    case 'member.joined':
    case 'member.left':
      return event.member;
    case 'bot.added':
      return event.by;
  }
}
