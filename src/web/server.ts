import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { serve, type ServerType } from '@hono/node-server';
import type { App } from '../app.ts';
import type { ChatContext } from '../core/command.ts';
import { parseLocaleTag, type Locale } from '../core/i18n.ts';
import type { Logger } from '../core/logger.ts';
import type { Body } from '../core/outbound.ts';
import { bodyHtml, html, plainPage, type Html, type Viewer } from './view.ts';
import { overviewPage } from './pages/overview.ts';
import { reviewPage, reviewActions } from './pages/review.ts';
import { memberPage, membersPage, memberActions } from './pages/members.ts';
import { rewardActions, rewardsPage } from './pages/rewards.ts';
import { contentActions, contentPage } from './pages/content.ts';
import { auditPage } from './pages/audit.ts';
import { retentionPage } from './pages/retention.ts';

const COOKIE = 'hearth_session';

/** What one form submission asked for: the fields, as strings (files aside). */
export type Form = Record<string, string | File | (string | File)[]>;

/** What a page module gets: the bot, and how to run a command of the table as the viewer. */
export interface WebContext {
  readonly app: App;
  /** Runs `/command args` as the viewer under the form's key; returns what the bot answered them. */
  run(v: Viewer, command: string, args: string, key: string): Promise<{ ok: boolean; answers: readonly Body[] }>;
}

export interface DashboardOptions {
  readonly app: App;
  /** The public address (`https://…`): cookies are marked Secure when it is HTTPS. */
  readonly baseUrl: string;
}

type Env = { Variables: { viewer: Viewer; session: string } };

const require = createRequire(import.meta.url);
const ASSETS: Record<string, { type: string; path: string }> = {
  'dashboard.css': { type: 'text/css; charset=utf-8', path: new URL('./assets/dashboard.css', import.meta.url).pathname },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', path: new URL('./assets/dashboard.js', import.meta.url).pathname },
  'retention.js': { type: 'text/javascript; charset=utf-8', path: new URL('./assets/retention.js', import.meta.url).pathname },
  // ECharts is served from node_modules: the dashboard needs no CDN and works offline.
  'echarts.min.js': { type: 'text/javascript; charset=utf-8', path: require.resolve('echarts/dist/echarts.min.js') },
};

