import type { CommandCatalog } from './catalog.ts';
import type { InboundEvent, Sender } from './events.ts';
import type { ChatRef, Platform } from './ids.ts';
import type { Outbound } from './outbound.ts';
import type { SendMeta, SendReceipt } from './outbox.ts';

/**
 * What a platform can do. Code checks a capability before relying on it: Telegram cannot list
 * members, WeChat does not report members who leave by themselves, only Discord answers privately
 * inside a group. The core picks fallbacks from these (`private-reply.ts`); features ask, never
 * assume a platform.
 *
 * - `interactions`: slash commands and buttons arrive as `command` / `action` events.
 * - `ephemeral`: an interaction can be answered so only the member sees it.
 * - `buttons`: `action` segments are shown as buttons.
 * - `role-grant`: a promotion door can be a role in a space.
 * - `add-member`: the bot can add a member to a group itself.
 * - `invite-qr`: invites can be a QR code image.
 * - `stable-ids`: user and chat ids never change (WeChat's do).
 * - `member-list`: `listMembers` works.
 * - `message-content`: the bot reads ordinary messages (Discord's privileged intent), so posts earn.
 * - `bare-words`: members type commands as bare words (WeChat's `签到`, rarely a `/`), so help
 *   shows those first.
 */
export type Capability =
  | 'dm'
  | 'member-list'
  | 'member-join-events'
  | 'member-leave-events'
  | 'platform-roles'
  | 'invite-links'
  | 'command-menu'
  | 'reactions'
  | 'interactions'
  | 'ephemeral'
  | 'buttons'
  | 'role-grant'
  | 'add-member'
  | 'invite-qr'
  | 'stable-ids'
  | 'message-content'
  | 'bare-words';

/** Where an adapter delivers inbound events. Resolves once the core has handled the event. */
export type EventSink = (event: InboundEvent) => Promise<void>;

/**
 * Where an adapter is in its life. `waiting-for-login` carries the text to show as a QR code in
 * the terminal (a WeChat login URL); `banned` is final until an operator acts.
 */
export type AdapterStatus =
  | { readonly state: 'starting' }
  | { readonly state: 'waiting-for-login'; readonly qr: string }
  | { readonly state: 'online'; readonly account?: string }
  | { readonly state: 'offline'; readonly reason?: string }
  | { readonly state: 'banned'; readonly reason?: string };

/** The port every platform adapter implements. Adapters map SDK errors to `AdapterError`. */
export interface PlatformAdapter {
  readonly platform: Platform;
  readonly capabilities: ReadonlySet<Capability>;
  /**
   * Connects and starts delivering events. Resolves once connected or waiting for a login; the
   * composition root starts adapters concurrently, so one slow login holds up no other platform.
   */
  start(sink: EventSink): Promise<void>;
  /** Idempotent: stopping twice is harmless. */
  stop(): Promise<void>;
  /**
   * Sends one message. `meta.idempotencyKey` is stable for this message across retries and
   * restarts: pass it to a platform that deduplicates on a client key. Report the platform's
   * message id where there is one.
   */
  send(out: Outbound, meta?: SendMeta): Promise<void | SendReceipt>;
  /** Publishes the command catalog in the platform's form (Telegram menu, Discord slash commands). */
  publishCatalog?(catalog: CommandCatalog): Promise<void>;
  /** The current members of a group, where the platform can list them (`member-list`). */
  listMembers?(chat: ChatRef): Promise<readonly Sender[]>;
  /** The current lifecycle state; adapters without one are online once started. */
  readonly status?: AdapterStatus;
  /** Called on every status change. */
  onStatus?(listener: (status: AdapterStatus) => void): void;
}
