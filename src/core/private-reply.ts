import type { Capability } from './adapter.ts';
import type { SurfaceKind } from './command.ts';
import type { ChatKind } from './events.ts';
import type { ChatRef, UserRef } from './ids.ts';
import { seg, withoutActions, type Body, type Outbound, type Segment } from './outbound.ts';

/** Where and to whom an answer goes, and how the question arrived. */
export interface AnswerTarget {
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  /** The message or interaction answered; none for events that are not a question (a join). */
  readonly replyTo?: string;
  readonly surface: SurfaceKind;
  readonly capabilities: ReadonlySet<Capability>;
  readonly user: UserRef;
  readonly name: string;
}

/**
 * How to answer the actor, decided from the platform's capabilities and never by a feature:
 * - a public answer, any answer in a direct chat, and any answer to typed text: a reply where it was
 *   asked (a member who types `/points` in a group sees the answer there, as text platforms always
 *   did; a DM they did not ask for is confusing, and Telegram refuses DMs to members who never
 *   pressed Start);
 * - a private answer to a slash command or button on a platform with `ephemeral`: an ephemeral reply;
 * - else, where the platform has `dm`: a direct message, mentioning the member in the group if refused;
 * - else: a reply in the group (the platform offers nothing private).
 */
export function answer(target: AnswerTarget, body: Body, isPrivate: boolean): Outbound {
  const { chat, replyTo } = target;
  const plain: Outbound = replyTo === undefined ? { type: 'send', chat, body } : { type: 'reply', chat, replyTo, body };
  if (!isPrivate || target.chatKind === 'direct' || target.surface === 'text' || target.surface === 'job') return plain;
  if (replyTo !== undefined && target.capabilities.has('ephemeral')) return { type: 'reply', chat, replyTo, body, private: true };
  if (target.capabilities.has('dm')) return { type: 'dm', user: target.user, name: target.name, body, fallbackChat: chat };
  return plain;
}

/**
 * The message as this platform can show it: buttons are dropped where it has no `buttons` (the
 * text around them already says what to type). Called right before an adapter's `send`.
 */
export function fitToPlatform(out: Outbound, capabilities: ReadonlySet<Capability>): Outbound {
  let body = capabilities.has('buttons') ? out.body : withoutActions(out.body);
  if (!capabilities.has('files')) body = filesAsText(body);
  return body === out.body ? out : { ...out, body };
}

/**
 * A platform that cannot send files gets a text file as text, after a line with its name (the
 * adapter splits it into messages that fit); any other file becomes its name.
 */
export function filesAsText(body: Body): Body {
  if (!body.some((s) => s.type === 'file')) return body;
  return body.flatMap((s): Segment[] => {
    if (s.type !== 'file') return [s];
    const textual = s.mime.startsWith('text/') || s.mime === 'application/json';
    return textual ? [seg.br(), seg.bold(s.name), seg.br(), seg.text(Buffer.from(s.data, 'base64').toString('utf8'))] : [seg.text(`[${s.name}]`)];
  });
}
