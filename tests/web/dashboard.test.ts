import { afterEach, describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/core/outbound.ts';
import type { Harness } from '../helpers/harness.ts';
import { Client, dashboardHarness, linkIn, signedIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);

/** `count` members check in on March 2 and go quiet; the scan on March 12 flags them. */
async function quietMembers(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await h.say(`q${i}`, '/checkin', { name: `Quiet ${i}`, lang: 'en' });
  await h.scheduler.advanceTo(at(12, '12:00'));
}

const PAGES = ['/', '/review', '/members', '/members/1'] as const;
const OPERATOR_PAGES = ['/retention', '/rewards', '/content', '/audit'] as const;

describe('signing in through chat', () => {
  it('given a moderator sends /dashboard in a DM, then they get a one-time link; a member is refused and a community group never sees one', async () => {
    ({ h } = await dashboardHarness());
    const mod = await h.say('mod', '/dashboard', { chat: null, lang: 'en' });
    expect(linkIn(mod)).toMatch(/^http:\/\/127\.0\.0\.1:8787\/login\?token=/);
    expect(mod[0]).toContain('10 minutes');
    expect(await h.say('u1', '/dashboard', { chat: null, lang: 'en' })).toEqual(['That command is for moderators only.']);
    const inGroup = await h.say('mod', '/dashboard', { chat: 'g1', lang: 'en' });
    expect(inGroup.join('\n')).not.toContain('token=');
    expect(inGroup).toEqual(['The dashboard link is sent in the staff chat or a direct chat with me, not in a community group.']);
  });

  it('given /dashboard in the staff chat, then the link goes by DM and the staff chat only reads that it was sent', async () => {
    ({ h } = await dashboardHarness());
    const before = h.sent.length;
    await h.say('mod', '/dashboard', { chat: 'staff', lang: 'en' });
    const said = h.sent.slice(before);
    expect(said.map((o) => o.type).sort()).toEqual(['dm', 'reply']);
    expect(renderPlain(said.find((o) => o.type === 'reply')!.body)).toBe('I sent you a sign-in link by direct message.');
    expect(linkIn([renderPlain(said.find((o) => o.type === 'dm')!.body)])).toBeDefined();
  });

  it('given a link, when it is opened, then the GET only asks to confirm and the POST sets an HttpOnly SameSite=Strict cookie', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    const link = linkIn(await h.say('mod', '/dashboard', { chat: null, lang: 'en' }))!;
    const preview = await web.request(new URL(link).pathname + new URL(link).search);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('set-cookie')).toBeNull();
    const c = new Client(web);
    const res = await c.signIn(link);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(/hearth_session=[^;]+;.*HttpOnly/i);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
    expect((await c.get('/')).status).toBe(200);
  });

  it('given a used, a forged and an expired link, then each is refused and sets no cookie', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    const link = linkIn(await h.say('mod', '/dashboard', { chat: null, lang: 'en' }))!;
    expect((await new Client(web).signIn(link)).status).toBe(303);
    const replay = new Client(web);
    expect((await replay.signIn(link)).status).toBe(401);
    expect(replay.cookie).toBeUndefined();
    const forged = new Client(web);
    expect((await forged.signIn(link.replace(/token=.{4}/, 'token=AAAA'))).status).toBe(401);
    const late = linkIn(await h.say('mod', '/dashboard', { chat: null, lang: 'en' }))!;
    h.clock.advance(10 * 60_000 + 1);
    const slow = new Client(web);
    expect((await slow.signIn(late)).status).toBe(401);
    expect(slow.cookie).toBeUndefined();
  });

  it('given a session, when it expires or the member signs out, then pages send them to sign in again and forms are refused', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    const c = await signedIn(h, web, 'mod');
    const { csrf } = await c.formOf('/');
    h.clock.advance(8 * 3_600_000 + 1);
    const expired = await c.get('/');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/login');
    const again = await signedIn(h, web, 'mod');
    const form = await again.formOf('/');
    expect((await again.post('/logout', form)).status).toBe(303);
    expect((await again.get('/')).status).toBe(303);
    expect((await again.post('/review/flags', { ...form, row: 'recall:1' })).status).toBe(401);
    expect(csrf).not.toBe(form.csrf);
  });
});

