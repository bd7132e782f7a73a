import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { dashboardHarness, signedIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

type AuditRow = { action: string; actor: number | null; detail: Record<string, unknown>; reason: string | null };
const audit = () => h.app.exportState().audit as AuditRow[];
const idOf = (user: string) => h.app.services.members.findByIdentity({ platform: 'local', userId: user })!;

describe('rewards', () => {
  it('given an operator changes stock on the rewards page, then it is /stock: the new count, its audit row, and the command\'s own refusal below zero', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    const op = await signedIn(h, web, 'op');
    const page = await (await op.get('/rewards')).text();
    expect(page).toContain('Brand tote bag');
    expect(page).toMatch(/data-sku="tote-bag"[\s\S]*?data-stock>20</);
    let form = await op.formOf('/rewards');
    await op.post('/rewards/stock', { ...form, sku: 'tote-bag', change: '-18' });
    expect(h.app.services.shop.stockOf('tote-bag')).toBe(2);
    expect(audit().filter((r) => r.action === 'stock.adjust')).toEqual([expect.objectContaining({ actor: idOf('op'), detail: { sku: 'tote-bag', delta: -18, stock: 2 } })]);
    const after = await (await op.get('/rewards')).text();
    expect(after).toMatch(/data-sku="tote-bag"[\s\S]*?class="num low" data-stock>2 · low</);
    form = await op.formOf('/rewards');
    await op.post('/rewards/stock', { ...form, sku: 'tote-bag', change: '-5' });
    expect(h.app.services.shop.stockOf('tote-bag')).toBe(2);
    expect(await (await op.get('/rewards')).text()).toContain('class="flash"');
  });

  it('given an operator uploads a CSV of codes, then new codes join the pool once, audited with them as actor; a second upload skips them', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    const op = await signedIn(h, web, 'op');
    const csv = 'code\nA-1\n"A-2",note\nA-3\n\nA-1\n';
    let form = await op.formOf('/rewards');
    expect((await op.upload('/rewards/codes', { ...form, sku: 'coupon-10' }, { field: 'file', name: 'codes.csv', text: csv })).status).toBe(303);
    expect(h.app.services.shop.stockOf('coupon-10')).toBe(3);
    expect(await (await op.get('/rewards')).text()).toContain('coupon-10: 3 codes added from codes.csv, 0 skipped');
    form = await op.formOf('/rewards');
    await op.upload('/rewards/codes', { ...form, sku: 'coupon-10' }, { field: 'file', name: 'codes.csv', text: 'A-3\nA-4\n' });
    expect(h.app.services.shop.stockOf('coupon-10')).toBe(4);
    expect(audit().filter((r) => r.action === 'codes.import').map((r) => [r.actor, r.detail])).toEqual([
      [idOf('op'), { sku: 'coupon-10', added: 3, skipped: 0 }],
      [idOf('op'), { sku: 'coupon-10', added: 1, skipped: 1 }],
    ]);
    form = await op.formOf('/rewards');
    await op.upload('/rewards/codes', { ...form, sku: 'tote-bag' }, { field: 'file', name: 'x.csv', text: 'B-1\n' });
    expect(await (await op.get('/rewards')).text()).not.toContain('codes added');
  });
});

describe('content', () => {
  it('given an operator pauses, previews and resumes a post, then each is /post with the operator as actor and the preview is shown', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { lang: 'en' });
    const op = await signedIn(h, web, 'op');
    const page = await (await op.get('/content')).text();
    expect(page).toContain('data-post="daily-checkin"');
    let form = await op.formOf('/content');
    await op.post('/content', { ...form, post: 'daily-checkin', action: 'pause' });
    expect(h.app.services.content.isPaused('daily-checkin')).toBe(true);
    expect(await (await op.get('/content')).text()).toMatch(/data-post="daily-checkin"[\s\S]*?data-state>paused</);
    form = await op.formOf('/content');
    await op.post('/content', { ...form, post: 'daily-checkin', action: 'preview' });
    const preview = await (await op.get('/content')).text();
    expect(preview).toMatch(/class="flash"[\s\S]*daily-checkin/);
    form = await op.formOf('/content');
    await op.post('/content', { ...form, post: 'daily-checkin', action: 'resume' });
    expect(h.app.services.content.isPaused('daily-checkin')).toBe(false);
    expect(audit().filter((r) => r.action.startsWith('post.') || r.action.startsWith('content.')).every((r) => r.actor === idOf('op'))).toBe(true);
    expect(audit().filter((r) => r.action.startsWith('post.') || r.action.startsWith('content.')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the audit log', () => {
  it('given actions by two people, then the log filters by actor, action and day, newest first, a page at a time', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { name: 'Alice', lang: 'en' });
    for (let i = 1; i <= 55; i++) await h.say('op', `/award @u1 ${i} round ${i}`, { chat: null, lang: 'en' });
    await h.say('mod', '/checkin', { lang: 'en' });
    h.clock.advance(86_400_000);
    await h.say('op', '/deduct @u1 5 typo', { chat: null, lang: 'en' });
    const op = await signedIn(h, web, 'op');
    const all = await (await op.get('/audit?action=points.award')).text();
    expect(all.match(/<code>points\.award<\/code>/g)).toHaveLength(50);
    expect(all.indexOf('round 55')).toBeLessThan(all.indexOf('round 54'));
    const next = /href="(\/audit\?[^"]*before=\d+)"/.exec(all)![1]!.replaceAll('&amp;', '&');
    const older = await (await op.get(next)).text();
    expect(older.match(/<code>points\.award<\/code>/g)).toHaveLength(5);
    expect(older).toContain('round 1<');
    const byOp = await (await op.get(`/audit?actor=%23${idOf('op')}&action=points.deduct`)).text();
    expect(byOp).toContain('typo');
    expect(byOp).not.toContain('round 3<');
    const byMod = await (await op.get(`/audit?actor=%23${idOf('mod')}`)).text();
    expect(byMod).not.toContain('points.award</code>');
    const today = h.clock.now().toISOString().slice(0, 10);
    const lastDay = await (await op.get(`/audit?from=${today}&to=${today}&action=points.award`)).text();
    expect(lastDay).not.toContain('<code>points.award</code>');
  });
});

describe('next runs of date-bound posts', () => {
  it('given a holiday post, then its next run is the holiday at its time, and none once the list has passed', async () => {
    const { h: hh } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { lang: 'en' });
    const { content, groups } = h.app.services;
    const post = content.pack.byId.get('mid-autumn')!;
    const g1 = groups.get('local:g1')!;
    expect(content.nextRun(post, g1, h.clock.now())?.toISOString()).toBe('2026-09-25T02:00:00.000Z');
    // On the day itself, after the slot: the next year's.
    expect(content.nextRun(post, g1, new Date('2026-09-25T03:00:00Z'))?.toISOString()).toBe('2027-09-15T02:00:00.000Z');
    expect(content.nextRun(post, g1, new Date('2031-01-01T00:00:00Z'))).toBeUndefined();
  });
});
