import type { ArgSpec, CommandContext, CommandSpec, EventContext, Actor, ChatContext } from './command.ts';
import type { CommandParser, ParsedInvocation } from './command-parser.ts';
import type { Clock } from './clock.ts';
import type { Directory, EventStore } from './directory.ts';
import { ArgError, UserError } from './errors.ts';
import type { InboundEvent, MessageEvent } from './events.ts';
import { eventActor } from './events.ts';
import type { MessageParams, Translator } from './i18n.ts';
import type { ChatRef, UserRef } from './ids.ts';
import type { Logger } from './logger.ts';
import type { Body, Outbound } from './outbound.ts';
import { atLeast } from './roles.ts';

/** A feature's reaction to events that are not commands (post points, joins, reactions). */
export interface Listener {
  readonly name: string;
  readonly on: readonly InboundEvent['type'][];
  /** Synchronous: it runs inside the event's transaction, in its own savepoint. */
  handle(ctx: EventContext): void;
}

export interface DispatcherDeps {
  readonly store: EventStore;
  readonly directory: Directory;
  readonly parser: CommandParser;
  readonly listeners: readonly Listener[];
  readonly translator: Translator;
  readonly deliver: (outs: readonly Outbound[]) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What happened to one event, for tests, the simulator and logs. */
export type DispatchOutcome = 'ignored' | 'duplicate' | 'handled' | 'rejected' | 'failed';

/**
 * The one path every inbound event takes: drop the bot's own and other bots' messages → dedupe by
 * event key → record identity and activity → run the command or the passive listeners → send
 * what they said once the transaction has committed. One error boundary per event: a failure is
 * logged with the event key and answered once; it never stops an adapter or the process.
 */
export class Dispatcher {
  private readonly lastUse = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {}

  /** The adapters' sink. Never rejects. */
  readonly sink = async (event: InboundEvent): Promise<void> => {
    await this.dispatch(event);
  };

  async dispatch(event: InboundEvent): Promise<DispatchOutcome> {
    const person = eventActor(event);
    if (person.isSelf || person.isBot) return 'ignored';
    const outs: Outbound[] = [];
    let outcome: DispatchOutcome;
    try {
      outcome = this.deps.store.transaction(() => this.process(event, outs));
    } catch (err) {
      this.deps.logger.error({ err, key: event.key }, 'event failed before it could be handled');
      outcome = 'failed';
    }
    try {
      await this.deps.deliver(outs);
    } catch (err) {
      this.deps.logger.error({ err, key: event.key }, 'delivering replies failed');
    }
    return outcome;
  }

  private process(event: InboundEvent, outs: Outbound[]): DispatchOutcome {
    const { store, directory } = this.deps;
    if (!store.claimEvent(event.key, event.at)) return 'duplicate';
    const { actor, chat } = directory.enter(event);
    const now = this.deps.clock.now();
    if (event.type === 'message') {
      if (event.addressedToOtherBot) return 'handled';
      const invocation = this.deps.parser.parse(event.text);
      if (invocation) return this.runCommand(event, invocation, actor, chat, now, outs);
    }
    for (const listener of this.deps.listeners) {
      if (!listener.on.includes(event.type)) continue;
      const buffer: Outbound[] = [];
      try {
        store.transaction(() => listener.handle(this.context(event, actor, chat, now, buffer)));
        outs.push(...buffer);
      } catch (err) {
        this.deps.logger.error({ err, key: event.key, listener: listener.name }, 'listener failed');
      }
    }
    return 'handled';
  }

  private runCommand(
    event: MessageEvent,
    invocation: ParsedInvocation,
    actor: Actor,
    chat: ChatContext,
    now: Date,
    outs: Outbound[],
  ): DispatchOutcome {
    const { command } = invocation;
    const locale = { current: actor.locale };
    const base = this.context(event, actor, chat, now, outs, locale);
    const buffer: Outbound[] = [];
    try {
      this.checkAllowed(command, actor, chat, now);
      const args = this.parseArgs(command, invocation, event, actor);
      this.deps.store.transaction(() => {
        command.handler({ ...this.context(event, actor, chat, now, buffer, locale), args, command } as CommandContext<never>);
      });
      outs.push(...buffer);
      if (command.cooldownSec) this.lastUse.set(`${actor.memberId}:${command.name}`, now.getTime());
      return 'handled';
    } catch (err) {
      if (err instanceof ArgError) {
        base.reply(this.argProblem(err, command, invocation.invokedAs, locale.current));
        return 'rejected';
      }
      if (err instanceof UserError) {
        base.reply(base.t(err.code, err.params));
        return 'rejected';
      }
      this.deps.logger.error({ err, key: event.key, command: command.name }, 'command failed');
      base.reply(base.t('error.internal'));
      return 'failed';
    }
  }

  /** The one place permissions, scope and cooldowns are checked. */
  private checkAllowed(command: CommandSpec, actor: Actor, chat: ChatContext, now: Date): void {
    if (!atLeast(actor.role, command.role)) {
      throw new UserError('error.forbidden', { role: this.deps.translator.text(actor.locale, `role.${command.role}`) });
    }
    if (command.where === 'group' && chat.kind !== 'group') throw new UserError('error.group_only');
    if (command.where === 'direct' && chat.kind !== 'direct') throw new UserError('error.direct_only');
    if (command.cooldownSec) {
      const last = this.lastUse.get(`${actor.memberId}:${command.name}`);
      const waitMs = last === undefined ? 0 : last + command.cooldownSec * 1000 - now.getTime();
      if (waitMs > 0) throw new UserError('error.cooldown', { seconds: Math.ceil(waitMs / 1000) });
    }
  }

