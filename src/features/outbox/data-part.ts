import { type MemberDataPart } from '../members/index.ts';

/**
 * How the outbox follows a member's data: nothing moves on a merge (messages were addressed to an
 * identity); an erasure scrubs their names, ids and texts from every message recorded — addresses,
 * lanes and keys included — so what was said about them can no longer be tied to them.
 */
export function outboxDataPart(): MemberDataPart {
  return {
    feature: 'outbox',
    tables: ['outbox'],
    erase(step) {
      step.scrubColumn('outbox', 'payload');
      step.scrubColumn('outbox', 'error');
      step.anonymiseKeyColumn('outbox', 'source_key');
      step.anonymiseKeyColumn('outbox', 'lane');
      step.anonymiseKeyColumn('outbox', 'origin');
    },
  };
}
