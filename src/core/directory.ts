import type { Actor, ChatContext, MemberTarget } from './command.ts';
import type { InboundEvent, MessageEvent } from './events.ts';

/**
 * The dispatcher's view of who is who. The members feature implements it; the core only calls it
 * inside the event's transaction.
 */
export interface Directory {
  /**
   * Records the event's person (identity, name, membership, activity for the local day) and
   * returns who they are and where they are.
   */
  enter(event: InboundEvent): { actor: Actor; chat: ChatContext };
  /** Resolves a typed member reference (a mention span, `@handle`) to a member. */
  resolveMember(token: string, event: MessageEvent): MemberTarget | undefined;
}

/** The transactional store the dispatcher needs: a synchronous transaction and event dedupe. */
export interface EventStore {
  /** Runs `fn` in a synchronous transaction; nested calls become savepoints. */
  transaction<T>(fn: () => T): T;
  /** Records the event key; false when it was already processed (a redelivery). */
  claimEvent(key: string, at: Date): boolean;
}
