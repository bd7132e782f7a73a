import { defineCommand, type CommandSpec } from '../../core/command.ts';
import type { OutboxService } from './service.ts';

/** `/outbox` (operator): what is waiting, failed or expired per platform, and the oldest waiting message. */
export function outboxCommands(outbox: OutboxService): CommandSpec[] {
  return [
    defineCommand({
      name: 'outbox',
      feature: 'outbox',
      args: [],
      role: 'operator',
      where: 'any',
      handler: (ctx) => ctx.reply(outbox.summary(ctx.actor.locale)),
    }),
  ];
}
