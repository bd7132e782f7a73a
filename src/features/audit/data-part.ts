import { type MemberDataPart } from '../members/index.ts';

/**
 * The audit log keeps who did what to whom by member id — the tombstone's id stays, which names
 * nobody — and loses names and texts from its details and reasons on an erasure. Nothing moves on
 * a merge: the log is history.
 */
export function auditDataPart(): MemberDataPart {
  return {
    feature: 'audit',
    tables: ['audit_log'],
    erase(step) {
      step.scrubColumn('audit_log', 'detail');
      step.scrubColumn('audit_log', 'reason');
    },
  };
}