/** A small flame, so browsers asking for an icon get one instead of a 404. */
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#c2410c" d="M8 1c1 3 4 4 4 8a4 4 0 0 1-8 0c0-2 1-3 2-4 0 2 1 3 2 3-1-2 0-5 0-7z"/></svg>';

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Back to the page the form was on (its query kept: the queue's page), if it was `path`. */
function backTo(c: Context, path: string): string {
  const from = c.req.header('referer');
  if (!from) return path;
  try {
    const u = new URL(from);
    return u.pathname === path ? `${path}${u.search}` : path;
  } catch {
    return path;
  }
}

/** The key of a form: what the browser sent, if it looks like one we made. */
function actionKey(form: Form): string | undefined {
  const k = form['key'];
  return typeof k === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(k) ? k : undefined;
}

/**
 * The web dashboard for moderators, operators and the growth team, served by the bot process over
 * its database and services. Sign-in is a one-time link from `/dashboard` in chat; the session is
 * an HttpOnly, SameSite=Strict cookie; every form carries the session's CSRF token; every page and
 * action asks the command table whether the member's role (read again on every request) may run
 * the command behind it; actions run that command through the dispatcher, so the ledger, audit and
 * outbox rows are the chat command's.
 */
export function createDashboard(options: DashboardOptions): Hono<Env> {
  const { app } = options;
  const { dashboard, members, memberData } = app.services;
  const secure = options.baseUrl.startsWith('https:');
  const timeZone = app.content.community.community.timezone;
  const communityLocale = app.content.community.community.locale;
  const flashes = new Map<string, Html[]>();
  const web = new Hono<Env>();
  const tr = app.translator;
  const text = (locale: Locale, key: string, params?: Parameters<typeof tr.text>[2]) => tr.text(locale, `web.${key}`, params);

  const ctx: WebContext = {
    app,
    async run(v, command, args, key) {
      const chat: ChatContext = { ref: { platform: v.actor.user.platform, chatId: v.actor.user.userId }, kind: 'direct', tier: v.actor.tier, timeZone };
      const r = await app.dispatcher.runAs({ actor: v.actor, chat, command, args, key: `dashboard:${key}`, at: app.clock.now() });
      if (r.outcome === 'duplicate') return { ok: true, answers: [tr.t(v.locale, 'web.already_done')] };
      return { ok: r.outcome === 'handled', answers: r.answers };
    },
  };

  const flash = (v: Viewer, items: readonly Html[]) => {
    if (flashes.size > 1000) flashes.clear();
    flashes.set(v.csrf, [...(flashes.get(v.csrf) ?? []), ...items]);
  };
  const takeFlash = (v: Viewer): Html[] => {
    const f = flashes.get(v.csrf) ?? [];
    flashes.delete(v.csrf);
    return f;
  };

  web.use('*', async (c, next) => {
    await next();
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
  });

  web.get('/favicon.ico', (c) => c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }));

  web.get('/assets/:file', (c) => {
    const asset = ASSETS[c.req.param('file')];
    if (!asset) return c.notFound();
    return c.body(readFileSync(asset.path), 200, { 'Content-Type': asset.type, 'Cache-Control': 'private, max-age=3600' });
  });

  // A link's GET only shows a button: chat apps fetch links for previews, and a GET that signed in
  // would spend the one-time token before the person clicks.
  /** A signed-out visitor's language: their browser's first one we have, else the community's. */
  const visitorLocale = (c: Context): Locale => {
    for (const tag of (c.req.header('accept-language') ?? '').split(',')) {
      const l = parseLocaleTag(tag.split(';')[0]!.trim());
      if (l) return l;
    }
    return communityLocale;
  };

  /**
   * The GET of a one-time link (`/login`, `/mydata`): only a button that POSTs the token back, so
   * a chat app fetching the link for a preview does not spend it. Texts are `web.<texts>.*`.
   */
  const tokenButtonPage = (path: string, texts: string) => (c: Context) => {
    const token = c.req.query('token') ?? '';
    const locale = visitorLocale(c);
    if (token === '') return c.html(plainPage(locale, text(locale, `${texts}.title`), html`<p>${text(locale, `${texts}.how`)}</p>`), 200);
    return c.html(
      plainPage(
        locale,
        text(locale, `${texts}.title`),
        html`<form method="post" action="${path}"><input type="hidden" name="token" value="${token}"><p>${text(locale, `${texts}.confirm`)}</p><button class="primary" type="submit">${text(locale, `${texts}.button`)}</button></form>`,
      ),
    );
  };

  web.get('/login', tokenButtonPage('/login', 'signin'));

  web.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'] : '';
    const now = app.clock.now();
    const signed = token === '' ? undefined : dashboard.signIn(token, now);
    const actor = signed && members.actorFor(signed.session.memberId);
    if (!signed || !actor) {
      const locale = visitorLocale(c);
      return c.html(plainPage(locale, text(locale, 'signin.title'), html`<p class="flash error">${text(locale, 'signin.bad_link')}</p><p>${text(locale, 'signin.how')}</p>`), 401);
    }
    setCookie(c, COOKIE, signed.cookie, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge: Math.floor(dashboard.sessionMs / 1000) });
    return c.redirect('/', 303);
  });

  // A member's own data (`/mydata` where the platform cannot send files): the token alone opens it,
  // once and before it expires, with no session. The GET only shows a button, like sign-in.
  web.get('/mydata', tokenButtonPage('/mydata', 'mydata'));

  web.post('/mydata', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'] : '';
    const now = app.clock.now();
    const memberId = token === '' ? undefined : dashboard.takeDownload(token, now);
    if (memberId === undefined) {
      const locale = visitorLocale(c);
      return c.html(plainPage(locale, text(locale, 'mydata.title'), html`<p class="flash error">${text(locale, 'mydata.bad_link')}</p><p>${text(locale, 'mydata.how')}</p>`), 410);
    }
    const data = memberData.exportMember(memberId, now);
    return c.body(JSON.stringify(data, null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="hearth-mydata-${now.toISOString().slice(0, 10)}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  // Everything below needs a live session, a member who still exists, and — for POSTs — the
  // session's CSRF token.
  web.use('*', async (c, next) => {
    const cookie = getCookie(c, COOKIE);
    const now = app.clock.now();
    const session = cookie ? dashboard.session(cookie, now) : undefined;
    const actor = session && members.actorFor(session.memberId);
    if (!cookie || !session || !actor) {
      if (cookie) deleteCookie(c, COOKIE, { path: '/' });
      if (c.req.method !== 'GET') return c.text(text(visitorLocale(c), 'signin.expired'), 401);
      return c.redirect('/login', 303);
    }
    const viewer: Viewer = {
      actor,
      locale: actor.locale,
      csrf: session.csrf,
      now,
      timeZone,
      t: (key, params) => text(actor.locale, key, params),
      msg: (key, params) => tr.text(actor.locale, key, params),
      can: (command) => app.dispatcher.permits(actor.role, command),
    };
    if (c.req.method === 'POST') {
      const form = (await c.req.parseBody({ all: true })) as Form;
      const sent = form['csrf'];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrf)) return c.text(viewer.t('csrf'), 403);
      c.set('form' as never, form as never);
    }
    c.set('viewer', viewer);
    c.set('session', cookie);
    await next();
  });

  const viewerOf = (c: Context<Env>) => c.get('viewer');
  const formOf = (c: Context<Env>) => c.get('form' as never) as Form;
  const forbidden = (c: Context<Env>) => {
    const v = viewerOf(c);
    return c.html(plainPage(v.locale, v.t('forbidden.title'), html`<p>${v.t('forbidden.text', { role: v.msg(`role.${v.actor.role}`) })}</p><p><a href="/">${v.t('nav.overview')}</a></p>`), 403);
  };
  /** A page for those whose role may run `command`, else 403. */
  const page = (command: string, render: (c: Context<Env>, v: Viewer, flash: Html[]) => Html | undefined) => (c: Context<Env>) => {
    const v = viewerOf(c);
    if (!v.can(command)) return forbidden(c);
    const out = render(c, v, takeFlash(v));
    return out === undefined ? c.text('404', 404) : c.html(out);
  };
  /** A form's handler: the same role rule, then back to `back` with what the bot answered. */
  const action = (command: string, back: (c: Context<Env>) => string, handle: (v: Viewer, form: Form, key: string, c: Context<Env>) => Promise<readonly { ok: boolean; answers: readonly Body[] }[]>) => async (c: Context<Env>) => {
    const v = viewerOf(c);
    if (!v.can(command)) return forbidden(c);
    const form = formOf(c);
    const key = actionKey(form);
    if (!key) return c.text(v.t('bad_form'), 400);
    const results = await handle(v, form, key, c);
    flash(v, results.flatMap((r) => r.answers.map((a) => bodyHtml(a))));
    return c.redirect(back(c), 303);
  };

  web.post('/logout', (c) => {
    dashboard.signOut(c.get('session'), app.clock.now());
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  web.get('/', page('dashboard', (_c, v, f) => overviewPage(ctx, v, f)));
  // The retention figures are the report's: the same role as `/report`.
  web.get('/retention', (c) => {
    const v = viewerOf(c);
    if (!v.can('report')) return forbidden(c);
    const q = (name: string) => (c.req.query(name) ?? '').slice(0, 100);
    const out = retentionPage(ctx, v, takeFlash(v), { from: q('from'), to: q('to'), cohort: q('cohort'), by: q('by'), segment: q('segment') });
    return c.html(out.page, out.status);
  });
  web.get('/review', page('flags', (c, v, f) => reviewPage(ctx, v, f, Number(c.req.query('page') ?? '1') || 1)));
  for (const [path, command, handle] of reviewActions) web.post(path, action(command, (c) => backTo(c, '/review'), (v, form, key) => handle(ctx, v, form, key)));
  web.get('/members', page('dashboard', (c, v, f) => membersPage(ctx, v, f, c.req.query('q') ?? '', Number(c.req.query('offset') ?? '0') || 0)));
  web.get('/members/:id', page('dashboard', (c, v, f) => memberPage(ctx, v, f, Number(c.req.param('id')), c.req.query('before') ? Number(c.req.query('before')) : undefined)));
  for (const [path, command, handle] of memberActions) web.post(path, action(command, (c) => `/members/${Number(c.req.param('id'))}`, (v, form, key, c) => handle(ctx, v, form, key, Number(c.req.param('id')))));

  web.get('/rewards', page('stock', (_c, v, f) => rewardsPage(ctx, v, f)));
  for (const [path, command, handle] of rewardActions) web.post(path, action(command, () => '/rewards', (v, form, key) => handle(ctx, v, form, key)));
  web.get('/content', page('posts', (_c, v, f) => contentPage(ctx, v, f)));
  for (const [path, command, handle] of contentActions) web.post(path, action(command, () => '/content', (v, form, key) => handle(ctx, v, form, key)));
  web.get(
    '/audit',
    page('audit', (c, v, f) => {
      const q = (name: string) => (c.req.query(name) ?? '').slice(0, 100);
      const before = Number(c.req.query('before'));
      return auditPage(ctx, v, f, { actor: q('actor'), action: q('action'), from: q('from'), to: q('to'), before: Number.isInteger(before) && before > 0 ? before : undefined });
    }),
  );

  web.notFound((c) => c.text('404', 404));
  return web;
}

/** Starts the dashboard on `host:port` (127.0.0.1 by default); resolves once it listens. */
export async function serveDashboard(options: DashboardOptions & { port: number; host: string; logger: Logger }): Promise<{ url: string; close(): Promise<void> }> {
  const web = createDashboard(options);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: web.fetch, port: options.port, hostname: options.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  options.logger.info({ url, public: options.baseUrl }, 'dashboard listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
