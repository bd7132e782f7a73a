export { AuditService, type AuditEntry } from './service.ts';
export { auditDataPart } from './data-part.ts';
