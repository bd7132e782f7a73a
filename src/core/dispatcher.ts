import type { Capability } from './adapter.ts';
import type { ArgSpec, CommandContext, CommandSpec, EventContext, Actor, ChatContext, Surface, SurfaceKind } from './command.ts';
import { choicesOf } from './command.ts';
import type { CommandParser } from './command-parser.ts';
import { tokenize } from './command-parser.ts';
import { argLabel } from './catalog.ts';
import type { Clock } from './clock.ts';
import type { Directory } from './directory.ts';
import type { EventStore } from './directory.ts';
import { ArgError, UserError } from './errors.ts';
import type { InboundEvent, Mention, MessageEvent } from './events.ts';
import { eventActor } from './events.ts';
import type { Locale, MessageParams, Translator } from './i18n.ts';
import { LOCALES } from './i18n.ts';
import type { ChatRef, Platform, UserRef } from './ids.ts';
import type { Logger } from './logger.ts';
import type { Body, Outbound } from './outbound.ts';
import { answer } from './private-reply.ts';
import type { Delivery } from './outbox.ts';
import { atLeast, type Role } from './roles.ts';

/** One command run for a member outside a chat (see `Dispatcher.runAs`). */
export interface DirectRequest {
  readonly actor: Actor;
  /** Where the handler believes it runs: the member's direct chat, so staff-only commands work. */
  readonly chat: ChatContext;
  /** The command's canonical name and its argument text, as it would be typed (`#12` names member 12). */
  readonly command: string;
  readonly args: string;
  /** The idempotency key of the action (a form's one-time key). */
  readonly key: string;
  readonly at: Date;
  readonly surface?: SurfaceKind;
}

/** What a direct run did, and what the handler answered the actor. */
export interface DirectResult {
  readonly outcome: DispatchOutcome;
  readonly answers: readonly Body[];
}

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
  /** Where what an event said is written, in the event's transaction, and sent after commit. */
  readonly delivery: Delivery;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What each platform can do, for deciding how to answer (private replies). None: nothing. */
  readonly capabilities?: (platform: Platform) => ReadonlySet<Capability>;
}

/** What happened to one event, for tests, the simulator and logs. */
export type DispatchOutcome = 'ignored' | 'duplicate' | 'handled' | 'rejected' | 'failed';

/**
 * A command about to run, whatever surface it came from: typed words (text and buttons) or the
 * typed options of a slash command.
 */
interface Invocation {
  readonly command: CommandSpec;
  /** The word that invoked it, for the usage line (`/checkin`, `签到`). */
  readonly invokedAs: string;
  /** The argument text as written. */
  readonly argText: string;
  readonly input: { readonly tokens: readonly string[]; readonly mentions: readonly Mention[] } | { readonly options: Readonly<Record<string, unknown>> };
}

const NO_CAPABILITIES: ReadonlySet<Capability> = new Set();

/** How an event reached the bot. */
function surfaceKind(event: InboundEvent): SurfaceKind {
  return event.type === 'command' ? 'command' : event.type === 'action' ? 'action' : 'text';
}

/** What a reply to this event answers: the message, or the interaction. */
function replyTarget(event: InboundEvent): string | undefined {
  if (event.type === 'message') return event.messageId;
  if (event.type === 'command' || event.type === 'action') return event.interactionId;
  return undefined;
}

/**
 * The text of a message without a leading mention of the bot, so `@Bot 签到` runs `签到`.
 * Where the mention is not first, the text is left alone.
 */
function withoutSelfMention(event: MessageEvent): string {
  const text = event.text.replace(/^[\s\u3000]+/, '');
  const self = event.mentions.find((m) => m.isSelf && text.startsWith(m.text));
  return self ? text.slice(self.text.length) : event.text;
}

