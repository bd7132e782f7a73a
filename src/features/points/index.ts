export { PointsService, LEDGER_REASONS, type LedgerReason, type LedgerEntry, type Standing, type LeaderRow, type CreditObserver } from './service.ts';
export { pointsCommands } from './handlers.ts';
export { pointsDataPart } from './data-part.ts';
