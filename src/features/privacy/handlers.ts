import { arg, defineCommand, type CommandContext, type CommandSpec } from '../../core/command.ts';
import { userKey, type UserRef } from '../../core/ids.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { seg } from '../../core/outbound.ts';
import { tagOutbound } from '../../core/outbox.ts';
import type { MemberExport } from '../members/index.ts';
import type { PrivacyService } from './service.ts';

type Section = Record<string, unknown>;
const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** The readable half of `/mydata`: counts and the essentials, in the member's language. */
export function exportSummary(ctx: Pick<CommandContext<unknown>, 't'>, data: MemberExport): Body {
  const s = data.sections as Record<string, Section | unknown[] | undefined>;
  const members = (s.members ?? {}) as Section;
  const points = (s.points ?? {}) as Section;
  const identities = ((members.identities ?? []) as (UserRef & { name: string })[]).map((i) => `${userKey(i)} (${i.name})`).join(', ');
  const profile = (members.profile ?? {}) as { tier?: string };
  const birthday = (((s.journey ?? {}) as Section).birthday ?? null) as { monthDay?: string } | null;
  const flags = (Array.isArray(s.quiet) ? s.quiet : []) as { recalledAt?: string | null }[];
  return ctx.t('mydata.summary', {
    tier: profile.tier ?? '',
    birthday: birthday?.monthDay ?? '–',
    recalls: flags.filter((f) => f.recalledAt).length,
    identities,
    balance: Number(points.balance ?? 0),
    lifetime: Number(points.lifetime ?? 0),
    entries: count(points.ledger),
    checkins: count(s.checkin),
    redemptions: count(s.shop),
    flags: count(s.quiet),
    tickets: count(((s.feedback ?? {}) as Section).tickets),
    purchases: count(s.purchases),
  });
}

/**
 * Answers the member privately with a message that must not stay in the outbox once delivered (its
 * address names them; an export holds all their data).
 */
function answerOnce(ctx: CommandContext<unknown>, body: Body): void {
  const out: Outbound =
    ctx.messageId !== undefined ? { type: 'reply', chat: ctx.chat.ref, replyTo: ctx.messageId, body } : { type: 'dm', user: ctx.actor.user, name: ctx.actor.name, body };
  ctx.emit(tagOutbound(out, { forgetOnceSent: true }));
}

/** Hands out one-time download links for a member's own data: the dashboard's, when it runs. */
export interface DownloadLinks {
  issueDownload(memberId: number, at: Date): { url: string; minutes: number } | undefined;
}

/**
 * `/mydata` (a copy of what Hearth holds about you) and `/forget` (erase it), in a direct chat.
 * Where the platform cannot send files, the copy is a one-time download link when the dashboard
 * runs; else the member is told so and gets the copy as text after the summary.
 */
export function privacyCommands(privacy: PrivacyService, downloads: DownloadLinks): CommandSpec[] {
  return [
    defineCommand({
      name: 'mydata',
      aliases: ['我的数据'],
      feature: 'privacy',
      args: [],
      role: 'member',
      where: 'direct',
      private: true,
      inMenu: true,
      cooldownSec: 60,
      handler: (ctx) => {
        const data = privacy.exportFor(ctx.actor.memberId, ctx.now);
        const day = ctx.now.toISOString().slice(0, 10);
        const file = seg.textFile(`hearth-mydata-${day}.json`, 'application/json', JSON.stringify(data, null, 2));
        if (ctx.surface.capabilities.has('files')) {
          answerOnce(ctx, [...exportSummary(ctx, data), seg.br(), ...ctx.t('mydata.file'), file]);
          return;
        }
        const link = downloads.issueDownload(ctx.actor.memberId, ctx.now);
        if (link) answerOnce(ctx, [...exportSummary(ctx, data), seg.br(), ...ctx.t('mydata.link', { link: link.url, minutes: link.minutes })]);
        else answerOnce(ctx, [...exportSummary(ctx, data), seg.br(), ...ctx.t('mydata.no_dashboard'), file]);
      },
    }),
    defineCommand({
      name: 'forget',
      aliases: ['删除我的数据'],
      feature: 'privacy',
      args: [arg.optional(arg.word('code', '123456'))],
      role: 'member',
      where: 'direct',
      private: true,
      handler: (ctx) => {
        if (ctx.args.code === undefined) {
          const { code, minutes } = privacy.requestErasure(ctx.actor.memberId, ctx.now);
          ctx.reply(ctx.t('forget.confirm', { code, minutes }));
          return;
        }
        const result = privacy.confirmErasure(ctx.actor.memberId, ctx.args.code, ctx.now);
        if (result.kind === 'erased') answerOnce(ctx, ctx.t('forget.done'));
        else ctx.reply(ctx.t(result.kind === 'wrong' ? 'forget.wrong' : 'forget.none'));
      },
    }),
  ];
}
