export { ShopService, parseCodesCsv, type RedeemRequest, type RedeemResult, type RedemptionRow } from './service.ts';
export { shopCommands } from './handlers.ts';
export { REDEMPTION_STATUSES } from './schema.ts';
export { shopDataPart } from './data-part.ts';