describe('every route and every role', () => {
  it('given signed out, a member, a moderator and an operator, then each page answers as the command table allows', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { lang: 'en' });
    const anonymous = new Client(web);
    for (const p of PAGES) {
      const res = await anonymous.get(p);
      expect([p, res.status, res.headers.get('location')]).toEqual([p, 303, '/login']);
    }
    expect((await anonymous.post('/review/flags', { row: 'recall:1' })).status).toBe(401);
    const mod = await signedIn(h, web, 'mod');
    const op = await signedIn(h, web, 'op');
    for (const p of PAGES) expect([p, (await mod.get(p)).status]).toEqual([p, 200]);
    for (const p of PAGES) expect([p, (await op.get(p)).status]).toEqual([p, 200]);
    // Retention, rewards, content and the audit log are the operators' (/report, /stock, /posts, /audit).
    for (const p of OPERATOR_PAGES) {
      expect([p, (await mod.get(p)).status]).toEqual([p, 403]);
      expect([p, (await op.get(p)).status]).toEqual([p, 200]);
      expect([p, (await anonymous.get(p)).status]).toEqual([p, 303]);
    }
    expect(await (await mod.get('/')).text()).not.toContain('href="/rewards"');
    expect(await (await op.get('/')).text()).toContain('href="/rewards"');
    const modForm = await mod.formOf('/review');
    expect((await mod.post('/rewards/stock', { ...modForm, sku: 'tote-bag', change: '+5' })).status).toBe(403);
    expect((await mod.post('/content', { ...modForm, post: 'daily-checkin', action: 'pause' })).status).toBe(403);
    // A moderator's page has no award form: /award is an operator's.
    expect(await (await mod.get('/members/1')).text()).not.toContain('/members/1/award');
    expect(await (await op.get('/members/1')).text()).toContain('/members/1/award');
    const form = await mod.formOf('/members/1');
    expect((await mod.post('/members/1/award', { ...form, amount: '50', reason: 'x' })).status).toBe(403);
    expect(h.app.services.points.balance(1)).toBe(h.app.exportState().ledger.filter((l) => l.member === 1).reduce((n, l) => n + l.delta, 0));
  });

  it('given a moderator whose role was taken away after signing in, then every page and form is forbidden', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { lang: 'en' });
    // A member cannot get a link at all.
    await expect(signedIn(h, web, 'u1')).rejects.toThrow('got no link');
    await h.say('op', '/checkin', { lang: 'en' });
    await h.say('u2', '/checkin', { lang: 'en' });
    await h.say('op', '/role @u2 moderator', { lang: 'en' });
    const c = await signedIn(h, web, 'u2');
    expect((await c.get('/review')).status).toBe(200);
    const form = await c.formOf('/review');
    await h.say('op', '/role @u2 member', { lang: 'en' });
    for (const p of [...PAGES, ...OPERATOR_PAGES]) expect([p, (await c.get(p)).status]).toEqual([p, 403]);
    expect((await c.post('/review/flags', { ...form, row: 'recall:1' })).status).toBe(403);
  });

  it('given a form without the CSRF token or with another session\'s, then it is refused and nothing changes', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await quietMembers(1);
    const a = await signedIn(h, web, 'mod');
    const b = await signedIn(h, web, 'op');
    const { key } = await a.formOf('/review');
    const other = await b.formOf('/review');
    expect((await a.post('/review/flags', { key, row: 'recall:1' })).status).toBe(403);
    expect((await a.post('/review/flags', { key, csrf: other.csrf, row: 'recall:1' })).status).toBe(403);
    expect(h.app.services.quiet.get(1)!.status).toBe('open');
  });
});

describe('actions are the chat commands', () => {
  it('given an operator awards from the dashboard and another in chat, then the ledger and audit rows match but for their keys', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { name: 'Alice', lang: 'en' });
    await h.say('op', '/award @u1 30 welcome gift', { chat: null, lang: 'en' });
    const op = await signedIn(h, web, 'op');
    const form = await op.formOf('/members/1');
    const res = await op.post('/members/1/award', { ...form, amount: '30', reason: 'welcome gift' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/members/1');
    const page = await (await op.get('/members/1')).text();
    expect(page).toContain('Alice');
    const rows = h.app.exportState().ledger.filter((l) => l.reason === 'award');
    expect(rows).toHaveLength(2);
    const strip = ({ id: _i, source: _s, at: _a, ...rest }: (typeof rows)[number]) => rest;
    expect(strip(rows[1]!)).toEqual(strip(rows[0]!));
    expect(rows[1]!.source).toMatch(/^dashboard:/);
    const audit = (h.app.exportState().audit as { action: string; actor: number; target: number; detail: unknown; reason: string | null }[]).filter((r) => r.action === 'points.award');
    expect(audit).toHaveLength(2);
    expect({ ...audit[1], id: 0, at: 0 }).toEqual({ ...audit[0], id: 0, at: 0 });
    // The same form sent again (a double click, a reload) pays once.
    await op.post('/members/1/award', { ...form, amount: '30', reason: 'welcome gift' });
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'award')).toHaveLength(2);
  });

  it('given a moderator ticks ten flags and presses Recall, then ten recall DMs go out and the audit log names the moderator', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await quietMembers(10);
    expect(h.app.services.quiet.openCount()).toBe(10);
    const mod = await signedIn(h, web, 'mod');
    const page = await (await mod.get('/review')).text();
    const ids = [...page.matchAll(/name="ids" value="(\d+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(10);
    const form = await mod.formOf('/review');
    const before = h.sent.length;
    const res = await mod.post('/review/flags', { ...form, ids, action: 'recall' });
    expect(res.status).toBe(303);
    const dms = h.sent.slice(before).filter((o) => o.type === 'dm');
    expect(dms.map((o) => (o.type === 'dm' ? o.user.userId : '')).sort()).toEqual(['q1', 'q10', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9']);
    expect(h.app.services.quiet.openCount()).toBe(0);
    const modId = h.app.services.members.findByIdentity({ platform: 'local', userId: 'mod' });
    const recalls = (h.app.exportState().audit as { action: string; actor: number }[]).filter((r) => r.action === 'flag.recall');
    expect(recalls).toHaveLength(10);
    expect(recalls.every((r) => r.actor === modId)).toBe(true);
    const after = await (await mod.get('/review')).text();
    expect(after).toContain('Recall for flag #1 sent to Quiet 1');
    expect(after).toContain('No open flags.');
  });

  it('given a snooze and a dismiss one by one, then each runs /flag with the moderator as actor', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await quietMembers(2);
    const mod = await signedIn(h, web, 'mod');
    let form = await mod.formOf('/review');
    await mod.post('/review/flags', { ...form, row: 'snooze:1', days: '5' });
    form = await mod.formOf('/review');
    await mod.post('/review/flags', { ...form, row: 'dismiss:2', note: 'moved away' });
    expect(h.app.services.quiet.get(1)!.status).toBe('snoozed');
    expect(h.app.services.quiet.get(2)).toMatchObject({ status: 'dismissed', note: 'moved away' });
    form = await mod.formOf('/review');
    await mod.post('/review/flags', { ...form, row: 'snooze:1', days: '500' });
    // A bad number is the command's own error, shown on the page.
    const page = await (await mod.get('/review')).text();
    expect(page).toContain('Say for how many days (1–90), e.g. /flag 1 snooze 3.');
  });
});

