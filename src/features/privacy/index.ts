export { PrivacyService, FORGET_MINUTES, type ConfirmResult } from './service.ts';
export { privacyCommands, exportSummary } from './handlers.ts';
export { privacyDataPart } from './data-part.ts';
