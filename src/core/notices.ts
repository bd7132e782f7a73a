import type { Delivery } from './outbox.ts';
import type { Outbound } from './outbound.ts';

/**
 * Notices a member earns by what they do, which a busy group need not read: a new-member task
 * done, a milestone reached. Each group says how it wants them (`notices` in community.yaml).
 */
export const NOTICE_KINDS = ['tasks', 'milestones'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** `public`: in the group where it happened; `dm`: to the member only; `silent`: not sent. */
export const NOTICE_MODES = ['public', 'dm', 'silent'] as const;
export type NoticeMode = (typeof NOTICE_MODES)[number];

/** A notice in both its forms; the group's mode picks one when it is written to the outbox. */
export interface Notice {
  readonly kind: NoticeKind;
  /** The group whose mode applies (`platform:chat-id`). */
  readonly chatKey: string;
  /** The message in the group (a reply, or a line mentioning the member). */
  readonly public: Outbound;
  /** The same news told to the member privately (their DM, in their language). */
  readonly private: readonly Outbound[];
}

/** How a group wants each kind of notice. */
export type NoticePolicy = (kind: NoticeKind, chatKey: string) => NoticeMode;

const notices = new WeakMap<Outbound, Notice>();

/**
 * Marks a notice: returns its public form, which features emit or record like any message; the
 * delivery (see `withNotices`) replaces it by what the group's mode says. Features never choose.
 */
export function notice(n: Notice): Outbound {
  notices.set(n.public, n);
  return n.public;
}

/** The messages to write for `outs`: every notice in the form its group's mode asks for. */
export function applyNotices(outs: readonly Outbound[], policy: NoticePolicy): Outbound[] {
  return outs.flatMap((out) => {
    const n = notices.get(out);
    if (!n) return [out];
    const mode = policy(n.kind, n.chatKey);
    return mode === 'public' ? [out] : mode === 'dm' ? [...n.private] : [];
  });
}

/** A delivery that applies the notice policy to everything recorded: the one place it is decided. */
export function withNotices(delivery: Delivery, policy: NoticePolicy): Delivery {
  return {
    record: (sourceKey, outs) => {
      const written = applyNotices(outs, policy);
      if (written.length > 0) delivery.record(sourceKey, written);
    },
    flush: () => delivery.flush(),
  };
}
