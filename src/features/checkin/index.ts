export { CheckinService, checkinPoints, type CheckinResult, type CheckinObserver, type PerkLookup } from './service.ts';
export { checkinCommands } from './handlers.ts';
export { checkinDataPart } from './data-part.ts';
