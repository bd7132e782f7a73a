import { randomBytes } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Actor } from '../core/command.ts';
import { localDateTime } from '../core/clock.ts';
import type { Locale, MessageParams } from '../core/i18n.ts';
import type { Body } from '../core/outbound.ts';

/** What a page renders to: hono's escaped HTML (sync or not). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The signed-in staff member a request is for, and what the page needs to speak to them. */
export interface Viewer {
  readonly actor: Actor;
  readonly locale: Locale;
  readonly csrf: string;
  readonly now: Date;
  readonly timeZone: string;
  /** The dashboard's text `web.<key>` in the viewer's language. */
  t(key: string, params?: MessageParams): string;
  /** Any message of the catalogues (`role.moderator`, `shop.reason.award`) in the viewer's language. */
  msg(key: string, params?: MessageParams): string;
  /** Whether the command table lets the viewer run `command` (pages and forms ask before showing). */
  can(command: string): boolean;
}

/** A one-time key for a form: the action's idempotency key, so a form sent twice acts once. */
export function formKey(): string {
  return randomBytes(16).toString('base64url');
}

/** The hidden fields every form carries: the session's CSRF token and the form's one-time key. */
export function formFields(v: Viewer): Html {
  return html`<input type="hidden" name="csrf" value="${v.csrf}"><input type="hidden" name="key" value="${formKey()}">`;
}

export function when(v: Viewer, ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : localDateTime(new Date(ms), v.timeZone);
}

/** A bot message (segments) as HTML: what the handler answered the staff member. */
export function bodyHtml(body: Body): Html {
  const parts = body.map((s) => {
    switch (s.type) {
      case 'text':
        return html`${s.text}`;
      case 'bold':
        return html`<strong>${s.text}</strong>`;
      case 'mention':
        return html`@${s.name}`;
      case 'link':
        return /^https?:\/\//i.test(s.url) ? html`<a href="${s.url}" rel="noreferrer">${s.text ?? s.url}</a>` : html`${s.text ?? s.url}`;
      case 'br':
        return html`<br>`;
      case 'image':
        return html`[${s.alt}]`;
      case 'action':
        return html``;
    }
  });
  return html`${parts}`;
}

/** The links of the navigation, each shown only where the viewer's role allows its command. */
const NAV: readonly { path: string; key: string; command: string }[] = [
  { path: '/', key: 'nav.overview', command: 'dashboard' },
  { path: '/retention', key: 'nav.retention', command: 'report' },
  { path: '/review', key: 'nav.review', command: 'flags' },
  { path: '/members', key: 'nav.members', command: 'dashboard' },
  { path: '/rewards', key: 'nav.rewards', command: 'stock' },
  { path: '/content', key: 'nav.content', command: 'posts' },
  { path: '/audit', key: 'nav.audit', command: 'audit' },
];

/** The page around every view: navigation, who is signed in, sign-out, flash messages. */
export function layout(v: Viewer, title: string, current: string, content: Html, flash: readonly Html[] = [], scripts: readonly string[] = []): Html {
  const nav = NAV.filter((n) => v.can(n.command)).map(
    (n) => html`<a href="${n.path}" class="${n.path === current ? 'current' : ''}">${v.t(n.key)}</a>`,
  );
  return html`<!doctype html>
<html lang="${v.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hearth</title>
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header>
  <strong class="brand">Hearth</strong>
  <nav>${nav}</nav>
  <form method="post" action="/logout" class="signout">${formFields(v)}<span>${v.actor.name} · ${v.msg(`role.${v.actor.role}`)}</span> <button type="submit">${v.t('signout')}</button></form>
</header>
<main>
<h1>${title}</h1>
${flash.length > 0 ? html`<div class="flash" role="status">${flash.map((f) => html`<p>${f}</p>`)}</div>` : ''}
${content}
</main>
${scripts.map((s) => html`<script src="${s}"></script>`)}
<script src="/assets/dashboard.js"></script>
</body>
</html>`;
}

/** A bare page for signed-out visitors (sign-in, errors). */
export function plainPage(locale: Locale, title: string, content: Html): Html {
  return html`<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Hearth</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body><main class="narrow"><h1>${title}</h1>${content}</main></body>
</html>`;
}

/** "Newer / older" links for a page of rows. */
export function pager(v: Viewer, prev: string | undefined, next: string | undefined): Html {
  if (!prev && !next) return html``;
  return html`<nav class="pager">${prev ? html`<a href="${prev}" rel="prev">${v.t('prev')}</a>` : ''} ${next ? html`<a href="${next}" rel="next">${v.t('next')}</a>` : ''}</nav>`;
}

/** A figure tile of the overview. */
export function tile(label: string, value: string | number, note?: Html | string, state?: 'ok' | 'warn'): Html {
  return html`<div class="tile ${state ?? ''}"><div class="label">${label}</div><div class="value">${value}</div>${note ? html`<div class="note">${note}</div>` : ''}</div>`;
}

/** A configured name in the viewer's language (config names are a string or one per locale). */
export function localName(name: string | Readonly<Record<Locale, string>> | undefined, locale: Locale): string | undefined {
  return name === undefined ? undefined : typeof name === 'string' ? name : name[locale];
}

export { html, raw };
