import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/core/outbound.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { serveDashboard } from '../../src/web/server.ts';
import { freePort } from '../helpers/free-port.ts';
import { harness, type Harness } from '../helpers/harness.ts';
import { linkIn } from './helpers.ts';

/**
 * The dashboard in a real browser: Debian's Chromium (`apt-get install chromium fonts-noto-cjk`),
 * driven by playwright-core, which downloads no browser of its own. Where no Chromium is installed
 * the suite says so and skips; everything else still runs.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
if (!CHROMIUM) console.warn('\n*** browser tests SKIPPED: no Chromium found (install Debian\'s `chromium` package, or set CHROMIUM_PATH) ***\n');

/** Screenshots for a person to look at (git-ignored). */
export const SHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);


describe.skipIf(!CHROMIUM)('the dashboard in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  const errors: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    h = await harness({ dashboard: { baseUrl: base } });
    server = await serveDashboard({ app: h.app, baseUrl: base, port, host: '127.0.0.1', logger: silentLogger });
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    h?.close();
  });

  async function open(user: string): Promise<Page> {
    const link = linkIn(await h.say(user, '/dashboard', { chat: null, lang: 'en' }));
    expect(link).toBeDefined();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(link!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    return page;
  }

  it('given a moderator signs in with a link from /dashboard and recalls ten flagged members in one go, then the recall DMs are in the outbox and the audit names them', async () => {
    for (let i = 1; i <= 10; i++) await h.say(`q${i}`, '/checkin', { name: `Quiet ${i}`, lang: 'en' });
    await h.scheduler.advanceTo(at(11));
    await h.say('u1', '/checkin', { name: 'Alice', lang: 'en' });
    await h.scheduler.advanceTo(at(12, '12:00'));
    const page = await open('mod');
    await expect.poll(() => page.locator('.tile').count()).toBeGreaterThan(3);
    await page.screenshot({ path: `${SHOTS}overview.png`, fullPage: true });
    await page.locator('header nav').getByRole('link', { name: 'Review queue' }).click();
    await page.waitForURL((u) => u.pathname === '/review');
    expect(await page.locator('tr[data-flag]').count()).toBe(10);
    const before = h.sent.length;
    await page.getByLabel('Select all').check();
    await page.getByRole('button', { name: 'Recall selected' }).click();
    await page.waitForURL((u) => u.pathname === '/review');
    await expect.poll(() => page.locator('.flash p').count()).toBe(10);
    expect(await page.locator('tr[data-flag]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}review-after-recall.png`, fullPage: true });
    // What the bot sent after the clicks: one recall DM to each flagged member.
    const dms = h.sent.slice(before).filter((o) => o.type === 'dm');
    expect(dms).toHaveLength(10);
    expect(renderPlain(dms[0]!.body).length).toBeGreaterThan(10);
    const outbox = h.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM outbox WHERE source_key LIKE 'dashboard:%' AND status = 'sent'").get() as { n: number };
    expect(outbox.n).toBe(10);
    const modId = h.app.services.members.findByIdentity({ platform: 'local', userId: 'mod' });
    const recalls = (h.app.exportState().audit as { action: string; actor: number }[]).filter((r) => r.action === 'flag.recall');
    expect(recalls.map((r) => r.actor)).toEqual(Array(10).fill(modId));
    expect(errors.join('\n')).toBe('');
    await page.close();
  }, 60_000);

  it('given a Chinese-speaking operator, then the pages are in Chinese and a member search finds Alice', async () => {
    await h.say('op', '/lang zh', { chat: null });
    const page = await open('op');
    expect(await page.locator('nav a').first().textContent()).toBe('概览');
    await page.locator('header nav').getByRole('link', { name: '成员' }).click();
    await page.locator('input[name=q]').fill('ali');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.locator('main table tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: 'Alice' }).click();
    await page.locator('input[name=amount]').first().fill('25');
    await page.locator('input[name=reason]').first().fill('活动奖励');
    await page.getByRole('button', { name: '发放' }).click();
    await page.waitForURL((u) => /\/members\/\d+$/.test(u.pathname));
    await page.screenshot({ path: `${SHOTS}member-zh.png`, fullPage: true });
    const alice = h.app.services.members.findByIdentity({ platform: 'local', userId: 'u1' })!;
    expect(await page.locator('[data-balance]').textContent()).toBe(String(h.app.services.points.balance(alice)));
    expect(h.app.exportState().ledger.filter((l) => l.member === alice && l.reason === 'award').map((l) => [l.delta, l.note])).toEqual([[25, '活动奖励']]);
    expect(errors.join('\n')).toBe('');
    await page.close();
  }, 60_000);

  it('given an operator opens the retention page, then the heatmap, curves, weekly and UGC charts are drawn with data in Chinese and in English, with no console errors', async () => {
    const page = await open('op');
    await page.locator('header nav').getByRole('link', { name: '留存' }).click();
    await page.waitForURL((u) => u.pathname === '/retention');
    for (const id of ['chart-heatmap', 'chart-curves', 'chart-weekly', 'chart-ugc']) {
      await expect.poll(() => page.locator(`#${id}[data-drawn] canvas`).count()).toBeGreaterThan(0);
    }
    // The canvas has something drawn on it: not one colour all over.
    const colours = await page.locator('#chart-heatmap canvas').first().evaluate((node) => {
      // The test's types have no DOM library: the canvas as far as this check needs it.
      const c = node as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(10);
    expect(await page.locator('table[data-table=cohorts] tbody tr[data-cohort]').count()).toBeGreaterThan(0);
    expect(await page.locator('h1').textContent()).toBe('留存');
    await page.screenshot({ path: `${SHOTS}retention-zh.png`, fullPage: true });
    await h.say('op', '/lang en', { chat: null });
    await page.reload();
    await expect.poll(() => page.locator('#chart-curves[data-drawn] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('h1').textContent()).toBe('Retention');
    await page.screenshot({ path: `${SHOTS}retention.png`, fullPage: true });
    expect(errors.join('\n')).toBe('');
    await page.close();
  }, 60_000);
});
