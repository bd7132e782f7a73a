import type { Hono } from 'hono';
import { renderPlain } from '../../src/core/outbound.ts';
import { createDashboard } from '../../src/web/server.ts';
import { harness, type Harness } from '../helpers/harness.ts';

export const BASE = 'http://127.0.0.1:8787';

/** A bot with its dashboard, on an in-memory database; requests go straight to the app (no socket). */
export async function dashboardHarness(): Promise<{ h: Harness; web: Hono<any> }> {
  const h = await harness({ dashboard: { baseUrl: BASE } });
  return { h, web: createDashboard({ app: h.app, baseUrl: BASE }) };
}

/** The sign-in link in what `/dashboard` answered. */
export function linkIn(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const m = /(http:\/\/\S+\/login\?token=[A-Za-z0-9_-]+)/.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

/** One person's browser against the app: keeps the session cookie, reads forms' hidden fields. */
export class Client {
  cookie: string | undefined;
  constructor(private readonly web: Hono<any>) {}

  async get(path: string): Promise<Response> {
    return this.web.request(path, { headers: this.headers() });
  }

  async post(path: string, fields: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await this.web.request(path, { method: 'POST', body, headers: { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded' } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = /hearth_session=([^;]*)/.exec(set)?.[1] || undefined;
    return res;
  }

  /** A multipart form (a file upload), as a browser sends one. */
  async upload(path: string, fields: Record<string, string>, file: { field: string; name: string; text: string }): Promise<Response> {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    body.append(file.field, new File([file.text], file.name, { type: 'text/csv' }));
    return this.web.request(path, { method: 'POST', body, headers: this.headers() });
  }

  /** Opens a sign-in link and presses the button, as a person would. */
  async signIn(link: string): Promise<Response> {
    const token = new URL(link).searchParams.get('token')!;
    return this.post('/login', { token });
  }

  /** The CSRF token and a fresh form key from a page the client can see. */
  async formOf(path: string): Promise<{ csrf: string; key: string }> {
    const page = await (await this.get(path)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const key = /name="key" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf || !key) throw new Error(`no form on ${path}`);
    return { csrf, key };
  }

  private headers(): Record<string, string> {
    return this.cookie ? { Cookie: `hearth_session=${this.cookie}` } : {};
  }
}

/** Signs `user` in: `/dashboard` in a DM, then the link. */
export async function signedIn(h: Harness, web: Hono<any>, user: string): Promise<Client> {
  const link = linkIn(await h.say(user, '/dashboard', { chat: null, lang: 'en' }));
  if (!link) throw new Error(`${user} got no link`);
  const c = new Client(web);
  const res = await c.signIn(link);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return c;
}

export const plain = renderPlain;
