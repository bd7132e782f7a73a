import type { ChatRef, UserRef } from './ids.ts';

/**
 * A piece of an outbound message. Features build bodies from segments; adapters render and
 * escape them for their platform, so no feature ever writes platform markup.
 */
export type Segment =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'bold'; readonly text: string }
  | { readonly type: 'mention'; readonly user: UserRef; readonly name: string }
  | { readonly type: 'link'; readonly url: string; readonly text?: string }
  | { readonly type: 'br' };

export type Body = readonly Segment[];

/** What the bot says. `reply` answers a message; `dm` may name a group to fall back to. */
export type Outbound =
  | { readonly type: 'reply'; readonly chat: ChatRef; readonly replyTo: string; readonly body: Body }
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
      /** The higher-tier group the member is invited to. */
      readonly target: ChatRef;
      readonly body: Body;
    };

export const seg = {
  text: (text: string): Segment => ({ type: 'text', text }),
  bold: (text: string): Segment => ({ type: 'bold', text }),
  mention: (user: UserRef, name: string): Segment => ({ type: 'mention', user, name }),
  link: (url: string, text?: string): Segment => (text === undefined ? { type: 'link', url } : { type: 'link', url, text }),
  br: (): Segment => ({ type: 'br' }),
};

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
      }
    })
    .join('');
}
