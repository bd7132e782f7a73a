import type { Body } from '../../core/outbound.ts';
import type { Form, WebContext } from '../server.ts';
import { bodyHtml, formFields, html, layout, localName, pager, when, type Html, type Viewer } from '../view.ts';

type Result = { ok: boolean; answers: readonly Body[] };
type ActionHandler = (ctx: WebContext, v: Viewer, form: Form, key: string) => Promise<Result[]>;

const DAY_MS = 86_400_000;
/** How many claims and redemptions one page lists (the rest wait for the next look). */
const LIST = 50;

function field(form: Form, name: string): string {
  const f = form[name];
  return typeof f === 'string' ? f.trim() : '';
}

/** The ids a form names: one row's button (`row=recall:12`) or the ticked boxes. */
function chosen(form: Form, box: string): { action: string; ids: number[] } {
  const row = field(form, 'row');
  if (row !== '') {
    const [action = '', id = ''] = row.split(':');
    return { action, ids: /^\d+$/.test(id) ? [Number(id)] : [] };
  }
  const raw = form[box];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const ids = list.filter((x): x is string => typeof x === 'string' && /^\d+$/.test(x)).map(Number);
  return { action: field(form, 'action'), ids: [...new Set(ids)].slice(0, 200) };
}

/** Runs one command per chosen id, each under its own key derived from the form's. */
async function each(ctx: WebContext, v: Viewer, key: string, ids: readonly number[], command: string, args: (id: number) => string): Promise<Result[]> {
  const out: Result[] = [];
  for (const id of ids) out.push(await ctx.run(v, command, args(id), `${key}:${id}`));
  return out;
}

function words(text: string): string {
  // Typed into a command's free text: quotes would be read as the command's own quoting.
  return text.replace(/["“”]/g, "'").replace(/\s+/g, ' ').trim();
}

/**
 * The review queue: quiet-member flags with their risk explanation (recall, snooze, dismiss, one
 * by one or ticked in bulk), shares waiting for review, and manual redemptions to fulfil or reject.
 */
export function reviewPage({ app }: WebContext, v: Viewer, flash: Html[], pageNo: number): Html {
  const { quiet, earning, shop, tiers } = app.services;
  const q = quiet.queue(v.now, pageNo);
  const flagRows = q.rows.map((f) => {
    const days = Math.floor((v.now.getTime() - f.quietSince) / DAY_MS);
    const risk = (v.now.getTime() - f.quietSince) / DAY_MS / f.baselineDays;
    return html`<tr data-flag="${f.id}">
<td><input type="checkbox" name="ids" value="${f.id}" aria-label="#${f.id}"></td>
<td>#${f.id}</td>
<td><a href="/members/${f.memberId}">${f.name}</a>${f.highValue ? html` <span class="vip">${v.t('review.vip')}</span>` : ''}</td>
<td>${tiers.name(f.tier, v.locale)}</td>
<td class="num">${days}</td>
<td class="num">${f.usualGapDays === null ? '—' : f.usualGapDays.toFixed(1)}</td>
<td class="num">${risk.toFixed(1)}</td>
<td class="num">${f.balance}</td>
<td><details><summary>${v.t('review.why')}</summary>${bodyHtml(quiet.card(f, v.now, v.locale))}</details></td>
<td><button name="row" value="recall:${f.id}" class="primary">${v.t('review.recall')}</button> <button name="row" value="snooze:${f.id}">${v.t('review.snooze')}</button> <button name="row" value="dismiss:${f.id}" class="danger">${v.t('review.dismiss')}</button></td>
</tr>`;
  });
  const flags = html`<h2>${v.t('review.flags', { open: q.open })}</h2>
${q.open === 0 ? html`<p class="muted">${v.t('review.flags_empty')}</p>` : html`<form method="post" action="/review/flags">${formFields(v)}
<div class="bar"><label><input type="checkbox" data-select-all="ids"> ${v.t('review.select_all')}</label>
<button name="action" value="recall" class="primary">${v.t('review.recall_selected')}</button>
<label>${v.t('review.days')} <input type="number" name="days" value="7" min="1" max="90" class="short"></label><button name="action" value="snooze">${v.t('review.snooze_selected')}</button>
<input type="text" name="note" placeholder="${v.t('review.note')}"><button name="action" value="dismiss" class="danger">${v.t('review.dismiss_selected')}</button></div>
<table><thead><tr><th></th><th>#</th><th>${v.t('review.member')}</th><th>${v.t('review.tier')}</th><th class="num">${v.t('review.days_quiet')}</th><th class="num">${v.t('review.usual_gap')}</th><th class="num">${v.t('review.risk')}</th><th class="num">${v.t('review.balance')}</th><th></th><th></th></tr></thead>
<tbody>${flagRows}</tbody></table></form>
${pager(v, q.page > 1 ? `/review?page=${q.page - 1}` : undefined, q.page < q.pages ? `/review?page=${q.page + 1}` : undefined)}`}`;

  let claims: Html = html``;
  if (v.can('claims')) {
    const rows = earning.pendingClaims(LIST);
    const count = rows.length < LIST ? rows.length : earning.pendingClaimCount();
    claims = html`<h2>${v.t('review.claims', { count })}</h2>
${rows.length === 0 ? html`<p class="muted">${v.t('review.claims_empty')}</p>` : html`<form method="post" action="/review/claims">${formFields(v)}
<div class="bar"><label><input type="checkbox" data-select-all="claims"> ${v.t('review.select_all')}</label><button name="action" value="approve" class="primary">${v.t('review.approve_selected')}</button><button name="action" value="reject" class="danger">${v.t('review.reject_selected')}</button></div>
<table><thead><tr><th></th><th>#</th><th>${v.t('review.member')}</th><th>${v.t('review.link')}</th><th>${v.t('review.at')}</th><th></th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><input type="checkbox" name="claims" value="${r.id}"></td><td>#${r.id}</td><td><a href="/members/${r.memberId}">${r.name}</a></td><td>${r.url ? html`<a href="${/^https?:/i.test(r.url) ? r.url : '#'}" rel="noreferrer">${r.url}</a>` : '—'}</td><td>${when(v, r.at)}</td>
<td><button name="row" value="approve:${r.id}" class="primary">${v.t('review.approve')}</button> <button name="row" value="reject:${r.id}" class="danger">${v.t('review.reject')}</button></td></tr>`)}
</tbody></table></form>`}`;
  }

  let redemptions: Html = html``;
  if (v.can('redemptions')) {
    const rows = shop.pending(LIST);
    const count = rows.length < LIST ? rows.length : shop.pendingCount();
    redemptions = html`<h2>${v.t('review.redemptions', { count })}</h2>
${rows.length === 0 ? html`<p class="muted">${v.t('review.redemptions_empty')}</p>` : html`<form method="post" action="/review/redemptions">${formFields(v)}
<table><thead><tr><th>#</th><th>${v.t('review.member')}</th><th>${v.t('review.reward')}</th><th class="num">${v.t('review.qty')}</th><th class="num">${v.t('review.cost')}</th><th>${v.t('review.at')}</th><th></th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>#${r.id}</td><td><a href="/members/${r.memberId}">${r.name}</a></td><td>${localName(shop.reward(r.sku)?.name, v.locale) ?? r.sku}</td><td class="num">${r.qty}</td><td class="num">${r.cost}</td><td>${when(v, r.at)}</td>
<td><button name="row" value="fulfil:${r.id}" class="primary">${v.t('review.fulfil')}</button> <input type="text" name="reason-${r.id}" placeholder="${v.t('review.reject_reason')}"> <button name="row" value="reject:${r.id}" class="danger">${v.t('review.reject')}</button></td></tr>`)}
</tbody></table></form>`}`;
  }
  return layout(v, v.t('nav.review'), '/review', html`${flags}${claims}${redemptions}`, flash);
}

