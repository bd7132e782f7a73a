import { z } from 'zod';
import type { InboundEvent } from '../../src/core/events.ts';
import { PLATFORMS } from '../../src/core/ids.ts';
import type { Outbound } from '../../src/core/outbound.ts';
import { isToUser, renderPlain } from '../../src/core/outbound.ts';
import { localDateTime } from '../../src/core/clock.ts';
import { localMemberEvent, localMessageEvent, localReactionEvent } from './local-events.ts';

const id = z.union([z.string().min(1), z.number()]).transform(String);
const base = {
  at: z.iso.datetime({ offset: true }),
  platform: z.enum(PLATFORMS).optional(),
  id: id.optional(),
};

/** One input line of `hearth simulate` (DESIGN §7). */
export const simLineSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('message'),
    chat: id.optional(),
    user: id,
    name: z.string().optional(),
    lang: z.string().optional(),
    text: z.string().default(''),
    links: z.array(z.string()).optional(),
    kind: z.enum(['text', 'image', 'video', 'audio', 'file', 'sticker', 'link', 'card', 'other']).optional(),
    forwarded: z.boolean().optional(),
    card: z.object({ title: z.string(), url: z.string().optional() }).optional(),
    admin: z.boolean().optional(),
    replyTo: id.optional(),
  }),
  z.object({ ...base, type: z.literal('member.joined'), chat: id, user: id, name: z.string().optional(), inviter: id.optional(), invite: z.string().optional() }),
  z.object({ ...base, type: z.literal('member.left'), chat: id, user: id, name: z.string().optional() }),
  z.object({ ...base, type: z.literal('reaction'), chat: id, user: id, name: z.string().optional(), message: id, emoji: z.string().default('👍') }),
  z.object({ ...base, type: z.literal('tick') }),
]);

export type SimLine = z.infer<typeof simLineSchema>;

/** A parsed input line: an event to dispatch or a tick to run due jobs, at a time. */
export type SimStep = { readonly at: Date; readonly event: InboundEvent } | { readonly at: Date; readonly tick: true };

/** A line that could not be used; the simulator reports it and goes on. */
export class SimLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Parses one JSON line. The default message id is the line number plus the time, so replaying a
 * different stream into the same database does not collide with earlier keys, while an explicit
 * `id` replayed is recognised as the same event.
 */
export function parseSimLine(text: string, lineNo: number): SimStep {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SimLineError(lineNo, `invalid JSON (${(err as Error).message})`);
  }
  const parsed = simLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SimLineError(lineNo, `${issue.path.join('.') || 'line'}: ${issue.message}`);
  }
  const l = parsed.data;
  const at = new Date(l.at);
  if (l.type === 'tick') return { at, tick: true };
  const eventId = l.id ?? `L${lineNo}-${at.getTime()}`;
  const platform = l.platform;
  switch (l.type) {
    case 'message':
      return {
        at,
        event: localMessageEvent({
          ...(platform ? { platform } : {}),
          ...(l.chat !== undefined ? { chat: l.chat } : {}),
          user: l.user,
          ...(l.name ? { name: l.name } : {}),
          ...(l.lang ? { lang: l.lang } : {}),
          text: l.text,
          id: eventId,
          at,
          ...(l.links ? { links: l.links } : {}),
          ...(l.kind ? { kind: l.kind } : {}),
          ...(l.forwarded !== undefined ? { forwarded: l.forwarded } : {}),
          ...(l.card ? { card: l.card } : {}),
          ...(l.admin ? { admin: l.admin } : {}),
          ...(l.replyTo !== undefined ? { replyTo: l.replyTo } : {}),
        }),
      };
    case 'member.joined':
    case 'member.left':
      return {
        at,
        event: localMemberEvent(l.type, {
          ...(platform ? { platform } : {}),
          chat: l.chat,
          user: l.user,
          ...(l.name ? { name: l.name } : {}),
          id: eventId,
          at,
          ...(l.type === 'member.joined' && l.inviter ? { inviter: l.inviter } : {}),
          ...(l.type === 'member.joined' && l.invite ? { invite: l.invite } : {}),
        }),
      };
    case 'reaction':
      return {
        at,
        event: localReactionEvent({ ...(platform ? { platform } : {}), chat: l.chat, user: l.user, ...(l.name ? { name: l.name } : {}), id: eventId, at, messageId: l.message, emoji: l.emoji }),
      };
  }
}

/** One output line of `hearth simulate`. Ids are local ids; `platform` appears only for other platforms. */
export interface SimOutput {
  at: string;
  /** `at` as the community's wall clock shows it (`2026-03-02 09:00`), for reading a run. */
  local: string;
  type: Outbound['type'];
  platform?: string;
  chat?: string;
  user?: string;
  /** The role an invite grants, where its door is a role. */
  role?: string;
  text: string;
  /** The message's id on the local platform, for a later line's `replyTo`. */
  id?: string;
}

export function renderSimOutput(out: Outbound, at: Date, timeZone: string, messageId?: string): SimOutput {
  const platform = isToUser(out) ? out.user.platform : out.chat.platform;
  const line: SimOutput = { at: at.toISOString(), local: localDateTime(at, timeZone), type: out.type, text: renderPlain(out.body) };
  if (platform !== 'local') line.platform = platform;
  if (out.type === 'dm') line.user = out.user.userId;
  else if (out.type === 'invite' || out.type === 'revoke') {
    line.user = out.user.userId;
    if (out.door.kind === 'chat') line.chat = out.door.chat.chatId;
    else line.role = out.door.roleId;
  } else line.chat = out.chat.chatId;
  if (messageId !== undefined) line.id = messageId;
  return line;
}
