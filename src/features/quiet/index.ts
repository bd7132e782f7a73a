export { QuietService, type FlagRow, type ScanResult, type RecallStats, type OutcomeRow, type QuietDeps } from './service.ts';
export { quietCommands } from './handlers.ts';
export { quietScanJob } from './jobs.ts';
export { FLAG_STATUSES, type FlagStatus } from './schema.ts';
export { quietDataPart } from './data-part.ts';
