import { z } from 'zod';
import { arg, defineCommand, type ArgSpec, type CommandSpec } from '../../core/command.ts';
import type { PurchasesService } from './service.ts';

/** A money amount: up to two decimals, positive. */
const amountArg: ArgSpec<'amount', number, false> = { name: 'amount', type: 'word', schema: z.coerce.number().positive().max(1_000_000_000), optional: false, example: '199' };

/** `/purchase @member <amount> [note]`: an operator records one order (audited by the service). */
export function purchasesCommands(purchases: PurchasesService): CommandSpec[] {
  return [
    defineCommand({
      name: 'purchase',
      feature: 'purchases',
      args: [arg.member('member'), amountArg, arg.optional(arg.text('note', 'spring order'))],
      role: 'operator',
      where: 'any',
      handler: (ctx) => {
        const { member, amount, note } = ctx.args;
        const amountRounded = Math.round(amount * 100) / 100;
        const totals = purchases.record({ memberId: member.memberId, orders: 1, amount: amountRounded, at: ctx.now, note: note ?? null }, ctx.actor.memberId, ctx.key, ctx.now);
        ctx.reply(ctx.t('purchases.recorded', { member: member.name, amount: amountRounded, orders: totals.orders, spend: totals.spend }));
      },
    }),
  ];
}
