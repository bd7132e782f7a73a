import { z } from 'zod';
import type { ChatKind, InboundEvent, MessageEvent } from './events.ts';
import { parseLocaleTag, type Locale, type MessageParams } from './i18n.ts';
import type { ChatRef, UserRef } from './ids.ts';
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
  reply(body: Body): void;
  send(chat: ChatRef, body: Body): void;
  /** A direct message; where the platform refuses it, the member is mentioned in `fallbackChat`. */
  dm(user: UserRef, body: Body, options?: { name?: string; fallbackChat?: ChatRef }): void;
  emit(out: Outbound): void;
  /** A message in the actor's locale. */
  t(key: string, params?: MessageParams): Body;
}

/** What a command handler may do besides responding. */
export interface LocaleSwitch {
  /** The member just chose another language: everything said for this event from now on uses it. */
  useLocale(locale: Locale): void;
}

/** What a passive listener (not a command) receives for every event. */
export interface EventContext<E extends InboundEvent = InboundEvent> extends Responder, LocaleSwitch {
  readonly event: E;
  readonly actor: Actor;
  readonly chat: ChatContext;
  readonly now: Date;
}

/** What a command handler receives. Handlers are synchronous: they run inside the event's transaction. */
export interface CommandContext<A> extends EventContext<MessageEvent> {
  readonly args: A;
  readonly command: CommandSpec;
}

export type ArgKind = 'word' | 'rest' | 'member';

/**
 * One positional argument. `rest` takes the remaining text; `member` resolves a mention.
 * `arg.<name>` in the message files is its name in the member's language ("period", "时段"): error
 * messages name it with that; the usage line shows `choices` where there are some.
 */
export interface ArgSpec<N extends string = string, T = unknown, O extends boolean = boolean> {
  readonly name: N;
  readonly kind: ArgKind;
  readonly schema: z.ZodType<T>;
  readonly optional: O;
  /** The accepted words, for the usage line (`[week|month|all]`) and the error. */
  readonly choices?: readonly string[];
  /** A value for the usage error's example (`/boost 2x 48h`). */
  readonly example?: string;
}

type AnyArg = ArgSpec<string, unknown, boolean>;

/** The handler's typed view of its parsed arguments. */
export type ArgsOf<A extends readonly AnyArg[]> = {
  [S in A[number] as S['name']]: S extends ArgSpec<string, infer T, infer O> ? (O extends true ? T | undefined : T) : never;
};

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
    return { name, kind: 'word', schema: z.string().min(1), optional: false, ...(example !== undefined ? { example } : {}) };
  },
  int<N extends string>(name: N, min = 1, max = 1_000_000_000, example?: string): ArgSpec<N, number, false> {
    return { name, kind: 'word', schema: intSchema(min, max), optional: false, example: example ?? String(Math.max(min, Math.min(max, 1))) };
  },
  choice<N extends string, const C extends readonly [string, ...string[]]>(name: N, choices: C): ArgSpec<N, C[number], false> {
    return { name, kind: 'word', schema: z.enum(choices) as unknown as z.ZodType<C[number]>, optional: false, choices, example: choices[0] };
  },
  /** A language as members type it (`en`, `zh-CN`, `zh_Hans`, `English`, `中文`), as a shipped locale. */
  locale<N extends string>(name: N): ArgSpec<N, Locale, false> {
    const choices = ['zh', 'en'] as const;
    const schema = z.string().transform((raw, ctx) => {
      const locale = parseLocaleTag(raw);
      if (locale === undefined) {
        ctx.issues.push({ code: 'invalid_value', values: [...choices], input: raw });
        return z.NEVER;
      }
      return locale;
    }) as unknown as z.ZodType<Locale>;
    return { name, kind: 'word', schema, optional: false, choices, example: 'en' };
  },
  rest<N extends string>(name: N, example?: string): ArgSpec<N, string, false> {
    return { name, kind: 'rest', schema: z.string().min(1), optional: false, ...(example !== undefined ? { example } : {}) };
  },
  member<N extends string>(name: N): ArgSpec<N, MemberTarget, false> {
    return { name, kind: 'member', schema: z.custom<MemberTarget>((v) => typeof v === 'object' && v !== null), optional: false, example: '@alice' };
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
  readonly where: CommandScope;
  /** Seconds between two uses by one member. */
  readonly cooldownSec?: number;
  /** Whether the command appears in platform command menus. */
  readonly inMenu?: boolean;
  readonly handler: (ctx: CommandContext<ArgsOf<A>>) => void;
}

/** Declares a command with its handler's argument types inferred from `args`. */
export function defineCommand<const A extends readonly AnyArg[]>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}
