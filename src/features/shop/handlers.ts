import { arg, defineCommand, type CommandSpec, type Responder } from '../../core/command.ts';
import { localDateTime, localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { atLeast } from '../../core/roles.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { chatKey, parseChatKey } from '../../core/ids.ts';
import type { Body } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import type { AuditService } from '../audit/index.ts';
import type { MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { RedemptionRow, ShopService } from './service.ts';

export interface ShopCommandDeps {
  readonly shop: ShopService;
  readonly points: PointsService;
  readonly members: MembersService;
  readonly audit: AuditService;
  readonly translator: Translator;
  /** The staff chat (`platform:chat-id`) low-stock alerts go to, if configured. */
  readonly staffChat: string | undefined;
  /** The language staff alerts are written in (the community's). */
  readonly staffLocale: Locale;
}

const STOCK_CHANGE = /^([+-]?)(\d{1,6})$/;

function localised(value: string | { 'zh-CN': string; en: string }, locale: 'zh-CN' | 'en'): string {
  return typeof value === 'string' ? value : value[locale];
}

/** The shop's member commands (`/shop`, `/redeem`, `/history`, `/codes`) and staff commands. */
export function shopCommands({ shop, points, members, audit, translator, staffChat, staffLocale }: ShopCommandDeps): CommandSpec[] {
  /** Confirms a moderator's decision to them, and tells the member by DM in the member's own language. */
  const decided = (ctx: Responder, row: RedemptionRow, key: string, extra: Record<string, string | number>): void => {
    const params = { id: row.id, name: row.name, sku: row.sku, ...extra };
    ctx.reply(ctx.t(key, params));
    const target = members.target(row.memberId);
    const member = members.get(row.memberId);
    if (target && member) ctx.dm(target.user, translator.t(members.localeOf(member), `${key}_dm`, params), { name: target.name });
  };
  /** A titled list, or the empty message when there is nothing to list. */
  const list = (ctx: Responder, title: Body, emptyKey: string, rows: readonly Body[]): void => {
    ctx.reply(rows.length === 0 ? ctx.t(emptyKey) : joinLines([title, ...rows]));
  };
  return [
    defineCommand({
      name: 'shop',
      aliases: ['rewards', 'store'],
      bare: ['商城', '积分商城'],
      feature: 'shop',
      args: [],
      role: 'member',
      where: 'any',
      inMenu: true,
      handler: (ctx) => {
        const balance = points.standing(ctx.actor.memberId).balance;
        const rewards = shop.visible(ctx.actor.tier);
        const lines: Body[] = [ctx.t('shop.title', { balance })];
        if (rewards.length === 0) lines.push(ctx.t('shop.empty'));
        // Operators are told an empty code pool is a missing import, not a run on the reward.
        const staffView = atLeast(ctx.actor.role, 'operator');
        for (const r of rewards) {
          const stock = shop.stockOf(r.sku);
          const row = stock !== 0 ? (r.cost <= balance ? 'shop.row_affordable' : 'shop.row') : staffView && r.kind === 'code' ? 'shop.row_pool_empty' : 'shop.row_sold_out';
          lines.push(
            ctx.t(row, {
              name: seg.bold(localised(r.name, ctx.actor.locale)),
              sku: r.sku,
              cost: r.cost,
              stock: stock === null ? ctx.t('shop.unlimited') : String(stock),
            }),
          );
          const description = localised(r.description, ctx.actor.locale);
          if (description) lines.push([seg.text(`   ${description}`)]);
        }
        // Buttons where the platform shows them; the footer already says how to redeem by text.
        const buttons = rewards
          .filter((r) => r.cost <= balance && shop.stockOf(r.sku) !== 0)
          .map((r) => seg.action(translator.text(ctx.actor.locale, 'shop.redeem_button', { name: localised(r.name, ctx.actor.locale) }), 'redeem', r.sku, 'primary'));
        lines.push(ctx.t('shop.footer'));
        ctx.reply([...joinLines(lines), ...buttons]);
      },
    }),
    defineCommand({
      name: 'redeem',
      aliases: ['buy'],
      bare: ['兑换'],
      feature: 'shop',
      args: [arg.dynamicChoice('sku', () => shop.choices(), shop.skus()[0]), arg.optional(arg.int('qty', 1, 10))],
      role: 'member',
      where: 'any',
      handler: (ctx) => {
        const r = shop.redeem({
          actor: ctx.actor,
          sku: ctx.args.sku.toLowerCase(),
          qty: ctx.args.qty ?? 1,
          chatKey: chatKey(ctx.chat.ref),
          timeZone: ctx.chat.timeZone,
          at: ctx.now,
          eventKey: ctx.key,
        });
        const name = localised(r.reward.name, ctx.actor.locale);
        const params = { name, cost: r.cost, balance: r.balance, id: r.id };
        if (r.codes.length > 0) {
          // Codes go by DM only, never the group, and without a group fallback (it would post the code).
          ctx.dm(ctx.actor.user, ctx.t('shop.code_dm', { name, codes: r.codes.join('\n') }), { name: ctx.actor.name });
          ctx.reply(ctx.t('shop.redeemed_code', params));
        } else if (r.status === 'pending' && r.reward.collect.length > 0) {
          // What a moderator needs to send it is asked privately: an address never goes to the group.
          const needs = shop.needsOf(r.reward, ctx.actor.locale);
          ctx.dm(ctx.actor.user, ctx.t('shop.collect_ask', { name, id: r.id, needs }), { name: ctx.actor.name });
          ctx.reply(ctx.t('shop.redeemed_pending_collect', { ...params, needs }));
        } else if (r.status === 'pending') ctx.reply(ctx.t('shop.redeemed_pending', params));
        else if (r.reward.kind === 'streak-repair') ctx.reply(ctx.t('shop.redeemed_repair', params));
        else ctx.reply(ctx.t('shop.redeemed', params));
        for (const notice of r.staff) ctx.emit(notice);
      },
    }),
    defineCommand({
      name: 'codes',
      feature: 'shop',
      args: [],
      role: 'member',
      where: 'direct',
      private: true,
      handler: (ctx) => {
        const rows = shop.codesOf(ctx.actor.memberId).map((r) => ctx.t('shop.codes_row', { sku: r.sku, code: r.code.replaceAll('\n', ', ') }));
        list(ctx, ctx.t('shop.codes_title'), 'shop.codes_empty', rows);
      },
    }),
    defineCommand({
      name: 'history',
      aliases: ['ledger'],
      bare: ['积分明细'],
      feature: 'shop',
      args: [],
      role: 'member',
      where: 'any',
      private: true,
      handler: (ctx) => {
        const lines = points.history(ctx.actor.memberId, 10).map((r) => {
          const reason = ctx.t(`shop.reason.${r.reason}`);
          return ctx.t('shop.history_row', { day: localDay(new Date(r.at), ctx.chat.timeZone), delta: r.delta > 0 ? `+${r.delta}` : String(r.delta), reason });
        });
        list(ctx, ctx.t('shop.history_title', { balance: points.standing(ctx.actor.memberId).balance }), 'shop.history_empty', lines);
      },
    }),
    defineCommand({
      name: 'ship',
      aliases: ['address'],
      feature: 'shop',
      args: [arg.int('id'), arg.text('details', 'Ann Lee, 1 Main St, Springfield, 555-0100')],
      role: 'member',
      where: 'direct',
      private: true,
      handler: (ctx) => {
        const { row, staff } = shop.submitDetails(ctx.args.id, ctx.actor.memberId, ctx.args.details, ctx.now);
        ctx.reply(ctx.t('shop.details_saved', { id: row.id, sku: row.sku }));
        for (const notice of staff) ctx.emit(notice);
      },
    }),
    defineCommand({
      name: 'redemptions',
      feature: 'shop',
      args: [],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const rows = shop.pending().flatMap((r) => {
          const reward = shop.reward(r.sku);
          const waiting = reward && reward.collect.length > 0 ? [ctx.t('shop.pending_waiting', { needs: shop.needsOf(reward, ctx.actor.locale) })] : [];
          const details = r.details !== null ? [ctx.t('shop.pending_details', { details: r.details })] : waiting;
          return [ctx.t('shop.pending_row', { id: r.id, name: r.name, sku: r.sku, qty: r.qty, day: localDay(new Date(r.at), ctx.chat.timeZone) }), ...details];
        });
        list(ctx, ctx.t('shop.pending_title'), 'shop.pending_empty', rows);
      },
    }),
    defineCommand({
      name: 'fulfil',
      aliases: ['fulfill'],
      feature: 'shop',
      args: [arg.int('id')],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        decided(ctx, shop.fulfil(ctx.args.id, ctx.actor.memberId, ctx.now), 'shop.fulfilled', {});
      },
    }),
    defineCommand({
      name: 'reject',
      feature: 'shop',
      args: [arg.int('id'), arg.text('reason', 'out of stock')],
      role: 'moderator',
      where: 'any',
      handler: (ctx) => {
        const row = shop.reject(ctx.args.id, ctx.actor.memberId, ctx.now, ctx.args.reason);
        decided(ctx, row, 'shop.rejected', { refund: row.cost, reason: ctx.args.reason });
      },
    }),
    defineCommand({
      name: 'stock',
      feature: 'shop',
      args: [arg.word('sku', shop.skus()[0]), arg.word('change', '+10')],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const m = STOCK_CHANGE.exec(ctx.args.change);
        if (!m) throw new UserError('shop.stock_bad_change', { value: ctx.args.change });
        const delta = Number(m[2]) * (m[1] === '-' ? -1 : 1);
        const { stock, alerts } = shop.adjustStock(ctx.args.sku.toLowerCase(), delta, ctx.actor.memberId, ctx.now);
        ctx.reply(ctx.t('shop.stock_set', { sku: ctx.args.sku.toLowerCase(), stock: stock ?? 0 }));
        for (const alert of alerts) ctx.emit(alert);
      },
    }),
    defineCommand({
      name: 'audit',
      feature: 'shop',
      args: [],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const lines = audit.recent(10).map((r) =>
          ctx.t('shop.audit_row', {
            at: localDateTime(new Date(r.at), ctx.chat.timeZone),
            actor: r.actorMemberId === null ? '-' : (members.get(r.actorMemberId)?.name ?? `#${r.actorMemberId}`),
            action: r.action,
            target: r.targetMemberId === null ? '' : (members.get(r.targetMemberId)?.name ?? `#${r.targetMemberId}`),
            detail: r.detail === '{}' ? '' : r.detail,
            reason: r.reason ?? '',
          }),
        );
        list(ctx, ctx.t('shop.audit_title'), 'shop.audit_empty', lines);
      },
    }),
  ];
}
