export { AuditService, type AuditEntry } from './service.ts';