describe('the dashboard environment', () => {
  it('given the empty lines of a copied .env.example, then the dashboard is off on 127.0.0.1; a bad port or URL is named', async () => {
    const { parseEnv } = await import('../../src/config/env.ts');
    expect(parseEnv({ HEARTH_WEB_PORT: '', HEARTH_WEB_HOST: '', HEARTH_WEB_URL: '' })).toMatchObject({ HEARTH_WEB_PORT: undefined, HEARTH_WEB_HOST: '127.0.0.1', HEARTH_WEB_URL: undefined });
    expect(parseEnv({ HEARTH_WEB_PORT: '8787', HEARTH_WEB_URL: 'https://hearth.example.com' })).toMatchObject({ HEARTH_WEB_PORT: 8787, HEARTH_WEB_URL: 'https://hearth.example.com' });
    expect(() => parseEnv({ HEARTH_WEB_PORT: 'eighty' })).toThrow(/HEARTH_WEB_PORT/);
    expect(() => parseEnv({ HEARTH_WEB_URL: 'ftp://x' })).toThrow(/HEARTH_WEB_URL/);
  });

  it('given no dashboard address, then /dashboard says the dashboard is off', async () => {
    const { harness } = await import('../helpers/harness.ts');
    h = await harness();
    expect(await h.say('mod', '/dashboard', { chat: null, lang: 'en' })).toEqual(['The web dashboard is not switched on (HEARTH_WEB_PORT).']);
  });
});

describe('downloading /mydata by link', () => {
  const post = (web: Awaited<ReturnType<typeof dashboardHarness>>['web'], token: string) =>
    web.request('/mydata', { method: 'POST', body: new URLSearchParams({ token }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  const tokenIn = (lines: readonly string[]) => /\/mydata\?token=([A-Za-z0-9_-]+)/.exec(lines.join('\n'))?.[1];

  it('given a platform without files and the dashboard running, when a member sends /mydata, then a one-time link downloads their JSON as an attachment once, without a session; a replay, a forged and an expired link are refused', async () => {
    const { h: hh, web } = await dashboardHarness();
    h = hh;
    await h.say('u1', '/checkin', { name: 'Una', lang: 'en' });
    const answer = await h.say('u1', '/mydata', { chat: null, lang: 'en' });
    expect(answer.join('\n')).toMatch(/works once, for 10 minutes\): http:\/\/127\.0\.0\.1:8787\/mydata\?token=/);
    expect(answer.join('\n')).not.toContain('"sections"');
    const token = tokenIn(answer)!;

    const preview = await web.request(`/mydata?token=${token}`, { headers: { 'Accept-Language': 'en' } });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('Download');

    const res = await post(web, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="hearth-mydata-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = JSON.parse(await res.text()) as { member: number; sections: { members: { identities: { userId: string }[] } } };
    expect(data.member).toBe(h.app.services.members.findByIdentity({ platform: 'local', userId: 'u1' }));
    expect(data.sections.members.identities.map((i) => i.userId)).toEqual(['u1']);

    expect((await post(web, token)).status).toBe(410);
    expect((await post(web, `A${token.slice(1)}`)).status).toBe(410);
    const late = tokenIn(await h.say('u1', '/mydata', { chat: null, lang: 'en' }))!;
    h.clock.advance(10 * 60_000 + 1);
    expect((await post(web, late)).status).toBe(410);
    // A download link is no sign-in link.
    expect((await new Client(web).signIn(`http://127.0.0.1:8787/login?token=${late}`)).status).toBe(401);
    expect(h.app.exportState().audit.filter((a) => (a as { action: string }).action === 'mydata.download')).toHaveLength(1);
  });
});
