export { EarningService, TASKS, allowedDomain, type Task, type Earned, type ClaimRow, type SettledReferral } from './service.ts';
export { earningCommands, earningListener } from './handlers.ts';
export { referralJob, textRetentionJob } from './jobs.ts';
export { CLAIM_STATUSES } from './schema.ts';
export { fingerprint, similarityTo } from './similarity.ts';
export { earningDataPart } from './data-part.ts';
