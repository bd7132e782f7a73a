export { CampaignService, SHOWCASE_CONSENTS, type CampaignDeps, type CampaignFigures, type CampaignReportFigures, type CloseResult, type EntryOutcome, type NewCampaign, type ShowcaseConsent } from './service.ts';
export { campaignCommands, campaignsListener, parseNewCampaign } from './handlers.ts';
export { CampaignTimer } from './jobs.ts';
export { loadCampaignPack, parseLocalMoment, CAMPAIGN_KINDS, WINNER_RULES, type CampaignDef } from './pack.ts';
export { ENTRY_STATUSES, CAMPAIGN_STATUSES } from './schema.ts';
export { campaignsDataPart } from './data-part.ts';
