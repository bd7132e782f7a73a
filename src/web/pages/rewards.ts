import { UserError } from '../../core/errors.ts';
import type { Body } from '../../core/outbound.ts';
import { parseCodesCsv } from '../../features/shop/index.ts';
import type { Form, WebContext } from '../server.ts';
import { formFields, html, layout, localName, type Html, type Viewer } from '../view.ts';

/** The largest code file accepted: a pool of a few hundred thousand codes. */
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** The reward catalogue with stock and low-stock state; stock changes and code-pool uploads. */
export function rewardsPage({ app }: WebContext, v: Viewer, flash: Html[]): Html {
  const { shop, tiers } = app.services;
  const threshold = app.content.rewards.lowStock;
  const rows = app.content.rewards.rewards.map((r) => {
    const stock = shop.stockOf(r.sku);
    const low = stock !== null && stock <= threshold;
    const control =
      r.kind === 'code'
        ? html`<form method="post" action="/rewards/codes" enctype="multipart/form-data" class="bar">${formFields(v)}<input type="hidden" name="sku" value="${r.sku}"><input type="file" name="file" accept=".csv,.txt,text/csv,text/plain" required aria-label="${v.t('rewards.codes_file', { sku: r.sku })}"><button type="submit">${v.t('rewards.upload')}</button></form>`
        : stock === null
          ? html`<span class="muted">${v.t('rewards.unlimited')}</span>`
          : html`<form method="post" action="/rewards/stock" class="bar">${formFields(v)}<input type="hidden" name="sku" value="${r.sku}"><input type="text" name="change" placeholder="+10 / -2" class="short" required pattern="[+-]?[0-9]+" aria-label="${v.t('rewards.change', { sku: r.sku })}"><button type="submit">${v.t('rewards.apply')}</button></form>`;
    return html`<tr data-sku="${r.sku}"><td><code>${r.sku}</code></td><td>${localName(r.name, v.locale) ?? r.sku}</td><td>${v.t(`rewards.kind.${r.kind}`)}</td><td class="num">${r.cost}</td><td>${r.minTier ? tiers.name(r.minTier, v.locale) : '—'}</td>
<td>${r.enabled ? v.t('rewards.on') : v.t('rewards.off')}</td>
<td class="num ${low ? 'low' : ''}" data-stock>${stock === null ? '∞' : stock}${low ? html` · ${v.t('rewards.low')}` : ''}</td><td>${control}</td></tr>`;
  });
  const content = html`<table><thead><tr><th>SKU</th><th>${v.t('review.reward')}</th><th>${v.t('rewards.kind_label')}</th><th class="num">${v.t('review.cost')}</th><th>${v.t('rewards.min_tier')}</th><th>${v.t('rewards.state')}</th><th class="num">${v.t('rewards.stock')}</th><th></th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">${v.t('rewards.none')}</td></tr>`}</tbody></table>
<p class="muted">${v.t('rewards.codes_hint')}</p>`;
  return layout(v, v.t('nav.rewards'), '/rewards', content, flash);
}

type Handler = (ctx: WebContext, v: Viewer, form: Form, key: string) => Promise<{ ok: boolean; answers: readonly Body[] }[]>;

const stockAction: Handler = async (ctx, v, form, key) => {
  const sku = typeof form['sku'] === 'string' ? form['sku'] : '';
  const change = typeof form['change'] === 'string' ? form['change'].trim() : '';
  // `/stock <sku> +N`: the command's own checks (unknown SKU, code rewards, below zero).
  return [await ctx.run(v, 'stock', `${sku} ${change}`, key)];
};

/**
 * A code file for a `code` reward's pool: the first column of each line (a `code` header and codes
 * already in the pool are skipped), added by the shop service with the viewer as actor, audited.
 */
const codesAction: Handler = async (ctx, v, form) => {
  const tr = ctx.app.translator;
  const sku = typeof form['sku'] === 'string' ? form['sku'] : '';
  const file = form['file'];
  if (!(file instanceof File) || file.size === 0) return [{ ok: false, answers: [tr.t(v.locale, 'web.rewards.no_file')] }];
  if (file.size > MAX_UPLOAD_BYTES) return [{ ok: false, answers: [tr.t(v.locale, 'web.rewards.too_big', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 })] }];
  const codes = parseCodesCsv(await file.text());
  if (codes.length === 0) return [{ ok: false, answers: [tr.t(v.locale, 'web.rewards.no_codes', { file: file.name })] }];
  try {
    const r = ctx.app.services.shop.importCodes(sku, codes, v.actor.memberId, ctx.app.clock.now());
    return [{ ok: true, answers: [tr.t(v.locale, 'web.rewards.imported', { sku, added: r.added, skipped: r.skipped, file: file.name })] }];
  } catch (err) {
    if (err instanceof UserError) return [{ ok: false, answers: [tr.t(v.locale, err.code, err.params)] }];
    throw err;
  }
};

export const rewardActions: readonly (readonly [string, string, Handler])[] = [
  ['/rewards/stock', 'stock', stockAction],
  ['/rewards/codes', 'stock', codesAction],
];
