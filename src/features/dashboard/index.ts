export * from './service.ts';
export { dashboardCommands } from './handlers.ts';
