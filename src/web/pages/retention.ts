import { UserError } from '../../core/errors.ts';
import type { CohortRow, CohortUnit, Segment } from '../../features/analytics/index.ts';
import type { WebContext } from '../server.ts';
import { bodyHtml, html, layout, raw, type Html, type Viewer } from '../view.ts';

const UNITS: readonly CohortUnit[] = ['day', 'week', 'month'];
const SPLITS: readonly (Segment | 'all')[] = ['all', 'group', 'tier', 'platform', 'source'];
const RATES = ['d1', 'd7', 'd30', 'd90', 'stayed1', 'stayed7', 'stayed30', 'stayed90'] as const;

/** What the retention page was asked for (query string values, unchecked). */
export interface RetentionQuery {
  readonly from: string;
  readonly to: string;
  readonly cohort: string;
  readonly by: string;
  /** One value of the split to keep (a group's chat key, a tier, a platform, a source); empty for all. */
  readonly segment: string;
}

/** A share as a percentage with one decimal; null (a window not closed yet) is empty, never 0. */
function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '' : `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

/** The heat class of a share (ten steps), for the table's colours without inline styles. */
function heat(x: number | null): string {
  return x === null ? 'empty' : `heat-${Math.min(9, Math.floor(x * 10))}`;
}

/** JSON safe inside a `<script type="application/json">` element. */
function embed(value: unknown): Html {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
}

/**
 * The retention page: the cohort table as a heatmap, the D1/D7/D30/D90 curves against the targets,
 * the weekly interaction rate against its target and UGC by week, over a range of days, split or
 * filtered by group, tier, platform or source. The figures are the analytics service's own reads
 * (the report's numbers); they are embedded as JSON for `/assets/retention.js` to draw, and shown
 * as tables for readers without scripts.
 */
export function retentionPage({ app }: WebContext, v: Viewer, flash: Html[], q: RetentionQuery): { status: 200 | 400; page: Html } {
  const { analytics } = app.services;
  const unit = (UNITS as readonly string[]).includes(q.cohort) ? (q.cohort as CohortUnit) : 'week';
  const by = (SPLITS as readonly string[]).includes(q.by) ? (q.by as Segment | 'all') : 'all';
  const range = { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
  const split = by === 'all' ? {} : { by };
  const t = (key: string, params?: Parameters<Viewer['t']>[1]) => v.t(`retention.${key}`, params);
  let read;
  try {
    read = analytics.retentionView({ ...range, ...split, cohort: unit });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const problem = html`<div class="flash error" role="alert"><p>${bodyHtml(app.translator.t(v.locale, err.code, err.params))}</p></div>`;
    return { status: 400, page: layout(v, v.t('nav.retention'), '/retention', html`${filterForm(v, q, unit, by, [])}${problem}`, flash) };
  }
  const { table, curves, weekly, ugc } = read;
  const keep = (segment: string) => by === 'all' || q.segment === '' || segment === q.segment;
  const segments = by === 'all' ? [] : [...new Set(curves.curves.map((c) => c.segment))];
  const rows = table.rows.filter((r) => keep(r.segment));
  const lines = curves.curves.filter((c) => keep(c.segment));
  const targets = curves.targets;
  const segmentName = (s: string) => (by === 'all' ? t('split.all') : s);

  const data = {
    labels: {
      heatmap: t('heatmap'),
      windows: RATES.map((k) => k.replace('stayed', `${t('stayed')} D`).replace(/^d/, `${t('active')} D`)),
      active: t('active'),
      stayed: t('stayed'),
      target: t('target'),
      rate: t('rate'),
      posts: t('posts'),
      shares: t('shares'),
    },
    cohorts: rows.map((r) => ({ label: by === 'all' ? r.cohort : `${r.cohort} · ${r.segment}`, size: r.size, values: RATES.map((k) => r[k]) })),
    curves: lines.map((c) => ({ segment: segmentName(c.segment), days: c.points.map((p) => p.day), active: c.points.map((p) => p.active), stayed: c.points.map((p) => p.stayed) })),
    targets: { active: [targets.d1 ?? null, targets.d7 ?? null, targets.d30 ?? null, targets.d90 ?? null], stayed: [targets.stayed1 ?? null, targets.stayed7 ?? null, targets.stayed30 ?? null, targets.stayed90 ?? null] },
    weekly: { weeks: weekly.weeks.map((w) => w.week), rates: weekly.weeks.map((w) => w.interactionRate), target: weekly.target },
    ugc: { weeks: ugc.rows.map((r) => r.start), posts: ugc.rows.map((r) => r.posts), shares: ugc.rows.map((r) => r.shares) },
  };

  const rateCell = (x: number | null, target?: number) =>
    html`<td class="num ${heat(x)}${x !== null && target !== undefined ? (x >= target ? ' met' : ' missed') : ''}" data-value="${x === null ? 'null' : String(x)}">${pct(x)}</td>`;
  const heatTable = html`<table class="heat" data-table="cohorts"><caption>${t('heatmap')}</caption>
