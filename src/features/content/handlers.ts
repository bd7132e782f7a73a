import { arg, defineCommand, type CommandSpec } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { chatKey } from '../../core/ids.ts';
import { joinLines, type Body } from '../../core/outbound.ts';
import { ConfigError } from '../../config/load.ts';
import type { GroupService } from '../groups/index.ts';
import type { Post } from './pack.ts';
import type { ContentService, PostPlan } from './service.ts';

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

/** How many group lines one page of `/posts` holds. */
export const POSTS_PAGE_GROUPS = 25;

/** One page of `/posts`: posts with the slice of their groups that falls on it. */
type CalendarPage = { plan: PostPlan; groups: PostPlan['groups'] }[];

/**
 * Splits the calendar into pages of at most `POSTS_PAGE_GROUPS` group lines; a post whose groups
 * run over a page boundary is named again on the next page. A post without groups takes a line.
 */
function calendarPages(plans: readonly PostPlan[]): CalendarPage[] {
  const pages: CalendarPage[] = [[]];
  let room = POSTS_PAGE_GROUPS;
  for (const plan of plans) {
    let rest = plan.groups;
    do {
      if (room === 0) {
        pages.push([]);
        room = POSTS_PAGE_GROUPS;
      }
      const take = rest.length === 0 ? 0 : Math.min(room, rest.length);
      pages.at(-1)!.push({ plan, groups: rest.slice(0, take) });
      room -= Math.max(1, take);
      rest = rest.slice(take);
    } while (rest.length > 0);
  }
  return pages;
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
      args: [arg.optional(arg.int('page', 1, 1_000_000, '2'))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const plans = content.calendar(ctx.now);
        if (plans.length === 0) {
          ctx.reply(ctx.t('content.list_empty'));
          return;
        }
        const pages = calendarPages(plans);
        const page = ctx.args.page ?? 1;
        if (page > pages.length) throw new UserError('content.no_page', { page, pages: pages.length });
        const lines: Body[] = [ctx.t('content.list_title', { page, pages: pages.length })];
        for (const { plan, groups } of pages[page - 1]!) {
          lines.push(ctx.t('content.list_post', { post: plan.post.id, title: plan.post.title, schedule: plan.post.schedule, state: ctx.t(`content.state_${plan.state}`) }));
          if (plan.groups.length === 0) lines.push(ctx.t('content.list_no_groups'));
          for (const { group, zone, next } of groups) {
            lines.push(ctx.t('content.list_group', { group: group.title ?? group.chatKey, next: next ? `${localTime(next, zone)} ${zone}` : '-' }));
          }
        }
        if (page < pages.length) lines.push(ctx.t('content.list_more', { next: page + 1 }));
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
