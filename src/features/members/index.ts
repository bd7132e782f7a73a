export { MembersService, STAGE_DAYS, stageAt, type MemberRow, type ActivityField, type ActivityNote, type DmTarget } from './service.ts';
export { membersCommands } from "./handlers.ts";
export { memberReconcileJob, needsReconcile, RECONCILE_CRON } from "./jobs.ts";
export { MemberDataService, type MemberExport } from './data-service.ts';
export { ERASED, onPlatform, placeholders, type ErasureStep, type MemberDataPart, type MergeStep, type SplitStep } from './member-data.ts';