/**
 * The one path every inbound event takes: drop the bot's own and other bots' messages → dedupe by
 * event key → record identity and activity → run the command (typed, slash or button) or the
 * passive listeners → send what they said once the transaction has committed. One error boundary
 * per event: a failure is logged with the event key and answered once; it never stops an adapter
 * or the process.
 * event key → record identity and activity → run the command or the passive listeners → write what
 * they said to the outbox in the same transaction, keyed by the event. An event is done when that
 * transaction commits: sending is the outbox sender's business, so inbound never waits on a slow or
 * failing platform, and a crash after the commit still sends the reply after the restart. One
 * error boundary per event: a failure is logged with the event key and answered once; it never
 * stops an adapter or the process.
 */
export class Dispatcher {
  private readonly lastUse = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {}

  /** The adapters' sink. Resolves once the event's transaction has committed; never rejects. */
  readonly sink = async (event: InboundEvent): Promise<void> => {
    await this.dispatch(event);
  };

  async dispatch(event: InboundEvent): Promise<DispatchOutcome> {
    const person = eventActor(event);
    if (person.isSelf || person.isBot) return 'ignored';
    const outs: Outbound[] = [];
    let outcome: DispatchOutcome;
    try {
      outcome = this.deps.store.transaction(() => {
        const handled = this.process(event, outs);
        if (outs.length > 0) this.deps.delivery.record(event.key, outs);
        return handled;
      });
    } catch (err) {
      this.deps.logger.error({ err, key: event.key }, 'event failed before it could be handled');
      return 'failed';
    }
    if (outs.length === 0) return outcome;
    try {
      await this.deps.delivery.flush();
    } catch (err) {
      this.deps.logger.error({ err, key: event.key }, 'delivering replies failed');
    }
    return outcome;
  }

  private process(event: InboundEvent, outs: Outbound[]): DispatchOutcome {
    const { store, directory } = this.deps;
    if (!store.claimEvent(event.key, event.at)) return 'duplicate';
    const { actor, chat, notices } = directory.enter(event);
    if (notices) outs.push(...notices);
    // Handlers and services work in the event's time, so a redelivery counts on its own day.
    const now = event.at;
    const invocation = this.invocation(event);
    if (invocation === null) return 'handled';
    if (invocation) return this.runCommand(event, invocation, actor, chat, now, outs);
    if (event.type === 'command' || event.type === 'action') {
      // A button or slash command the table no longer has (a renamed command, an old card).
      this.context(event, actor, chat, now, outs, true).reply(this.deps.translator.t(actor.locale, 'error.unknown_action'));
      return 'rejected';
    }
    if (event.type === 'message' && chat.kind === 'direct' && this.deps.parser.looksLikeCommand(event.text)) {
      // Silence in a group is right (the command may be another bot's); in a DM it is only confusing.
      const word = event.text.trim().split(/[\s\u3000]/, 1)[0]!;
      outs.push({ type: 'reply', chat: chat.ref, replyTo: event.messageId, body: this.deps.translator.t(actor.locale, 'error.unknown_command', { command: word }) });
      return 'rejected';
    }
    for (const listener of this.deps.listeners) {
      if (!listener.on.includes(event.type)) continue;
      const buffer: Outbound[] = [];
      try {
        store.transaction(() => listener.handle(this.context(event, actor, chat, now, buffer, false)));
        outs.push(...buffer);
      } catch (err) {
        this.deps.logger.error({ err, key: event.key, listener: listener.name }, 'listener failed');
      }
    }
    return 'handled';
  }

  /** The command an event invokes; undefined for ordinary events, null for commands to another bot. */
  private invocation(event: InboundEvent): Invocation | undefined | null {
    const { parser } = this.deps;
    switch (event.type) {
      case 'message': {
        if (event.addressedToOtherBot) return null;
        const parsed = parser.parse(withoutSelfMention(event));
        return parsed && { command: parsed.command, invokedAs: parsed.invokedAs, argText: parsed.rest, input: { tokens: parsed.tokens, mentions: event.mentions } };
      }
      case 'command': {
        const command = parser.byName(event.name);
        if (!command) return undefined;
        const written = (command.args as readonly ArgSpec[]).map((a) => event.options[a.name]).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
        return { command, invokedAs: `/${command.name}`, argText: written.join(' '), input: { options: event.options } };
      }
      case 'action': {
        const command = parser.byName(event.actionId);
        return command && { command, invokedAs: `/${command.name}`, argText: event.value, input: { tokens: tokenize(event.value), mentions: [] } };
      }
      default:
        return undefined;
    }
  }

