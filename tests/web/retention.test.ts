import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { dashboardHarness, signedIn, type Client } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

const DAY = 86_400_000;

/**
 * Six members join g1 on 2026-03-02 (Asia/Shanghai) and six g2 on 03-03; four of the first come
 * back the next day and two in their second week, three of the second the next day and one in its
 * second week; one leaves. Then the clock runs to 2026-03-20.
 */
async function community(): Promise<{ web: Parameters<typeof signedIn>[1]; op: Client }> {
  const built = await dashboardHarness();
  h = built.h;
  const chatOf = (i: number) => (i <= 6 ? 'g1' : 'g2');
  const checkIn = async (...ids: number[]) => {
    for (const i of ids) await h.say(`m${i}`, '/checkin', { chat: chatOf(i), lang: 'en' });
  };
  for (let i = 1; i <= 6; i++) await h.join(`m${i}`, 'g1', `Member ${i}`);
  h.clock.advance(DAY);
  await checkIn(1, 2, 3, 4);
  for (let i = 7; i <= 12; i++) await h.join(`m${i}`, 'g2', `Member ${i}`);
  await h.say('m2', 'A long enough post about the brand and what we like about it', { lang: 'en' });
  h.clock.advance(DAY);
  await checkIn(7, 8, 9);
  h.clock.advance(5 * DAY);
  await checkIn(1, 2);
  h.clock.advance(2 * DAY);
  await checkIn(7);
  await h.leave('m12', 'g2');
  await h.scheduler.advanceTo(new Date('2026-03-20T12:00:00+08:00'));
  return { web: built.web, op: await signedIn(h, built.web, 'op') };
}

/** The numbers a table of the page shows, by its `data-value` cells ("null" for an empty cell). */
function values(page: string, table: string): (number | null)[][] {
  const body = new RegExp(`data-table="${table}"[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(page)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/data-value="([^"]*)"/g)].map((m) => (m[1] === 'null' ? null : Number(m[1]))));
}

describe('the retention page', () => {
  it('given a range, then the cohort table, curves, weekly rates and UGC in the page equal the report\'s JSON for that range, open windows empty', async () => {
    const { op } = await community();
    const res = await op.get('/retention?from=2026-03-01&to=2026-03-20&cohort=day');
    expect(res.status).toBe(200);
    const page = await res.text();
    const report = h.app.services.analytics.report({ from: '2026-03-01', to: '2026-03-20', cohort: 'day' });
    const keys = ['d1', 'd7', 'd30', 'd90', 'stayed1', 'stayed7', 'stayed30', 'stayed90'] as const;
    expect(report.cohorts.map((c) => [c.cohort, c.size, c.d1, c.d7])).toEqual([
      ['2026-03-02', 6, 4 / 6, 2 / 6],
      ['2026-03-03', 6, 3 / 6, 1 / 6],
    ]);
    expect(values(page, 'cohorts')).toEqual(report.cohorts.map((c) => keys.map((k) => c[k])));
    expect([...page.matchAll(/data-size>(\d+)</g)].map((m) => Number(m[1]))).toEqual(report.cohorts.map((c) => c.size));
    // The D30 and D90 windows have not closed by March 20: empty cells, never 0%.
    expect(report.cohorts[0]!.d30).toBeNull();
    expect(page).toMatch(/data-value="null"><\/td>/);
    expect(values(page, 'weekly')).toEqual(report.weekly.map((w) => [w.interactionRate]));
    expect(values(page, 'ugc')).toEqual(report.weekly.map((w) => [w.ugcGrowth]));
    expect([...page.matchAll(/data-table="ugc"[\s\S]*?<\/table>/g)][0]![0]).toContain(`<td class="num">${report.weekly[0]!.posts}</td>`);
    // The curves: one per window, active then stayed, weighted over the closed windows as the summary is.
    expect(values(page, 'curves')).toEqual([
      [report.summary.d1, report.summary.stayed1],
      [report.summary.d7, report.summary.stayed7],
      [report.summary.d30, report.summary.stayed30],
      [report.summary.d90, report.summary.stayed90],
    ]);
    const embedded = JSON.parse(/<script type="application\/json" id="retention-data">([\s\S]*?)<\/script>/.exec(page)![1]!);
    expect(embedded.cohorts.map((c: { values: unknown }) => c.values)).toEqual(report.cohorts.map((c) => keys.map((k) => c[k])));
    expect(embedded.weekly.target).toBe(report.targets.weeklyInteraction);
    expect(embedded.targets.stayed).toEqual([null, report.targets.stayed7, report.targets.stayed30, report.targets.stayed90]);
  });

  it('given a split by group and one group chosen, then only its rows are shown, each as the report by group has it', async () => {
    const { op } = await community();
    const page = await (await op.get('/retention?from=2026-03-01&to=2026-03-20&cohort=week&by=group&segment=local:g2')).text();
    const report = h.app.services.analytics.report({ from: '2026-03-01', to: '2026-03-20', cohort: 'week', by: 'group' });
    const g2 = report.cohorts.filter((c) => c.segment === 'local:g2');
    expect(g2.length).toBeGreaterThan(0);
    expect([...page.matchAll(/<tr data-cohort="([^"]+)" data-segment="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual(g2.map((c) => [c.cohort, c.segment]));
    expect(values(page, 'cohorts')).toEqual(g2.map((c) => [c.d1, c.d7, c.d30, c.d90, c.stayed1, c.stayed7, c.stayed30, c.stayed90]));
    expect(page).toContain('<option value="local:g1" >local:g1</option>');
  });

  it('given a bad day or a reversed range, then the page says so in the operator\'s language and shows the form again', async () => {
    const { op } = await community();
    const bad = await op.get('/retention?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('“2026-02-30” is not a day — use YYYY-MM-DD, e.g. 2026-03-02.');
    await h.say('op', '/lang zh', { chat: null });
    const reversed = await (await op.get('/retention?from=2026-03-10&to=2026-03-01')).text();
    expect(reversed).toContain('<h1>留存</h1>');
    expect(reversed).toMatch(/role="alert"><p>[^<]*2026-03-10[^<]*2026-03-01/);
    expect(reversed).toContain('name="from" value="2026-03-10"');
  });
});
