export {
  AnalyticsService,
  API_LIMITS,
  DEFINITION_KEYS,
  isDay,
  WINDOWS,
  type AnalyticsRange,
  type CohortRow,
  type CohortTable,
  type CohortTableQuery,
  type CurvePoint,
  type MonthRow,
  type PointsSummary,
  type ReferralSummary,
  type Report,
  type ReportOptions,
  type RetentionCurves,
  type Span,
  type TierMovementWeek,
  type TierSummary,
  type UgcQuery,
  type UgcSeries,
  type WeekRow,
  type WeeklyInteraction,
} from './service.ts';
export { type CohortUnit, type Segment, type JoinSource } from './repo.ts';
export { analyticsCommands, analyticsListener } from './handlers.ts';
export { rollupJob, digestJob } from './jobs.ts';
export { renderTable, renderCsv, summaryBody, percent, mark } from './render.ts';
export { analyticsDataPart } from './data-part.ts';
