import { startOfLocalDay } from '../../core/clock.ts';
import type { WebContext } from '../server.ts';
import { html, layout, pager, when, type Html, type Viewer } from '../view.ts';

const PAGE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface AuditQuery {
  readonly actor: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly before: number | undefined;
}

/** The audit log, newest first, filtered by actor (`#id` or a name), action and local dates. */
export function auditPage({ app }: WebContext, v: Viewer, flash: Html[], q: AuditQuery): Html {
  const { audit, members } = app.services;
  const actorQuery = q.actor.trim();
  // An actor named by `#id`, or the newest member whose name or identity matches.
  const actor = actorQuery === '' ? undefined : (members.search(actorQuery, 1).rows[0]?.id ?? -1);
  const tz = v.timeZone;
  const from = DAY.test(q.from) ? startOfLocalDay(q.from, tz) : undefined;
  const to = DAY.test(q.to) ? new Date(startOfLocalDay(q.to, tz).getTime() + 86_400_000) : undefined;
  const page = audit.page({ limit: PAGE, ...(actor !== undefined ? { actor } : {}), ...(q.action ? { action: q.action } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(q.before !== undefined ? { beforeId: q.before } : {}) });
  const names = new Map<number, string>();
  const nameOf = (id: number | null) => {
    if (id === null) return '—';
    if (!names.has(id)) names.set(id, members.get(id)?.name ?? `#${id}`);
    return names.get(id)!;
  };
  const params = new URLSearchParams({ actor: q.actor, action: q.action, from: q.from, to: q.to });
  const rows = page.rows.map(
    (r) => html`<tr><td>${when(v, r.at)}</td><td>${r.actorMemberId === null ? '—' : html`<a href="/members/${r.actorMemberId}">${nameOf(r.actorMemberId)}</a>`}</td><td><code>${r.action}</code></td><td>${r.targetMemberId === null ? '' : html`<a href="/members/${r.targetMemberId}">${nameOf(r.targetMemberId)}</a>`}</td><td><code>${r.detail === '{}' ? '' : r.detail}</code></td><td>${r.reason ?? ''}</td></tr>`,
  );
  const actions = audit.actions();
  const content = html`<form method="get" action="/audit" class="bar">
<input type="search" name="actor" value="${q.actor}" placeholder="${v.t('audit.actor')}">
<select name="action"><option value="">${v.t('audit.any_action')}</option>${actions.map((a) => html`<option value="${a}" ${a === q.action ? 'selected' : ''}>${a}</option>`)}</select>
<label>${v.t('audit.from')} <input type="date" name="from" value="${q.from}"></label><label>${v.t('audit.to')} <input type="date" name="to" value="${q.to}"></label>
<button type="submit">${v.t('audit.filter')}</button></form>
<table><thead><tr><th>${v.t('review.at')}</th><th>${v.t('audit.actor')}</th><th>${v.t('audit.action')}</th><th>${v.t('review.member')}</th><th>${v.t('audit.detail')}</th><th>${v.t('members.reason')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6" class="muted">${v.t('audit.empty')}</td></tr>`}</tbody></table>
${pager(v, q.before !== undefined ? `/audit?${params}` : undefined, page.more ? `/audit?${params}&before=${page.rows.at(-1)!.id}` : undefined)}`;
  return layout(v, v.t('nav.audit'), '/audit', content, flash);
}
