import type { Body } from '../../core/outbound.ts';
import type { Form, WebContext } from '../server.ts';
import { formFields, html, layout, pager, when, type Html, type Viewer } from '../view.ts';

const PAGE = 25;

/** Members found by name, identity or `#id`, one page at a time. */
export function membersPage({ app }: WebContext, v: Viewer, flash: Html[], query: string, offset: number): Html {
  const { members, points, tiers } = app.services;
  const from = Math.max(0, Math.floor(offset));
  const found = members.search(query.slice(0, 100), PAGE, from);
  const q = encodeURIComponent(query);
  const rows = found.rows.map((m) => {
    const s = points.standing(m.id);
    return html`<tr><td>#${m.id}</td><td><a href="/members/${m.id}">${m.name}</a></td><td>${tiers.name(m.tier, v.locale)}</td><td class="num">${s.balance}</td><td class="num">${s.lifetime}</td><td>${when(v, m.lastActiveAt)}</td><td>${when(v, m.createdAt)}</td></tr>`;
  });
  const content = html`<form method="get" action="/members" class="bar"><input type="search" name="q" value="${query}" placeholder="${v.t('members.search_hint')}" size="40"><button type="submit">${v.t('members.search')}</button></form>
<table><thead><tr><th>#</th><th>${v.t('members.name')}</th><th>${v.t('review.tier')}</th><th class="num">${v.t('review.balance')}</th><th class="num">${v.t('members.lifetime')}</th><th>${v.t('members.last_active')}</th><th>${v.t('members.joined')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7" class="muted">${v.t('members.none')}</td></tr>`}</tbody></table>
${pager(v, from > 0 ? `/members?q=${q}&offset=${Math.max(0, from - PAGE)}` : undefined, found.more ? `/members?q=${q}&offset=${from + PAGE}` : undefined)}`;
  return layout(v, v.t('nav.members'), '/members', content, flash);
}

/** One member: balance, identities, tier, ledger (paged), flags, the audit rows about them; award/deduct. */
export function memberPage({ app }: WebContext, v: Viewer, flash: Html[], id: number, before: number | undefined): Html | undefined {
  const { members, points, tiers, quiet, audit, ladder } = app.services;
  const m = Number.isInteger(id) ? members.get(id) : undefined;
  if (!m) return undefined;
  const s = points.standing(id);
  const ledger = points.ledgerPage(id, PAGE, before);
  const nameOf = (memberId: number | null) => (memberId === null ? '—' : (members.get(memberId)?.name ?? `#${memberId}`));
  let tierLine: Html = html`${tiers.name(m.tier, v.locale)}`;
  try {
    const st = ladder.status(id, v.now);
    tierLine = html`${tiers.name(st.tier, v.locale)} <span class="muted">${v.t('members.tier_since', { since: when(v, st.since.getTime()), reason: st.reason })}</span>`;
  } catch {
    // A member the ladder has no row for yet (never seen in a group) shows the stored tier.
  }
  const history = audit.page({ target: id, limit: 20 });
  const flags = quiet.flagsOf(id, 10);
  const reason = (r: string) => v.msg(`shop.reason.${r}`);
  const adjust = (kind: 'award' | 'deduct') =>
    v.can(kind)
      ? html`<form method="post" action="/members/${id}/${kind}" class="bar">${formFields(v)}<input type="number" name="amount" min="1" max="1000000" required placeholder="${v.t('members.amount')}"><input type="text" name="reason" required placeholder="${v.t('members.reason')}" size="30"><button type="submit" class="${kind === 'award' ? 'primary' : 'danger'}">${v.t(`members.${kind}`)}</button></form>`
      : html``;
  const content = html`<p><strong>${m.name}</strong> #${m.id} · ${tierLine}</p>
<div class="tiles">
<div class="tile"><div class="label">${v.t('review.balance')}</div><div class="value" data-balance>${s.balance}</div></div>
<div class="tile"><div class="label">${v.t('members.lifetime')}</div><div class="value">${s.lifetime}</div><div class="note">${v.t('members.rank', { rank: s.rank ?? '—' })}</div></div>
<div class="tile"><div class="label">${v.t('members.last_active')}</div><div class="value small">${when(v, m.lastActiveAt)}</div></div>
</div>
<h2>${v.t('members.identities')}</h2><ul>${members.identitiesOfMember(id).map((i) => html`<li><code>${i.key}</code> ${i.name}${i.handle ? ` (@${i.handle})` : ''}</li>`)}</ul>
${adjust('award')}${adjust('deduct')}
<h2>${v.t('members.ledger')}</h2>
<table><thead><tr><th>${v.t('review.at')}</th><th class="num">${v.t('members.delta')}</th><th>${v.t('members.reason')}</th><th>${v.t('members.by')}</th><th>${v.t('members.note')}</th></tr></thead><tbody>
${ledger.rows.length > 0 ? ledger.rows.map((r) => html`<tr><td>${when(v, r.at)}</td><td class="num">${r.delta > 0 ? `+${r.delta}` : r.delta}</td><td>${reason(r.reason)}</td><td>${r.actor === null ? '—' : nameOf(r.actor)}</td><td>${r.note ?? ''}</td></tr>`) : html`<tr><td colspan="5" class="muted">${v.t('members.ledger_empty')}</td></tr>`}
</tbody></table>
${pager(v, before !== undefined ? `/members/${id}` : undefined, ledger.more ? `/members/${id}?before=${ledger.rows.at(-1)!.id}` : undefined)}
<h2>${v.t('members.flags')}</h2>
${flags.length === 0 ? html`<p class="muted">${v.t('members.flags_empty')}</p>` : html`<ul>${flags.map((f) => html`<li>#${f.id} · ${v.msg(`quiet.status.${f.status}`)} · ${when(v, f.flaggedAt)}${f.recalledAt ? html` · ${v.t('members.recalled', { at: when(v, f.recalledAt) })}` : ''}</li>`)}</ul>`}
<h2>${v.t('members.history')}</h2>
${history.rows.length === 0 ? html`<p class="muted">${v.t('audit.empty')}</p>` : html`<table><tbody>${history.rows.map((r) => html`<tr><td>${when(v, r.at)}</td><td><code>${r.action}</code></td><td>${nameOf(r.actorMemberId)}</td><td>${r.detail === '{}' ? '' : r.detail}</td><td>${r.reason ?? ''}</td></tr>`)}</tbody></table>`}`;
  return layout(v, m.name, '/members', content, flash);
}

type Handler = (ctx: WebContext, v: Viewer, form: Form, key: string, memberId: number) => Promise<{ ok: boolean; answers: readonly Body[] }[]>;

function adjustment(kind: 'award' | 'deduct'): Handler {
  return async (ctx, v, form, key, memberId) => {
    const amount = typeof form['amount'] === 'string' ? form['amount'].trim() : '';
    const reason = typeof form['reason'] === 'string' ? form['reason'].replace(/["“”]/g, "'").replace(/\s+/g, ' ').trim() : '';
    // `/award #<id> <amount> <reason>`: the same command, checks and ledger row as in chat.
    return [await ctx.run(v, kind, `#${memberId} ${amount}${reason ? ` ${reason}` : ''}`, key)];
  };
}

/** The member page's forms. */
export const memberActions: readonly (readonly [string, string, Handler])[] = [
  ['/members/:id/award', 'award', adjustment('award')],
  ['/members/:id/deduct', 'deduct', adjustment('deduct')],
];
