import type { Body } from '../../core/outbound.ts';
import type { Form, WebContext } from '../server.ts';
import { formFields, html, layout, when, type Html, type Viewer } from '../view.ts';

/** Scheduled posts: schedule, state, next run per target group; pause, resume, preview. */
export function contentPage({ app }: WebContext, v: Viewer, flash: Html[]): Html {
  const { content } = app.services;
  const posts = content.calendar(v.now).map(({ post, state, groups: targets }) => {
    const paused = state === 'paused';
    const next = targets.map(({ group: g, next: at }) => html`<li>${g.title ?? g.chatKey}: ${at ? `${when(v, at.getTime())}` : '—'}</li>`);
    return html`<tr data-post="${post.id}"><td><code>${post.id}</code></td><td>${post.title}</td><td><code>${post.schedule}</code></td><td data-state>${v.t(`content.state.${state}`)}</td>
<td>${targets.length === 0 ? html`<span class="muted">${v.t('content.no_groups')}</span>` : html`<ul>${next}</ul>`}</td>
<td><form method="post" action="/content" class="bar">${formFields(v)}<input type="hidden" name="post" value="${post.id}">
<button name="action" value="preview">${v.t('content.preview')}</button>
${paused ? html`<button name="action" value="resume" class="primary">${v.t('content.resume')}</button>` : html`<button name="action" value="pause" class="danger">${v.t('content.pause')}</button>`}</form></td></tr>`;
  });
  const body = html`<table><thead><tr><th>ID</th><th>${v.t('content.title')}</th><th>${v.t('content.schedule')}</th><th>${v.t('rewards.state')}</th><th>${v.t('content.next')}</th><th></th></tr></thead>
<tbody>${posts.length > 0 ? posts : html`<tr><td colspan="6" class="muted">${v.t('content.none')}</td></tr>`}</tbody></table>`;
  return layout(v, v.t('nav.content'), '/content', body, flash);
}

type Handler = (ctx: WebContext, v: Viewer, form: Form, key: string) => Promise<{ ok: boolean; answers: readonly Body[] }[]>;

/** `/post preview|pause|resume <id>`: the preview is the command's answer, shown on the page. */
const postAction: Handler = async (ctx, v, form, key) => {
  const action = typeof form['action'] === 'string' ? form['action'] : '';
  const post = typeof form['post'] === 'string' ? form['post'] : '';
  if (!['preview', 'pause', 'resume'].includes(action) || post === '') return [{ ok: false, answers: [ctx.app.translator.t(v.locale, 'web.bad_form')] }];
  return [await ctx.run(v, 'post', `${action} ${post}`, key)];
};

export const contentActions: readonly (readonly [string, string, Handler])[] = [['/content', 'post', postAction]];
