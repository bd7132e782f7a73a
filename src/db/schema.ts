/**
 * Every table, re-exported for drizzle-kit (the migration generator's entry) and for the typed
 * database handle. Each feature owns its own schema file; nothing else writes its tables.
 */
export * from './core-schema.ts';
export * from '../features/members/schema.ts';
export * from '../features/groups/schema.ts';
export * from '../features/audit/schema.ts';
export * from '../features/points/schema.ts';
export * from '../features/checkin/schema.ts';
export * from '../features/content/schema.ts';
export * from '../features/quiet/schema.ts';
export * from '../features/earning/schema.ts';
export * from '../features/shop/schema.ts';
export * from '../features/analytics/schema.ts';
export * from '../features/tiers/schema.ts';
export * from '../features/purchases/schema.ts';
export * from '../features/outbox/schema.ts';
export * from '../features/feedback/schema.ts';
export * from '../features/campaigns/schema.ts';
export * from '../features/journey/schema.ts';
export * from '../features/linking/schema.ts';
export * from '../features/dashboard/schema.ts';
export * from '../features/privacy/schema.ts';
