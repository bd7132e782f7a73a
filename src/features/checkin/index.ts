export { CheckinService, checkinPoints, type CheckinResult } from './service.ts';
export { checkinCommands } from './handlers.ts';
