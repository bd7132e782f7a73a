import { addDays, localDay } from '../../core/clock.ts';
import type { Locale } from '../../core/i18n.ts';
import type { Body } from '../../core/outbound.ts';
import type { CampaignReportFigures } from '../campaigns/index.ts';

/** One campaign whose window meets the report's range, with its figures as the campaigns feature reports them. */
export type CampaignReportRow = CampaignReportFigures;

/** Where the report reads campaign figures from: the campaigns whose window meets the local days `from`…`to`. */
export type CampaignFiguresSource = (from: string, to: string, locale: Locale) => readonly CampaignReportRow[];

function lift(value: number | null): string {
  return value === null ? '–' : `${value >= 0 ? '+' : ''}${Math.round(value * 100)}%`;
}

/**
 * The campaign lines of `/report` and the weekly digest: one per campaign that ran in the last
 * seven days up to `to` (the summary's range starts with the first data, and a digest should not
 * repeat every campaign ever run).
 */
export function campaignSummaryLines(rows: readonly CampaignReportRow[], to: string, timeZone: string, t: (key: string, params?: Record<string, string | number>) => Body): Body[] {
  const since = addDays(to, -6);
  return rows.filter((c) => localDay(new Date(Date.parse(c.end) - 1), timeZone) >= since).map((c) =>
    t('analytics.summary_campaign', { title: c.title, entries: c.entries, participants: c.participants, fresh: c.newParticipants, ugc: c.ugc, before: c.ugcBefore, lift: lift(c.ugcLift) }),
  );
}

/** The campaign table of `report`: a heading and one row per campaign (nothing when none met the range). */
export function campaignTableRows(rows: readonly CampaignReportRow[]): string[][] {
  if (rows.length === 0) return [];
  return [
    ['campaign', 'status', 'start', 'end', 'entries', 'participants', 'new', 'ugc', 'before', 'lift'],
    ...rows.map((c) => [c.id, c.status, c.start.slice(0, 16), c.end.slice(0, 16), String(c.entries), String(c.participants), String(c.newParticipants), String(c.ugc), String(c.ugcBefore), lift(c.ugcLift)]),
  ];
}

/** The campaign columns of `report --csv`, exact ratios, in the order of `campaignCsvRows`. */
export const CAMPAIGN_CSV_COLUMNS = ['campaign', 'kind', 'status', 'start', 'end', 'entries', 'participants', 'newParticipants', 'pointsPaid', 'ugc', 'ugcBefore', 'ugcLift'] as const;

export function campaignCsvRows(rows: readonly CampaignReportRow[]): (string | number | null)[][] {
  return rows.map((c) => [c.id, c.kind, c.status, c.start, c.end, c.entries, c.participants, c.newParticipants, c.pointsPaid, c.ugc, c.ugcBefore, c.ugcLift]);
}
