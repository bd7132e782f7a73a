import type { Locale, Translator } from '../../core/i18n.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, renderPlain } from '../../core/outbound.ts';
import type { TargetsConfig } from '../../config/schema.ts';
import { CAMPAIGN_CSV_COLUMNS, campaignCsvRows, campaignSummaryLines, campaignTableRows } from './campaigns-section.ts';
import type { CohortRow, Report, WeekRow } from './service.ts';

type TargetKey = keyof TargetsConfig;

/** A share as a rounded percentage (rounding happens only here, never in JSON); `–` for unknown. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 1000) / 10}%`;
}

/** `✓` when a known value meets its target, `✗` when it misses it, nothing without a target. */
export function mark(value: number | null, target: number | undefined): string {
  if (target === undefined || value === null) return '';
  return value >= target ? '✓' : '✗';
}

function cell(value: number | null, target: number | undefined): string {
  const m = mark(value, target);
  return m === '' ? percent(value) : `${percent(value)} ${m}`;
}

/** The last week that is complete as of the report's `to`, else the last one. */
export function lastFullWeek(report: Report): WeekRow | undefined {
  const full = report.weekly.filter((w) => !w.partial);
  return full[full.length - 1] ?? report.weekly[report.weekly.length - 1];
}

/** The short summary `/report` and the weekly digest post: retention, last week, points, referrals. */
export function summaryBody(report: Report, t: (key: string, params?: Record<string, string | number>) => Body): Body {
  const s = report.summary;
  const tg = report.targets;
  const lines: Body[] = [t('analytics.summary_title', { from: report.from, to: report.to, zone: report.timeZone })];
  lines.push(
    t('analytics.summary_retention', {
      size: s.size,
      stayed7: cell(s.stayed7, tg.stayed7),
      stayed30: cell(s.stayed30, tg.stayed30),
      stayed90: cell(s.stayed90, tg.stayed90),
      d1: cell(s.d1, tg.d1),
      d7: cell(s.d7, tg.d7),
      d30: cell(s.d30, tg.d30),
      d90: cell(s.d90, tg.d90),
    }),
  );
  const week = lastFullWeek(report);
  if (week) {
    lines.push(
      t('analytics.summary_week', {
        week: week.week,
        active: week.active,
        members: week.members,
        rate: cell(week.interactionRate, tg.weeklyInteraction),
        posts: week.posts,
        shares: week.shares,
        growth: percent(week.ugcGrowth),
      }),
    );
  }
  const p = report.points;
  lines.push(t('analytics.summary_points', { issued: p.issued, spent: p.spent, rate: percent(p.redemptionRate), outstanding: p.outstanding }));
  const r = report.referral;
  lines.push(t('analytics.summary_referral', { joiners: r.referredJoiners, referrers: r.referrers, propagation: cell2(r.propagation, tg.propagation) }));
  const moves = report.tiers.movement.find((m) => m.week === week?.week);
  if (moves) lines.push(t('analytics.summary_tiers', { promotions: moves.promotions, demotions: moves.demotions, manual: moves.manual, tiers: report.tiers.now.map((x) => `${x.tier} ${x.members}`).join(', ') || '–' }));
  const rc = report.recall;
  lines.push(
    t('analytics.summary_recall', {
      sent: rc.total.sent,
      rate: percent(rc.total.rate[0] ?? null),
      baseline: percent(rc.baseline.rate[0] ?? null),
      days: rc.windows[0] ?? 0,
    }),
  );
  lines.push(...campaignSummaryLines(report.campaigns ?? [], report.to, report.timeZone, t));
  return joinLines(lines);
}

/** A plain number to two decimals with its target mark (the propagation coefficient). */
function cell2(value: number | null, target: number | undefined): string {
  if (value === null) return '–';
  const m = mark(value, target);
  const v = (Math.round(value * 100) / 100).toString();
  return m === '' ? v : `${v} ${m}`;
}

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

const RATE_KEYS = ['d1', 'd7', 'd30', 'd90', 'stayed1', 'stayed7', 'stayed30', 'stayed90'] as const satisfies readonly (keyof CohortRow & TargetKey)[];

