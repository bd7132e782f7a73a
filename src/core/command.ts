import { z } from 'zod';
import type { Capability } from './adapter.ts';
import type { ChatKind, InboundEvent } from './events.ts';
import { parseLocaleTag, type Locale, type MessageParams } from './i18n.ts';
import type { ChatRef, Platform, UserRef } from './ids.ts';
import type { Body, Outbound } from './outbound.ts';
import type { Role } from './roles.ts';

/** The person behind an event, as the core's directory resolved them. */
export interface Actor {
  readonly memberId: number;
  readonly user: UserRef;
  readonly name: string;
  readonly role: Role;
  readonly locale: Locale;
  /** The member's tier id. */
  readonly tier: string;
}

/** The chat an event happened in, with the community rules that apply there. */
export interface ChatContext {
  readonly ref: ChatRef;
  readonly kind: ChatKind;
  /** The tier the group is bound to (the lowest tier for unbound groups and direct chats). */
  readonly tier: string;
  /** The time zone day boundaries use in this chat (the group's, else the community's). */
  readonly timeZone: string;
}

/** A member named in a command's arguments. */
export interface MemberTarget {
  readonly memberId: number;
  readonly name: string;
  readonly user: UserRef;
}

/** Collects what a handler wants said; the dispatcher sends it after the transaction commits. */
export interface Responder {
  /**
   * Answers the actor where the event happened. For a command declared `private`, the core makes
   * it private in the platform's way (ephemeral, else a DM, else the group).
   */
  reply(body: Body): void;
  /** Answers the actor privately, whatever the command declares. */
  replyPrivately(body: Body): void;
  send(chat: ChatRef, body: Body): void;
  /** A direct message; where the platform refuses it, the member is mentioned in `fallbackChat`. */
  dm(user: UserRef, body: Body, options?: { name?: string; fallbackChat?: ChatRef }): void;
  emit(out: Outbound): void;
  /** A message in the actor's locale. */
  t(key: string, params?: MessageParams): Body;
}

/**
 * How an action reached the bot: typed text, a slash command, a button, a dashboard form or a
 * scheduled job, on a platform with these capabilities. Services never look at it; handlers and
 * the core use it to pick how to answer.
 */
export type SurfaceKind = 'text' | 'command' | 'action' | 'dashboard' | 'job';

export interface Surface {
  readonly kind: SurfaceKind;
  readonly platform: Platform;
  readonly capabilities: ReadonlySet<Capability>;
}

/** What a command handler may do besides responding. */
export interface LocaleSwitch {
  /** The member just chose another language: everything said for this event from now on uses it. */
  useLocale(locale: Locale): void;
}

/** What every handler knows about an event without reading it: who, where, when, its key, how. */
interface HandlerBase extends Responder, LocaleSwitch {
  readonly actor: Actor;
  readonly chat: ChatContext;
  /** The event's time: what services receive as `at`. */
  readonly now: Date;
  /** The event's idempotency key: what services receive as the source key of what it causes. */
  readonly key: string;
  readonly surface: Surface;
  /** The message (or the interaction) this event answers, where there is one. */
  readonly messageId?: string;
}

/** What a passive listener (not a command) receives for every event. */
export interface EventContext<E extends InboundEvent = InboundEvent> extends HandlerBase {
  readonly event: E;
}

/**
 * What a command handler receives. It does not see the raw event: the same handler serves text,
 * slash commands and buttons. Handlers are synchronous: they run inside the event's transaction.
 */
export interface CommandContext<A> extends HandlerBase {
  readonly args: A;
  readonly command: CommandSpec;
  /**
   * The arguments exactly as written, line breaks and spacing kept: the text after the command
   * word, a button's value, or a slash command's options in argument order. For commands that
   * store what was written (a ticket, a reply), not re-joined tokens.
   */
  readonly argText: string;
  /** Resolves a member named inside free text (`assign @mod`) the way a `member` argument is. */
  resolveMember(token: string): MemberTarget | undefined;
}

/** The types of argument; each platform renders them in its own form (Discord option types). */
export type ArgType = 'word' | 'text' | 'integer' | 'choice' | 'member';

/**
 * One allowed value of a `choice` argument. Typed text matches the value, its label in every
 * locale and `words`, so `/rank 本周` and `兑换 补签卡` work.
 */
export interface Choice {
  readonly value: string;
  /** The labels per locale (a reward's names); else the message `choice.<arg>.<value>` where it exists. */
  readonly labels?: Readonly<Partial<Record<Locale, string>>>;
  /** More words that mean this value. */
  readonly words?: readonly string[];
}

/**
 * One positional argument. `text` takes the remaining text; `member` resolves a mention.
 * `arg.<name>` in the message files is its name in the member's language ("period", "时段"): error
 * messages name it with that; the usage line shows the `choices` where there are some.
 */
export interface ArgSpec<N extends string = string, T = unknown, O extends boolean = boolean> {
  readonly name: N;
  readonly type: ArgType;
  readonly schema: z.ZodType<T>;
  readonly optional: O;
  /** Bounds of an `integer`. */
  readonly min?: number;
  readonly max?: number;
  /** The values of a `choice`: fixed, or read when needed (the reward catalogue). */
  readonly choices?: readonly Choice[] | (() => readonly Choice[]);
  /** A value for the usage error's example (`/boost 2x 48h`). */
  readonly example?: string;
}

type AnyArg = ArgSpec<string, unknown, boolean>;

/** The handler's typed view of its parsed arguments. */
export type ArgsOf<A extends readonly AnyArg[]> = {
  [S in A[number] as S['name']]: S extends ArgSpec<string, infer T, infer O> ? (O extends true ? T | undefined : T) : never;
};

