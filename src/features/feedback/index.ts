export { FeedbackService, kindWord, type FeedbackActor, type FeedbackFigures, type FollowUpStats, type TicketSource } from './service.ts';
export { feedbackCommands, feedbackListener } from './handlers.ts';
export { DeadlineTimer, feedbackDigestJob } from './jobs.ts';
export { addBusinessMinutes, businessMinutesBetween } from './business-hours.ts';
export { splitText } from './text.ts';
export { TICKET_KINDS, type TicketKind } from './schema.ts';
export { feedbackDataPart } from './data-part.ts';
