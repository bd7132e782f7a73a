export { CheckinService, checkinPoints, type CheckinResult, type CheckinObserver } from './service.ts';
export { checkinCommands } from './handlers.ts';
export { checkinDataPart } from './data-part.ts';
