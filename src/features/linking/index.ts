export { LinkService, CODE_MINUTES, CODE_MAX_FAILURES, GUESSES_PER_HOUR, CODES_PER_HOUR, normaliseCode, type RedeemResult } from './service.ts';
export { linkingCommands } from './handlers.ts';
export { linkingDataPart } from './data-part.ts';
