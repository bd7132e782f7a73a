export { PointsService, type LedgerEntry, type Standing, type LeaderRow } from './service.ts';
export { pointsCommands } from './handlers.ts';
