import type { ChatRef, SpaceRef, UserRef } from './ids.ts';

/**
 * A piece of an outbound message. Features build bodies from segments; adapters render and
 * escape them for their platform, so no feature ever writes platform markup.
 */
export type Segment =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'bold'; readonly text: string }
  | { readonly type: 'mention'; readonly user: UserRef; readonly name: string }
  | { readonly type: 'link'; readonly url: string; readonly text?: string }
  | { readonly type: 'br' }
  /** A picture (a QR code for a room invite): by URL, or as base64 `data` of type `mime`. */
  | { readonly type: 'image'; readonly url?: string; readonly data?: string; readonly mime?: string; readonly alt: string }
  /**
   * A file to download (a member's data export): base64 `data` of type `mime`, named `name`.
   * Sent as a document where the platform has `files`; elsewhere the core turns a text file into
   * the text itself (see `fitToPlatform`).
   */
  | { readonly type: 'file'; readonly name: string; readonly mime: string; readonly data: string }
  | ActionSegment;

/**
 * A button that runs a command of the table with argument text, as if the presser had typed it
 * (same role checks). Rendered only where the platform has `buttons`; the core strips buttons
 * elsewhere, so the text around them must stand alone.
 */
export interface ActionSegment {
  readonly type: 'action';
  readonly label: string;
  readonly command: string;
  readonly args: string;
  readonly style?: 'primary' | 'secondary' | 'danger';
}

export type Body = readonly Segment[];

/**
 * Where a promotion lets a member in: a chat to invite them to, or a role to grant them in a
 * space (a Discord guild whose higher-tier channels that role opens).
 */
export type Door =
  | { readonly kind: 'chat'; readonly chat: ChatRef }
  | { readonly kind: 'role'; readonly space: SpaceRef; readonly roleId: string };

/**
 * What the bot says. `reply` answers a message or an interaction; `dm` may name a group to fall
 * back to; `invite` opens a door for a member and `revoke` closes one (a tier role removed after a
 * demotion), sent only to platforms whose adapter can (`role-grant`).
 */
export type Outbound =
  | {
      readonly type: 'reply';
      readonly chat: ChatRef;
      /** The message id, or the interaction id for a slash command or a button. */
      readonly replyTo: string;
      readonly body: Body;
      /**
       * Seen only by the member answered (Discord ephemeral). Set by the core (`private-reply.ts`),
       * only on interaction replies on platforms with `ephemeral`.
       */
      readonly private?: boolean;
    }
  | { readonly type: 'send'; readonly chat: ChatRef; readonly body: Body }
  | {
      readonly type: 'dm';
      readonly user: UserRef;
      /** The member's display name, for the fallback mention. */
      readonly name?: string;
      readonly body: Body;
      /** Where to mention the member instead when the platform refuses the DM. */
      readonly fallbackChat?: ChatRef;
    }
  | {
      readonly type: 'invite';
      readonly user: UserRef;
      /** The higher-tier group or role the member is let in by. */
      readonly door: Door;
      readonly body: Body;
    }
  | {
      readonly type: 'revoke';
      readonly user: UserRef;
      /** The door the member no longer has: the same one their `invite` opened. */
      readonly door: Door;
      /** What the member is told by DM as well; empty for nothing (a demotion says so itself). */
      readonly body: Body;
    };

/** Outbounds addressed to one user (their private chat) rather than to a chat. */
export type UserOutbound = Extract<Outbound, { type: 'dm' | 'invite' | 'revoke' }>;

/** Whether an outbound goes to a user rather than a chat. */
export function isToUser(out: Outbound): out is UserOutbound {
  return out.type === 'dm' || out.type === 'invite' || out.type === 'revoke';
}

export const seg = {
  text: (text: string): Segment => ({ type: 'text', text }),
  bold: (text: string): Segment => ({ type: 'bold', text }),
  mention: (user: UserRef, name: string): Segment => ({ type: 'mention', user, name }),
  link: (url: string, text?: string): Segment => (text === undefined ? { type: 'link', url } : { type: 'link', url, text }),
  br: (): Segment => ({ type: 'br' }),
  image: (image: { url?: string; data?: string; mime?: string; alt: string }): Segment => ({ type: 'image', ...image }),
  /** A file from text (UTF-8), e.g. a JSON export. */
  textFile: (name: string, mime: string, text: string): Segment => ({ type: 'file', name, mime, data: Buffer.from(text, 'utf8').toString('base64') }),
  action: (label: string, command: string, args: string, style?: ActionSegment['style']): Segment =>
    style === undefined ? { type: 'action', label, command, args } : { type: 'action', label, command, args, style },
};

/** The buttons of a body, in order. */
export function actionsOf(body: Body): ActionSegment[] {
  return body.filter((s): s is ActionSegment => s.type === 'action');
}

/** The body without its buttons, for platforms that cannot show them. */
export function withoutActions(body: Body): Body {
  return body.some((s) => s.type === 'action') ? body.filter((s) => s.type !== 'action') : body;
}

/** Joins bodies with line breaks between them. */
export function joinLines(lines: readonly Body[]): Body {
  const out: Segment[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push(seg.br());
    out.push(...line);
  });
  return out;
}

/** Plain-text rendering: what the local console and the simulator print. */
export function renderPlain(body: Body): string {
  return body
    .map((s) => {
      switch (s.type) {
        case 'text':
        case 'bold':
          return s.text;
        case 'mention':
          return `@${s.name}`;
        case 'link':
          return s.text === undefined ? s.url : `${s.text} (${s.url})`;
        case 'br':
          return '\n';
        case 'image':
          return s.url === undefined ? `[${s.alt}]` : `[${s.alt}] (${s.url})`;
        case 'file':
          return `[${s.name}]`;
        case 'action':
          return `[${s.label}: /${s.command}${s.args === '' ? '' : ` ${s.args}`}]`;
      }
    })
    .join('');
}
