import type { InboundEvent } from './events.ts';
import type { Platform } from './ids.ts';
import type { Outbound } from './outbound.ts';
import type { SendMeta, SendReceipt } from './outbox.ts';

/**
 * What a platform can do. Features check a capability before relying on it: Telegram cannot list
 * members, WeChat does not report members who leave by themselves, not every bot may DM everyone.
 */
export type Capability =
  | 'dm'
  | 'member-list'
  | 'member-join-events'
  | 'member-leave-events'
  | 'platform-roles'
  | 'invite-links'
  | 'command-menu'
  | 'reactions';

/** Where an adapter delivers inbound events. Resolves once the core has handled the event. */
export type EventSink = (event: InboundEvent) => Promise<void>;

/** One command-menu entry, localised by the core before it reaches the adapter. */
export interface CommandMenuEntry {
  readonly command: string;
  readonly description: string;
}

/** The command menu per language and audience, derived from the command table. */
export interface CommandMenu {
  /** Keyed by language (`en`, `zh`), then audience. */
  readonly byLanguage: Readonly<Record<string, { readonly members: readonly CommandMenuEntry[]; readonly admins: readonly CommandMenuEntry[] }>>;
  /** The `byLanguage` key for members whose language has no list: the community's locale. */
  readonly defaultLanguage?: string;
}

/** The port every platform adapter implements. Adapters map SDK errors to `AdapterError`. */
export interface PlatformAdapter {
  readonly platform: Platform;
  readonly capabilities: ReadonlySet<Capability>;
  start(sink: EventSink): Promise<void>;
  /** Idempotent: stopping twice is harmless. */
  stop(): Promise<void>;
  /**
   * Sends one message. `meta.idempotencyKey` is stable for this message across retries and
   * restarts: pass it to a platform that deduplicates on a client key. Report the platform's
   * message id where there is one.
   */
  send(out: Outbound, meta?: SendMeta): Promise<void | SendReceipt>;
  /** Publishes the command menu, where the platform has one (`command-menu`). */
  setCommandMenu?(menu: CommandMenu): Promise<void>;
}
