export { SqliteOutboxStore } from './repo.ts';
export { OutboxService, RETENTION_BATCH, type OutboxReport } from './service.ts';
export { outboxCommands } from './handlers.ts';
export { outboxDataPart } from './data-part.ts';
export { outboxRetentionJob } from './jobs.ts';
