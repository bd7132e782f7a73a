export { SqliteOutboxStore } from './repo.ts';
export { OutboxService } from './service.ts';
export { outboxCommands } from './handlers.ts';
export { outboxDataPart } from './data-part.ts';
