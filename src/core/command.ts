import { z } from 'zod';
import type { ChatKind, InboundEvent, MessageEvent } from './events.ts';
import type { Locale, MessageParams } from './i18n.ts';
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

/** What a passive listener (not a command) receives for every event. */
export interface EventContext<E extends InboundEvent = InboundEvent> extends Responder {
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

/** One positional argument. `rest` takes the remaining text; `member` resolves a mention. */
export interface ArgSpec<N extends string = string, T = unknown, O extends boolean = boolean> {
  readonly name: N;
  readonly kind: ArgKind;
  readonly schema: z.ZodType<T>;
  readonly optional: O;
}

type AnyArg = ArgSpec<string, unknown, boolean>;

/** The handler's typed view of its parsed arguments. */
export type ArgsOf<A extends readonly AnyArg[]> = {
  [S in A[number] as S['name']]: S extends ArgSpec<string, infer T, infer O> ? (O extends true ? T | undefined : T) : never;
};

/** Builders for argument specs; validation is zod, so messages and coercion live in one place. */
export const arg = {
  word<N extends string>(name: N): ArgSpec<N, string, false> {
    return { name, kind: 'word', schema: z.string().min(1), optional: false };
  },
  int<N extends string>(name: N, min = 1, max = 1_000_000_000): ArgSpec<N, number, false> {
    return { name, kind: 'word', schema: z.coerce.number().int().min(min).max(max), optional: false };
  },
  choice<N extends string, const C extends readonly [string, ...string[]]>(name: N, choices: C): ArgSpec<N, C[number], false> {
    return { name, kind: 'word', schema: z.enum(choices) as unknown as z.ZodType<C[number]>, optional: false };
  },
  rest<N extends string>(name: N): ArgSpec<N, string, false> {
    return { name, kind: 'rest', schema: z.string().min(1), optional: false };
  },
  member<N extends string>(name: N): ArgSpec<N, MemberTarget, false> {
    return { name, kind: 'member', schema: z.custom<MemberTarget>((v) => typeof v === 'object' && v !== null), optional: false };
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
