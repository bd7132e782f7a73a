import type { ChatRef, Platform, SpaceRef, UserRef } from './ids.ts';

/**
 * What an adapter hands the core. Every event carries `key`: stable across redelivery and across
 * bot accounts (e.g. `telegram:-1001:m:456`); it is the idempotency key for everything it causes.
 */
export type InboundEvent =
  | MessageEvent
  | CommandEvent
  | ActionEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | ReactionEvent
  | BotAddedEvent;

/** Whether a chat is a group or a one-to-one conversation with the bot. */
export type ChatKind = 'group' | 'direct';

/** A platform role an adapter can vouch for (group admins); mapped to a Hearth role in config. */
export type PlatformRole = 'admin' | 'owner';

/** Who did something, as the platform describes them. */
export interface Sender {
  readonly user: UserRef;
  /** Display name; omitted where the source does not say (the stored name is then kept). */
  readonly name?: string;
  /**
   * The platform's own handle without `@` (Telegram username, Discord username, WeChat id), where
   * there is one; used to resolve typed mentions.
   */
  readonly handle?: string;
  /** BCP-47 language tag the platform reports (Telegram's language_code), if any. */
  readonly language?: string;
  readonly isBot?: boolean;
  /** The bot's own account. */
  readonly isSelf?: boolean;
  /** Set only by adapters that declare the `platform-roles` capability. */
  readonly platformRole?: PlatformRole;
  /**
   * Other names the platform knows this person by (WeChat alias or remark), so a member whose
   * platform id changed can be found again instead of becoming a stranger.
   */
  readonly aliases?: readonly string[];
}

export type MessageKind = 'text' | 'image' | 'video' | 'audio' | 'file' | 'sticker' | 'link' | 'card' | 'other';

/** A mention inside the text: `text` is the literal span as it appears in `MessageEvent.text`. */
export interface Mention {
  readonly user: UserRef;
  readonly text: string;
  readonly name?: string;
  /** The mention is of the bot itself: `@Bot 签到` runs `签到` (the core drops a leading self-mention). */
  readonly isSelf?: boolean;
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
  /** Other names of the chat (a WeChat room topic), for finding a group again whose id changed. */
  readonly chatAliases?: readonly string[];
  /** The space the chat belongs to (a Discord guild, a WeChat account's rooms), where there is one. */
  readonly space?: SpaceRef;
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

/**
 * A slash command (a Discord interaction). It runs through the same command table, role and scope
 * checks, cooldowns and error boundary as the same command typed as text.
 */
export interface CommandEvent extends EventBase {
  readonly type: 'command';
  readonly sender: Sender;
  /** The command's canonical name as published in the catalog (`checkin`). */
  readonly name: string;
  /** Option values keyed by argument name, already typed by the platform. */
  readonly options: Readonly<Record<string, CommandOptionValue>>;
  /** The platform's interaction id: what a reply answers (`Outbound.replyTo`). */
  readonly interactionId: string;
}

/** A slash-command option: text, a number, or a member the platform resolved. */
export type CommandOptionValue = string | number | { readonly user: UserRef; readonly name?: string };

/**
 * A button or menu press. `actionId` is a command of the table and `value` its argument text,
 * parsed like typed text, so a button is only another surface over the same command.
 */
export interface ActionEvent extends EventBase {
  readonly type: 'action';
  readonly sender: Sender;
  readonly actionId: string;
  readonly value: string;
  /** The message the button was on. */
  readonly messageId?: string;
  readonly interactionId: string;
}

/**
 * Whether a join or leave is about the whole space (a Discord guild) rather than one chat: `chat`
 * is then any chat of that space, and the change applies to every group of `space`.
 */
interface SpaceScoped {
  readonly spaceWide?: boolean;
}

export interface MemberJoinedEvent extends EventBase, SpaceScoped {
  readonly type: 'member.joined';
  readonly member: Sender;
  readonly inviter?: UserRef;
  /** The invite link's name or code, where the platform reports it. */
  readonly inviteCode?: string;
}

export interface MemberLeftEvent extends EventBase, SpaceScoped {
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
    case 'command':
    case 'action':
    case 'reaction':
      return event.sender;
    case 'member.joined':
    case 'member.left':
      return event.member;
    case 'bot.added':
      return event.by;
  }
}
