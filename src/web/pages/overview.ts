import { localDay, startOfLocalDay, weekStart } from '../../core/clock.ts';
import type { WebContext } from '../server.ts';
import { html, layout, tile, type Html, type Viewer } from '../view.ts';

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * The overview: today's check-ins, members active this week against the interaction target, new
 * members, open flags, pending redemptions and claims, and the outbox's health. Every figure is
 * one bounded count.
 */
export function overviewPage({ app }: WebContext, v: Viewer, flash: Html[]): Html {
  const { members, groups, checkins, quiet, shop, earning, outbox } = app.services;
  const tz = v.timeZone;
  const today = localDay(v.now, tz);
  const monday = weekStart(today);
  const head = members.headcount([startOfLocalDay(today, tz), startOfLocalDay(monday, tz)], monday);
  const checkedIn = groups.all().reduce((n, g) => n + checkins.countOn(g.chatKey, today), 0);
  const rate = head.members === 0 ? 0 : head.activeSince / head.members;
  const target = interactionTarget(app.content.community);
  const tiles: Html[] = [
    tile(v.t('overview.checkins_today'), checkedIn, today),
    tile(
      v.t('overview.active_week'),
      head.activeSince,
      target === undefined ? v.t('overview.rate', { rate: percent(rate) }) : v.t('overview.rate_target', { rate: percent(rate), target: percent(target) }),
      target === undefined ? undefined : rate >= target ? 'ok' : 'warn',
    ),
    tile(v.t('overview.new_today'), head.newSince[0] ?? 0, v.t('overview.new_week', { count: head.newSince[1] ?? 0 })),
    tile(v.t('overview.members'), head.members),
  ];
  if (v.can('flags')) tiles.push(tile(v.t('overview.open_flags'), quiet.openCount(), html`<a href="/review">${v.t('nav.review')}</a>`));
  if (v.can('redemptions')) tiles.push(tile(v.t('overview.pending_redemptions'), shop.pendingCount()));
  if (v.can('claims')) tiles.push(tile(v.t('overview.pending_claims'), earning.pendingClaimCount()));
  let health: Html = html``;
  if (v.can('outbox')) {
    const s = outbox.stats();
    const rows = Object.entries(s.platforms).map(
      ([p, n]) => html`<tr><td>${p}</td><td class="num">${n.pending}</td><td class="num">${n.sent}</td><td class="num">${n.failed}</td><td class="num">${n.expired}</td></tr>`,
    );
    health = html`<h2>${v.t('overview.outbox')}</h2>
<table><thead><tr><th>${v.t('overview.platform')}</th><th class="num">${v.t('overview.pending')}</th><th class="num">${v.t('overview.sent')}</th><th class="num">${v.t('overview.failed')}</th><th class="num">${v.t('overview.expired')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5" class="muted">${v.t('overview.outbox_empty')}</td></tr>`}</tbody></table>
${s.oldestPending ? html`<p class="muted">${v.t('overview.oldest', { at: s.oldestPending.createdAt, platform: s.oldestPending.platform, attempts: s.oldestPending.attempts, error: s.oldestPending.error ?? '—' })}</p>` : ''}`;
  }
  return layout(v, v.t('nav.overview'), '/', html`<div class="tiles">${tiles}</div>${health}`, flash);
}

/** The weekly interaction target from the community's `targets:`, where it sets one. */
function interactionTarget(config: object): number | undefined {
  const targets = (config as { targets?: { weeklyInteraction?: unknown } }).targets;
  return typeof targets?.weeklyInteraction === 'number' ? targets.weeklyInteraction : undefined;
}
