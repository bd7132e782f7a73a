export { AnalyticsService, isDay, WINDOWS, DEFINITION_KEYS, type Report, type ReportOptions, type CohortRow, type WeekRow, type MonthRow, type PointsSummary, type ReferralSummary } from './service.ts';
export { type CohortUnit, type Segment, type JoinSource } from './repo.ts';
export { analyticsCommands, analyticsListener } from './handlers.ts';
export { rollupJob, digestJob } from './jobs.ts';
export { renderTable, renderCsv, summaryBody, percent, mark } from './render.ts';
