import type { Actor, ChatContext, MemberTarget } from './command.ts';
import type { InboundEvent, Mention } from './events.ts';
import type { Platform, UserRef } from './ids.ts';
import type { Outbound } from './outbound.ts';

/**
 * The dispatcher's view of who is who. The members feature implements it; the core only calls it
 * inside the event's transaction.
 */
export interface Directory {
  /**
   * Records the event's person (identity, name, membership, activity for the local day) and
   * returns who they are and where they are, and what the staff should hear about it (an
   * unknown id that matches several people by alias), sent with the event's other messages.
   */
  enter(event: InboundEvent): { actor: Actor; chat: ChatContext; notices?: readonly Outbound[] };
  /** Resolves a typed member reference (a mention span, `@handle`, `#id`) to a member. */
  resolveMember(token: string, where: { readonly platform: Platform; readonly mentions: readonly Mention[]; readonly at: Date }): MemberTarget | undefined;
  /** The member behind a platform user the platform resolved itself (a slash command's member option). */
  memberFor(user: UserRef, name: string | undefined, at: Date): MemberTarget;
}

/** The transactional store the dispatcher needs: a synchronous transaction and event dedupe. */
export interface EventStore {
  /** Runs `fn` in a synchronous transaction; nested calls become savepoints. */
  transaction<T>(fn: () => T): T;
  /** Records the event key; false when it was already processed (a redelivery). */
  claimEvent(key: string, at: Date): boolean;
}