<thead><tr><th scope="col">${t('cohort_col')}</th>${by === 'all' ? '' : html`<th scope="col">${t('segment_col')}</th>`}<th scope="col" class="num">${t('size')}</th>${RATES.map((k, i) => html`<th scope="col" class="num">${data.labels.windows[i]}</th>`)}</tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr><td colspan="${RATES.length + 3}" class="muted">${t('no_cohorts')}</td></tr>`
      : rows.map(
          (r: CohortRow) =>
            html`<tr data-cohort="${r.cohort}" data-segment="${r.segment}"><th scope="row">${r.cohort}</th>${by === 'all' ? '' : html`<td>${r.segment}</td>`}<td class="num" data-size>${r.size}</td>${RATES.map((k) => rateCell(r[k], targets[k]))}</tr>`,
        )
  }</tbody></table>
${table.truncated ? html`<p class="muted">${t('truncated', { shown: table.rows.length, total: table.total })}</p>` : ''}`;

  const curveTable = html`<table data-table="curves"><caption>${t('curves')}</caption>
<thead><tr><th scope="col">${t('segment_col')}</th><th scope="col" class="num">${t('size')}</th><th scope="col">${t('day_col')}</th><th scope="col" class="num">${t('active')}</th><th scope="col" class="num">${t('target')}</th><th scope="col" class="num">${t('stayed')}</th><th scope="col" class="num">${t('target')}</th><th scope="col" class="num">${t('closed')}</th></tr></thead>
<tbody>${lines.flatMap((c) =>
    c.points.map((p) => {
      const ta = targets[`d${p.day}`];
      const ts = targets[`stayed${p.day}`];
      return html`<tr data-curve="${c.segment}" data-day="${p.day}"><td>${segmentName(c.segment)}</td><td class="num">${c.size}</td><td>D${p.day}</td>${rateCell(p.active, ta)}<td class="num">${pct(ta)}</td>${rateCell(p.stayed, ts)}<td class="num">${pct(ts)}</td><td class="num">${p.closed}</td></tr>`;
    }),
  )}</tbody></table>`;

  const weeklyTable = html`<table data-table="weekly"><caption>${t('weekly')}${weekly.target === null ? '' : html` · ${t('target_line', { target: pct(weekly.target) })}`}</caption>
<thead><tr><th scope="col">${t('week_col')}</th><th scope="col" class="num">${t('members')}</th><th scope="col" class="num">${t('actives')}</th><th scope="col" class="num">${t('rate')}</th></tr></thead>
<tbody>${weekly.weeks.map(
    (w) => html`<tr data-week="${w.week}"><th scope="row">${w.week}${w.partial ? html` <span class="muted">${t('partial')}</span>` : ''}</th><td class="num">${w.members}</td><td class="num">${w.active}</td>${rateCell(w.interactionRate, weekly.target ?? undefined)}</tr>`,
  )}</tbody></table>`;

  const ugcTable = html`<table data-table="ugc"><caption>${t('ugc')}</caption>
<thead><tr><th scope="col">${t('week_col')}</th><th scope="col" class="num">${t('posts')}</th><th scope="col" class="num">${t('shares')}</th><th scope="col" class="num">${t('growth')}</th></tr></thead>
<tbody>${ugc.rows.map(
    (r) => html`<tr data-week="${r.start}"><th scope="row">${r.start}${r.partial ? html` <span class="muted">${t('partial')}</span>` : ''}</th><td class="num">${r.posts}</td><td class="num">${r.shares}</td><td class="num" data-value="${r.ugcGrowth === null ? 'null' : String(r.ugcGrowth)}">${pct(r.ugcGrowth)}</td></tr>`,
  )}</tbody></table>`;

  const content = html`${filterForm(v, q, unit, by, segments)}
<p class="muted" data-span>${t('span', { from: table.from, to: table.to, zone: table.timeZone })}${by === 'all' ? '' : html` ${t('community_wide')}`}</p>
<script type="application/json" id="retention-data">${embed(data)}</script>
<h2>${t('heatmap')}</h2>
<div class="chart tall" id="chart-heatmap" aria-hidden="true"></div>
${heatTable}
<h2>${t('curves')}</h2>
<div class="chart" id="chart-curves" aria-hidden="true"></div>
${curveTable}
<h2>${t('weekly')}</h2>
<div class="chart" id="chart-weekly" aria-hidden="true"></div>
${weeklyTable}
<h2>${t('ugc')}</h2>
<div class="chart" id="chart-ugc" aria-hidden="true"></div>
${ugcTable}`;
  return { status: 200, page: layout(v, v.t('nav.retention'), '/retention', content, flash, ['/assets/echarts.min.js', '/assets/retention.js']) };
}

/** The range, cohort unit, split and segment form (a GET: the page's address is the view). */
function filterForm(v: Viewer, q: RetentionQuery, unit: CohortUnit, by: Segment | 'all', segments: readonly string[]): Html {
  const t = (key: string) => v.t(`retention.${key}`);
  return html`<form method="get" action="/retention" class="bar">
<label>${t('from')} <input type="date" name="from" value="${q.from}"></label>
<label>${t('to')} <input type="date" name="to" value="${q.to}"></label>
<label>${t('cohort')} <select name="cohort">${UNITS.map((u) => html`<option value="${u}" ${u === unit ? 'selected' : ''}>${t(`unit.${u}`)}</option>`)}</select></label>
<label>${t('by')} <select name="by">${SPLITS.map((s) => html`<option value="${s}" ${s === by ? 'selected' : ''}>${t(`split.${s}`)}</option>`)}</select></label>
${segments.length > 0 ? html`<label>${t('segment')} <select name="segment"><option value="">${t('all_values')}</option>${segments.map((s) => html`<option value="${s}" ${s === q.segment ? 'selected' : ''}>${s}</option>`)}</select></label>` : ''}
<button type="submit">${t('apply')}</button></form>`;
}