  private runCommand(event: InboundEvent, invocation: Invocation, actor: Actor, chat: ChatContext, now: Date, outs: Outbound[]): DispatchOutcome {
    const { command } = invocation;
    const locale = { current: actor.locale };
    // Refusals and errors go to the actor only where the platform can (an ephemeral answer to a
    // button); typed text is answered where it was typed, as always.
    const refusal = this.context(event, actor, chat, now, outs, true, locale);
    const buffer: Outbound[] = [];
    try {
      const withArgs = 'tokens' in invocation.input ? invocation.input.tokens.length > 0 : Object.keys(invocation.input.options).length > 0;
      this.checkAllowed(command, actor, chat, this.deps.clock.now(), withArgs, invocation.argText);
      const args = this.parseArgs(command, invocation, event);
      this.deps.store.transaction(() => {
        const { event: _raw, ...context } = this.context(event, actor, chat, now, buffer, command.private ?? false, locale);
        const mentions = 'tokens' in invocation.input ? invocation.input.mentions : [];
        const resolveMember = (token: string) => this.deps.directory.resolveMember(token, { platform: event.platform, mentions, at: event.at });
        command.handler({ ...context, args, command, argText: invocation.argText, resolveMember } as unknown as CommandContext<never>);
      });
      outs.push(...buffer);
      if (command.cooldownSec) this.lastUse.set(`${actor.memberId}:${command.name}`, this.deps.clock.now().getTime());
      return 'handled';
    } catch (err) {
      if (err instanceof ArgError) {
        refusal.reply(this.argProblem(err, command, invocation.invokedAs, locale.current));
        return 'rejected';
      }
      if (err instanceof UserError) {
        refusal.reply(refusal.t(err.code, err.params));
        return 'rejected';
      }
      this.deps.logger.error({ err, key: event.key, command: command.name }, 'command failed');
      refusal.reply(refusal.t('error.internal'));
      return 'failed';
    }
  }

  /**
   * Whether a member with `role` may run `command` with `argText`: the command table's rule, for surfaces that show or hide an action before it is
   * run (the dashboard's pages and forms). Unknown commands are allowed to nobody.
   */
  permits(role: Role, command: string, argText = ''): boolean {
    const spec = this.deps.parser.byName(command);
    return spec !== undefined && atLeast(role, requiredRole(spec, tokenize(argText).length > 0, argText));
  }