/** The readable report `report` prints by default: tables with targets marked, then the definitions. */
export function renderTable(report: Report, translator: Translator, locale: Locale): string {
  const t = (key: string, params?: Record<string, string | number>) => renderPlain(translator.t(locale, key, params));
  const out: string[] = [];
  out.push(t('analytics.table.title', { community: report.community, from: report.from, to: report.to, zone: report.timeZone }));
  const targets = Object.entries(report.targets)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ≥ ${k === 'propagation' ? v : percent(v as number)}`);
  if (targets.length > 0) out.push(t('analytics.table.targets', { targets: targets.join(', ') }));
  out.push('', t('analytics.table.cohorts', { unit: report.cohortBy, segment: report.segmentBy }));
  out.push(
    ...pad([
      ['cohort', 'segment', 'size', ...RATE_KEYS],
      ...report.cohorts.map((c) => [c.cohort, c.segment, String(c.size), ...RATE_KEYS.map((k) => cell(c[k], report.targets[k]))]),
      ['all', '', String(report.summary.size), ...RATE_KEYS.map((k) => cell(report.summary[k], report.targets[k]))],
    ]),
  );
  out.push('', t('analytics.table.weekly'));
  out.push(
    ...pad([
      ['week', 'members', 'active', 'rate', 'posts', 'shares', 'ugc±'],
      ...report.weekly.map((w) => [
        `${w.week}${w.partial ? '*' : ''}`,
        String(w.members),
        String(w.active),
        cell(w.interactionRate, report.targets.weeklyInteraction),
        `${w.posts} (${w.paidPosts})`,
        `${w.shares} (${w.paidShares})`,
        percent(w.ugcGrowth),
      ]),
    ]),
  );
  out.push('', t('analytics.table.monthly'));
  out.push(
    ...pad([
      ['month', 'posts', 'shares', 'ugc±'],
      ...report.monthly.map((m) => [`${m.month.slice(0, 7)}${m.partial ? '*' : ''}`, String(m.posts), String(m.shares), cell(m.ugcGrowth, report.targets.ugcGrowth)]),
    ]),
  );
  const p = report.points;
  out.push('', t('analytics.table.points', { issued: p.issued, spent: p.spent, removed: p.removed, outstanding: p.outstanding, rate: percent(p.redemptionRate) }));
  out.push(...pad([['reason', '+', '−'], ...p.byReason.map((r) => [r.reason, String(r.credited), String(r.debited)])]).map((l) => `  ${l}`));
  const r = report.referral;
  out.push(
    '',
    t('analytics.table.referral', {
      used: r.invitesUsed,
      joiners: r.referredJoiners,
      referrers: r.referrers,
      stayed: percent(r.stayed7),
      propagation: cell2(r.propagation, report.targets.propagation),
    }),
  );
  const rc = report.recall;
  out.push(
    t('analytics.table.recall', {
      sent: rc.total.sent,
      rates: rc.windows.map((d, i) => `${d}d ${percent(rc.total.rate[i] ?? null)}`).join(', '),
      baseline: rc.windows.map((d, i) => `${d}d ${percent(rc.baseline.rate[i] ?? null)}`).join(', '),
    }),
  );
  out.push(t('analytics.table.tiers', { tiers: report.tiers.now.map((x) => `${x.tier} ${x.members}`).join(', ') || '–' }));
  out.push('', t('analytics.table.movement'));
  out.push(
    ...pad([
      ['week', '↑', '↓', 'manual', 'moves'],
      ...report.tiers.movement.map((m) => [
        `${m.week}${m.partial ? '*' : ''}`,
        String(m.promotions),
        String(m.demotions),
        String(m.manual),
        m.moves.map((x) => `${x.from}→${x.to}${x.manual ? '(manual)' : ''} ${x.members}`).join(', '),
      ]),
    ]),
  );
  const campaigns = campaignTableRows(report.campaigns ?? []);
  if (campaigns.length > 0) out.push('', t('analytics.table.campaigns'), ...pad(campaigns));
  out.push('', t('analytics.table.definitions'));
  for (const [k, v] of Object.entries(report.definitions)) out.push(`- ${k}: ${v}`);
  out.push(t('analytics.table.legend', { to: report.to }));
  return `${out.join('\n')}\n`;
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `report --csv`: the cohort rows, a blank line, the weekly rows, then (after a blank line) the campaigns', if any; exact ratios, empty for unknown. */
export function renderCsv(report: Report): string {
  const cohortCols = ['cohort', 'segment', 'size', ...RATE_KEYS] as const;
  const weekCols = ['week', 'partial', 'members', 'active', 'interactionRate', 'posts', 'paidPosts', 'shares', 'paidShares', 'ugcGrowth'] as const;
  const lines = [cohortCols.join(','), ...report.cohorts.map((c) => cohortCols.map((k) => csvField(c[k])).join(',')), '', weekCols.join(','), ...report.weekly.map((w) => weekCols.map((k) => csvField(w[k])).join(','))];
  const campaigns = campaignCsvRows(report.campaigns ?? []);
  if (campaigns.length > 0) lines.push('', CAMPAIGN_CSV_COLUMNS.join(','), ...campaigns.map((r) => r.map(csvField).join(',')));
  return `${lines.join('\n')}\n`;
}
