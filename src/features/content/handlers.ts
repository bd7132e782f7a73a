import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import { joinLines, type Body } from '../../core/outbound.ts';
import { ConfigError } from '../../config/load.ts';
import type { GroupService } from '../groups/index.ts';
import type { Post } from './pack.ts';
import type { ContentService } from './service.ts';

export interface ContentCommandDeps {
  readonly content: ContentService;
  readonly groups: GroupService;
}

const hourMinute = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-03 08:00` in a time zone. */
function localTime(at: Date, timeZone: string): string {
  let f = hourMinute.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    hourMinute.set(timeZone, f);
  }
  return `${localDay(at, timeZone)} ${f.format(at)}`;
}

/** `/posts`, `/post preview|send|pause|resume <id>` and `/reload`: operators run the content calendar. */
export function contentCommands({ content, groups }: ContentCommandDeps): CommandSpec[] {
  const find = (id: string): Post => {
    const post = content.pack.byId.get(id);
    if (!post) throw new UserError('content.unknown_post', { post: id, posts: content.pack.posts.map((p) => p.id).join(', ') || '-' });
    return post;
  };
  return [
    defineCommand({
      name: 'posts',
      feature: 'content',
      args: [],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const { posts } = content.pack;
        if (posts.length === 0) {
          ctx.reply(ctx.t('content.list_empty'));
          return;
        }
        const lines: Body[] = [ctx.t('content.list_title')];
        for (const post of posts) {
          const state = !post.enabled ? 'content.state_disabled' : content.isPaused(post.id) ? 'content.state_paused' : 'content.state_on';
          lines.push(ctx.t('content.list_post', { post: post.id, title: post.title, schedule: post.schedule, state: ctx.t(state) }));
          const targets = content.targets(post);
          if (targets.length === 0) lines.push(ctx.t('content.list_no_groups'));
          for (const g of targets) {
            const zone = content.zoneOf(post, g);
            const next = post.enabled ? content.nextRun(post, g, ctx.now) : undefined;
            lines.push(ctx.t('content.list_group', { group: g.title ?? g.chatKey, next: next ? `${localTime(next, zone)} ${zone}` : '-' }));
          }
        }
        ctx.reply(joinLines(lines));
      },
    }),
    defineCommand({
      name: 'post',
      feature: 'content',
      args: [arg.choice('action', ['preview', 'send', 'pause', 'resume'] as const), arg.word('post')],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const post = find(ctx.args.post);
        switch (ctx.args.action) {
          case 'preview': {
            const group = ctx.chat.kind === 'group' ? groups.get(chatKey(ctx.chat.ref)) : undefined;
            const locale = group ? content.localeOf(group) : ctx.actor.locale;
            const body = joinLines([ctx.t('content.preview_title', { post: post.id, group: group?.title ?? group?.chatKey ?? '-' }), content.render(post, group, ctx.now, locale)]);
            // Only the operator sees a preview: in a group it goes by DM, with no group fallback.
            if (ctx.chat.kind === 'group') ctx.dm(ctx.actor.user, body);
            else ctx.reply(body);
            return;
          }
          case 'send': {
            const outs = content.sendNow(post, ctx.actor.memberId, ctx.now);
            for (const out of outs) ctx.emit(out);
            ctx.reply(ctx.t('content.sent', { post: post.id, count: outs.length }));
            return;
          }
          case 'pause':
          case 'resume': {
            content.setPaused(post.id, ctx.args.action === 'pause', ctx.actor.memberId, ctx.now);
            ctx.reply(ctx.t(ctx.args.action === 'pause' ? 'content.paused' : 'content.resumed', { post: post.id }));
            return;
          }
        }
      },
    }),
    defineCommand({
      name: 'reload',
      feature: 'content',
      args: [],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        try {
          const pack = content.reload(ctx.actor.memberId, ctx.now);
          ctx.reply(ctx.t('content.reloaded', { count: pack.posts.length }));
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          ctx.reply(ctx.t('content.reload_failed', { error: err.message }));
        }
      },
    }),
  ];
}