  /**
   * Runs one command of the table for a member acting outside a chat (a dashboard form): the same
   * role, scope, cooldown and argument checks as typed text, the same handler and so the same
   * service calls, ledger and audit rows. `key` makes it idempotent like an event key: a form
   * submitted twice runs once. What the handler answers the actor is returned (the page shows
   * it); everything else it says (DMs, group posts, staff notices) is written to the outbox in
   * the same transaction and sent after commit.
   */
  async runAs(request: DirectRequest): Promise<DirectResult> {
    const { actor, chat, key, at } = request;
    const tr = this.deps.translator;
    const locale = { current: actor.locale };
    const command = this.deps.parser.byName(request.command);
    if (!command) return { outcome: 'rejected', answers: [tr.t(locale.current, 'error.unknown_action')] };
    const answers: Body[] = [];
    const outs: Outbound[] = [];
    const tokens = tokenize(request.args);
    const invocation: Invocation = { command, invokedAs: `/${command.name}`, argText: request.args, input: { tokens, mentions: [] } };
    const where = { platform: actor.user.platform, at };
    const toActor = (out: Outbound) => (out.type === 'reply' || out.type === 'send') && out.chat.platform === chat.ref.platform && out.chat.chatId === chat.ref.chatId;
    let outcome: DispatchOutcome;
    try {
      outcome = this.deps.store.transaction((): DispatchOutcome => {
        if (!this.deps.store.claimEvent(key, at)) return 'duplicate';
        this.checkAllowed(command, actor, chat, this.deps.clock.now(), tokens.length > 0, request.args);
        const args = this.parseArgs(command, invocation, where);
        const context = {
          actor,
          chat,
          now: at,
          key,
          surface: this.surface(actor.user.platform, request.surface ?? 'dashboard'),
          reply: (body: Body) => void answers.push(body),
          replyPrivately: (body: Body) => void answers.push(body),
          send: (to: ChatRef, body: Body) => void outs.push({ type: 'send', chat: to, body }),
          dm: (user: UserRef, body: Body, options?: { name?: string; fallbackChat?: ChatRef }) => void outs.push({ type: 'dm', user, body, ...(options ?? {}) }),
          emit: (out: Outbound) => void (toActor(out) ? answers.push(out.body) : outs.push(out)),
          t: (k: string, params?: MessageParams) => tr.t(locale.current, k, params),
          useLocale: (next: Locale) => {
            locale.current = next;
          },
          args,
          command,
          argText: request.args,
          resolveMember: (token: string) => this.deps.directory.resolveMember(token, { ...where, mentions: [] }),
        };
        command.handler(context as unknown as CommandContext<never>);
        if (outs.length > 0) this.deps.delivery.record(key, outs);
        return 'handled';
      });
    } catch (err) {
      if (err instanceof ArgError) return { outcome: 'rejected', answers: [this.argProblem(err, command, invocation.invokedAs, locale.current)] };
      if (err instanceof UserError) return { outcome: 'rejected', answers: [tr.t(locale.current, err.code, err.params)] };
      this.deps.logger.error({ err, key, command: command.name }, 'command failed');
      return { outcome: 'failed', answers: [tr.t(locale.current, 'error.internal')] };
    }
    if (outcome === 'handled' && command.cooldownSec) this.lastUse.set(`${actor.memberId}:${command.name}`, this.deps.clock.now().getTime());
    if (outs.length > 0) {
      try {
        await this.deps.delivery.flush();
      } catch (err) {
        this.deps.logger.error({ err, key }, 'delivering messages failed');
      }
    }
    return { outcome, answers };
  }

  /** The one place permissions, scope and cooldowns are checked. */
  private checkAllowed(command: CommandSpec, actor: Actor, chat: ChatContext, now: Date, withArgs: boolean, argText: string): void {
    const needed = requiredRole(command, withArgs, argText);
    if (!atLeast(actor.role, needed)) {
      throw new UserError('error.forbidden', { role: this.deps.translator.text(actor.locale, `role.${needed}`) });
    }
    if (command.where === 'group' && chat.kind !== 'group') throw new UserError('error.group_only');
    if (command.where === 'direct' && chat.kind !== 'direct') throw new UserError('error.direct_only');
    if (command.cooldownSec) {
      const last = this.lastUse.get(`${actor.memberId}:${command.name}`);
      const waitMs = last === undefined ? 0 : last + command.cooldownSec * 1000 - now.getTime();
      if (waitMs > 0) throw new UserError('error.cooldown', { seconds: Math.ceil(waitMs / 1000) });
    }
  }