/** The choices of an argument, now. */
export function choicesOf(spec: ArgSpec): readonly Choice[] {
  const c = spec.choices;
  return c === undefined ? [] : typeof c === 'function' ? c() : c;
}

/**
 * A whole number written in plain decimal digits (full-width digits too), within `min`…`max`.
 * `0x10`, `1e6` and `10.0` are refused rather than read the way JavaScript would; a number too
 * large for a double is reported against the command's own bound, not the platform's.
 */
export function intSchema(min: number, max: number): z.ZodType<number> {
  return z.string().transform((raw, ctx) => {
    const v = raw.normalize('NFKC');
    if (!/^[+-]?\d+$/.test(v)) {
      ctx.issues.push({ code: 'invalid_type', expected: 'number', input: raw });
      return z.NEVER;
    }
    const n = BigInt(v);
    if (n < BigInt(min)) {
      ctx.issues.push({ code: 'too_small', origin: 'number', minimum: min, inclusive: true, input: raw });
      return z.NEVER;
    }
    if (n > BigInt(max)) {
      ctx.issues.push({ code: 'too_big', origin: 'number', maximum: max, inclusive: true, input: raw });
      return z.NEVER;
    }
    return Number(n);
  }) as unknown as z.ZodType<number>;
}

/** Builders for argument specs; validation is zod, so messages and coercion live in one place. */
export const arg = {
  word<N extends string>(name: N, example?: string): ArgSpec<N, string, false> {
    return { name, type: 'word', schema: z.string().min(1), optional: false, ...(example !== undefined ? { example } : {}) };
  },
  int<N extends string>(name: N, min = 1, max = 1_000_000_000, example?: string): ArgSpec<N, number, false> {
    return { name, type: 'integer', schema: intSchema(min, max), optional: false, min, max, example: example ?? String(Math.max(min, Math.min(max, 1))) };
  },
  choice<N extends string, const C extends readonly [string, ...string[]]>(name: N, choices: C): ArgSpec<N, C[number], false> {
    return { name, type: 'choice', schema: z.enum(choices) as unknown as z.ZodType<C[number]>, optional: false, choices: choices.map((value) => ({ value })), example: choices[0] };
  },
  /** A choice whose values are read when needed (the reward catalogue's SKUs with their names). */
  dynamicChoice<N extends string>(name: N, choices: () => readonly Choice[], example?: string): ArgSpec<N, string, false> {
    return { name, type: 'choice', schema: z.string().min(1), optional: false, choices, ...(example !== undefined ? { example } : {}) };
  },
  /** A language as members type it (`en`, `zh-CN`, `zh_Hans`, `English`, `中文`), as a shipped locale. */
  locale<N extends string>(name: N): ArgSpec<N, Locale, false> {
    const values = ['zh', 'en'] as const;
    const schema = z.string().transform((raw, ctx) => {
      const locale = parseLocaleTag(raw);
      if (locale === undefined) {
        ctx.issues.push({ code: 'invalid_value', values: [...values], input: raw });
        return z.NEVER;
      }
      return locale;
    }) as unknown as z.ZodType<Locale>;
    return { name, type: 'choice', schema, optional: false, choices: values.map((value) => ({ value })), example: 'en' };
  },
  text<N extends string>(name: N, example?: string): ArgSpec<N, string, false> {
    return { name, type: 'text', schema: z.string().min(1), optional: false, ...(example !== undefined ? { example } : {}) };
  },
  member<N extends string>(name: N): ArgSpec<N, MemberTarget, false> {
    return { name, type: 'member', schema: z.custom<MemberTarget>((v) => typeof v === 'object' && v !== null), optional: false, example: '@alice' };
  },
  optional<N extends string, T>(spec: ArgSpec<N, T, boolean>): ArgSpec<N, T, true> {
    return { ...spec, optional: true };
  },
};

/** Where a command may run. */
export type CommandScope = 'group' | 'direct' | 'any';

/**
 * One row of the command table: the single place that says who may run what, where, how often
 * and with which arguments.
 */
export interface CommandSpec<A extends readonly AnyArg[] = readonly AnyArg[]> {
  /** Canonical ASCII name, used after `/`. */
  readonly name: string;
  /** Other names after a prefix (`/qd`, `/签到`). */
  readonly aliases?: readonly string[];
  /** Names that work without any prefix, as a whole first word (`签到`): WeChat users rarely type `/`. */
  readonly bare?: readonly string[];
  /** The feature that owns the handler (for help grouping and the architecture test). */
  readonly feature: string;
  readonly args: A;
  readonly role: Role;
  /**
   * The role needed when any argument is given (`/tier` shows a member their own tier;
   * `/tier @member core` is an operator's). Checked by the dispatcher with `role`.
   */
  readonly argsRole?: Role;
  /**
   * A form of the command that needs a higher role, recognised from the arguments as written
   * (`/link @a @b` is an operator's; `/link CODE` a member's). Checked by the dispatcher with `role`.
   */
  readonly privilegedForm?: { readonly role: Role; readonly matches: (argText: string) => boolean };
  readonly where: CommandScope;
  /** Seconds between two uses by one member. */
  readonly cooldownSec?: number;
  /** Whether the command appears in platform command menus. */
  readonly inMenu?: boolean;
  /**
   * The answer is for the actor only (`/points`, `/codes`, moderator cards): declared here so an
   * adapter knows before running it (Discord defers the interaction as ephemeral).
   */
  readonly private?: boolean;
  readonly handler: (ctx: CommandContext<ArgsOf<A>>) => void;
}

/** Declares a command with its handler's argument types inferred from `args`. */
export function defineCommand<const A extends readonly AnyArg[]>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}
