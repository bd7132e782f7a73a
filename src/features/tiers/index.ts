export { TierService } from './tier-ladder.ts';
export { LadderService, type ReviewPlan, type TierMove, type TierStatus } from './service.ts';
export { CapabilityDoors, type TierDoors, type DoorRequest, type DoorOpening } from './doors.ts';
export { tierCommands, tiersListener } from './handlers.ts';
export { tierReviewJob } from './jobs.ts';
export type { MemberStats, RequirementProgress } from './rules.ts';
export { tiersDataPart } from './data-part.ts';
