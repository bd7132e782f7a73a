export { PurchasesService, type ImportResult, type PurchaseTotals } from './service.ts';
export { purchasesCommands } from './handlers.ts';
export { purchasesDataPart } from './data-part.ts';
