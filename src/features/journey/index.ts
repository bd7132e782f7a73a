export { JourneyService, parseMonthDay, type JourneyDeps, type MonthFigures } from './service.ts';
export { loadJourney, type JourneyStep } from './pack.ts';
export { journeyCommands, journeyListener } from './handlers.ts';
export { journeyCatchUp, journeyMomentsJobs, WelcomeTimer } from './jobs.ts';
export type { BirthdayRow } from './repo.ts';
export { journeyDataPart } from './data-part.ts';