  private parseArgs(command: CommandSpec, invocation: ParsedInvocation, event: MessageEvent, actor: Actor): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const tokens = [...invocation.tokens];
    const fail = (spec: ArgSpec, key: string, params: MessageParams): never => {
      throw new ArgError(spec.name, key, params as Record<string, string>);
    };
    for (const spec of command.args as readonly ArgSpec[]) {
      let raw: unknown;
      if (spec.kind === 'rest') {
        raw = tokens.length > 0 ? tokens.join(' ') : undefined;
        tokens.length = 0;
      } else {
        raw = tokens.shift();
      }
      if (raw === undefined) {
        if (spec.optional) continue;
        fail(spec, 'args.missing', {});
      }
      if (spec.kind === 'member') {
        const target = this.deps.directory.resolveMember(String(raw), event);
        if (!target) fail(spec, 'args.unknown_member', { value: String(raw) });
        raw = target;
      }
      const result = spec.schema.safeParse(raw);
      if (!result.success) {
        const issue = result.error.issues[0];
        const p = { value: String(raw) };
        if (issue?.code === 'too_small') fail(spec, 'args.too_small', { ...p, min: String(issue.minimum) });
        else if (issue?.code === 'too_big') fail(spec, 'args.too_big', { ...p, max: String(issue.maximum) });
        else if (issue?.code === 'invalid_value') fail(spec, 'args.one_of', { ...p, options: issue.values.map(String).join(' | ') });
        else if (issue?.code === 'invalid_type' && issue.expected === 'number') fail(spec, 'args.not_number', p);
        else fail(spec, 'args.invalid', p);
      }
      values[spec.name] = result.data;
    }
    return values;
  }

  /**
   * An argument problem, from the parser or the handler, as the member reads it: the problem with
   * the argument named in their language, the usage line and an example of the command.
   */
  private argProblem(err: ArgError, command: CommandSpec, invokedAs: string, locale: Actor['locale']): Body {
    const tr = this.deps.translator;
    const spec = (command.args as readonly ArgSpec[]).find((a) => a.name === err.arg);
    const label = spec ? argLabel(spec, tr, locale) : err.arg;
    const problem = tr.text(locale, err.code, { arg: label, ...err.params });
    return tr.t(locale, 'error.usage', { problem, usage: usageLine(command, invokedAs, tr, locale), example: exampleLine(command, invokedAs) });
  }

  /**
   * `locale` is shared by the contexts of one event, so a handler that changes the member's
   * language (`/lang en`) answers — and any error after it is shown — in the new one.
   */
  private context(event: InboundEvent, actor: Actor, chat: ChatContext, now: Date, outs: Outbound[], locale = { current: actor.locale }): EventContext {
    const tr = this.deps.translator;
    const replyTo = event.type === 'message' ? event.messageId : undefined;
    return {
      event,
      actor,
      chat,
      now,
      reply: (body: Body) => {
        outs.push(replyTo === undefined ? { type: 'send', chat: chat.ref, body } : { type: 'reply', chat: chat.ref, replyTo, body });
      },
      send: (to: ChatRef, body: Body) => outs.push({ type: 'send', chat: to, body }),
      dm: (user: UserRef, body: Body, options?: { name?: string; fallbackChat?: ChatRef }) =>
        outs.push({ type: 'dm', user, body, ...(options ?? {}) }),
      emit: (out: Outbound) => outs.push(out),
      t: (key: string, params?: MessageParams) => tr.t(locale.current, key, params),
      useLocale: (next: Actor['locale']) => {
        locale.current = next;
      },
    };
  }
}

/** The argument's name in the member's language (`arg.<name>`): "period", "时段". */
function argLabel(spec: ArgSpec, tr: Translator, locale: Actor['locale']): string {
  const key = `arg.${spec.name}`;
  return tr.has(key) ? tr.text(locale, key) : spec.name;
}

/** `/award <@member> <amount> [reason…]`, `/rank [week|month|all] [tier]`, derived from the command's args. */
export function usageLine(command: CommandSpec, invokedAs: string, tr: Translator, locale: Actor['locale']): string {
  const parts = (command.args as readonly ArgSpec[]).map((spec) => {
    const name = spec.choices ? spec.choices.join('|') : argLabel(spec, tr, locale);
    const label = `${spec.kind === 'member' ? '@' : ''}${name}${spec.kind === 'rest' ? '…' : ''}`;
    return spec.optional ? `[${label}]` : `<${label}>`;
  });
  return [invokedAs, ...parts].join(' ');
}

/**
 * A runnable example of the command from its arguments' examples (`/boost 2x 48h`): every
 * required argument, then optional ones while they have an example.
 */
export function exampleLine(command: CommandSpec, invokedAs: string): string {
  const words = [invokedAs];
  for (const spec of command.args as readonly ArgSpec[]) {
    if (spec.example === undefined) {
      if (spec.optional) break;
      words.push(spec.name);
      continue;
    }
    words.push(spec.example);
  }
  return words.join(' ');
}
