export * from './service.ts';
export { dashboardCommands } from './handlers.ts';
export { dashboardDataPart } from './data-part.ts';