  /** Validates the arguments of any surface in one way, so each gets the same errors. */
  private parseArgs(command: CommandSpec, invocation: Invocation, event: Pick<InboundEvent, 'platform' | 'at'>): Record<string, unknown> {
    const tr = this.deps.translator;
    const values: Record<string, unknown> = {};
    const fail = (spec: ArgSpec, key: string, params: MessageParams): never => {
      throw new ArgError(spec.name, key, params as Record<string, string>);
    };
    const input = invocation.input;
    const tokens = 'tokens' in input ? [...input.tokens] : [];
    for (const spec of command.args as readonly ArgSpec[]) {
      let raw: unknown;
      if (!('tokens' in input)) raw = input.options[spec.name];
      else if (spec.type === 'text') {
        raw = tokens.length > 0 ? tokens.join(' ') : undefined;
        tokens.length = 0;
      } else raw = tokens.shift();
      if (raw === undefined || raw === '') {
        if (spec.optional) continue;
        fail(spec, 'args.missing', {});
      }
      if (spec.type === 'member') {
        const target =
          typeof raw === 'object' && raw !== null && 'user' in raw
            ? this.deps.directory.memberFor((raw as { user: UserRef }).user, (raw as { name?: string }).name, event.at)
            : this.deps.directory.resolveMember(String(raw), { platform: event.platform, mentions: 'tokens' in input ? input.mentions : [], at: event.at });
        if (!target) fail(spec, 'args.unknown_member', { value: String(raw) });
        raw = target;
      } else {
        // A slash command's typed option (a number) is checked by the same schema as typed text.
        raw = String(raw);
        if (spec.type === 'choice') raw = choiceValue(spec, raw as string, tr);
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

  private surface(platform: Platform, kind: SurfaceKind): Surface {
    return { kind, platform, capabilities: this.deps.capabilities?.(platform) ?? NO_CAPABILITIES };
  }

  /**
   * `locale` is shared by the contexts of one event, so a handler that changes the member's
   * language (`/lang en`) answers — and any error after it is shown — in the new one.
   */
  private context(
    event: InboundEvent,
    actor: Actor,
    chat: ChatContext,
    now: Date,
    outs: Outbound[],
    privateByDefault: boolean,
    locale = { current: actor.locale },
  ): EventContext {
    const tr = this.deps.translator;
    const surface = this.surface(event.platform, surfaceKind(event));
    const replyTo = replyTarget(event);
    const target = {
      chat: chat.ref,
      chatKind: chat.kind,
      ...(replyTo === undefined ? {} : { replyTo }),
      surface: surface.kind,
      capabilities: surface.capabilities,
      user: actor.user,
      name: actor.name,
    };
    return {
      event,
      actor,
      chat,
      now,
      key: event.key,
      surface,
      ...(replyTo === undefined ? {} : { messageId: replyTo }),
      reply: (body: Body) => outs.push(answer(target, body, privateByDefault)),
      replyPrivately: (body: Body) => outs.push(answer(target, body, true)),
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

/** The role a command needs as written: its privileged form's, its arguments', or its own. */
function requiredRole(command: CommandSpec, withArgs: boolean, argText: string): Role {
  return command.privilegedForm?.matches(argText) ? command.privilegedForm.role : withArgs && command.argsRole ? command.argsRole : command.role;
}

/**
 * The value a typed word stands for: the value itself (any case), or its label or another word for
 * it in any locale (`本周` → `week`, a reward's name → its SKU). Unknown words pass through, so the
 * schema reports them.
 */
function choiceValue(spec: ArgSpec, word: string, tr: Translator): string {
  const w = word.toLowerCase();
  const choices = choicesOf(spec);
  const exact = choices.find((c) => c.value.toLowerCase() === w);
  if (exact) return exact.value;
  for (const c of choices) {
    const labels = LOCALES.map((l: Locale) => c.labels?.[l] ?? (tr.has(`choice.${spec.name}.${c.value}`) ? tr.text(l, `choice.${spec.name}.${c.value}`) : undefined));
    if ([...labels, ...(c.words ?? [])].some((x) => x !== undefined && x.toLowerCase() === w)) return c.value;
  }
  return word;
}

/**
 * `/award <@member> <amount> [reason…]`, `/rank [week|month|all] [tier]`, derived from the command's
 * args. Live choices (every reward) are too many for a line: those show the argument's name.
 */
export function usageLine(command: CommandSpec, invokedAs: string, tr: Translator, locale: Actor['locale']): string {
  const parts = (command.args as readonly ArgSpec[]).map((spec) => {
    const fixed = Array.isArray(spec.choices) ? (spec.choices as readonly { value: string }[]).map((c) => c.value) : undefined;
    const name = fixed ? fixed.join('|') : argLabel(spec, tr, locale);
    const label = `${spec.type === 'member' ? '@' : ''}${name}${spec.type === 'text' ? '…' : ''}`;
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