const flagAction: ActionHandler = async (ctx, v, form, key) => {
  const { action, ids } = chosen(form, 'ids');
  if (ids.length === 0) return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.review.none_chosen')] }];
  switch (action) {
    case 'recall':
      return each(ctx, v, key, ids, 'flag', (id) => `${id} recall`);
    case 'snooze': {
      const days = field(form, 'days') || '7';
      return each(ctx, v, key, ids, 'flag', (id) => `${id} snooze ${words(days)}`);
    }
    case 'dismiss': {
      const note = words(field(form, 'note'));
      return each(ctx, v, key, ids, 'flag', (id) => `${id} dismiss${note ? ` ${note}` : ''}`);
    }
    default:
      return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.bad_form')] }];
  }
};

const claimAction: ActionHandler = async (ctx, v, form, key) => {
  const { action, ids } = chosen(form, 'claims');
  if (ids.length === 0) return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.review.none_chosen')] }];
  if (action !== 'approve' && action !== 'reject') return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.bad_form')] }];
  return each(ctx, v, key, ids, 'claim', (id) => `${action} ${id}`);
};

const redemptionAction: ActionHandler = async (ctx, v, form, key) => {
  const { action, ids } = chosen(form, 'none');
  const id = ids[0];
  if (id === undefined) return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.bad_form')] }];
  if (action === 'fulfil') return [await ctx.run(v, 'fulfil', String(id), key)];
  if (action === 'reject') return [await ctx.run(v, 'reject', `${id} ${words(field(form, `reason-${id}`))}`.trim(), key)];
  return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.bad_form')] }];
};

/** The review queue's forms: path, the command whose role they need, and the handler. */
export const reviewActions: readonly (readonly [string, string, ActionHandler])[] = [
  ['/review/flags', 'flag', flagAction],
  ['/review/claims', 'claim', claimAction],
  ['/review/redemptions', 'fulfil', redemptionAction],
];
