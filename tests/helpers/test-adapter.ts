import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import type { CommandCatalog } from '../../src/core/catalog.ts';
import type { CommandOptionValue, InboundEvent, Sender } from '../../src/core/events.ts';
import type { ChatRef, Platform, SpaceRef } from '../../src/core/ids.ts';
import type { Outbound } from '../../src/core/outbound.ts';

/**
 * A platform adapter for tests that delivers structured input (slash commands and button
 * presses) the way an interaction platform does, with whatever capabilities a test declares, and
 * a member list a test can edit. Outbound messages are kept as they arrive.
 */
export class TestAdapter implements PlatformAdapter {
  readonly sent: Outbound[] = [];
  catalog: CommandCatalog | undefined;
  /** Group id → the user ids `listMembers` reports. */
  readonly rosters = new Map<string, string[]>();
  private sink: EventSink | undefined;
  private seq = 0;

  constructor(
    readonly platform: Platform,
    readonly capabilities: ReadonlySet<Capability>,
    private readonly space?: SpaceRef,
  ) {}

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async send(out: Outbound): Promise<void> {
    this.sent.push(out);
  }

  async publishCatalog(catalog: CommandCatalog): Promise<void> {
    this.catalog = catalog;
  }

  async listMembers(chat: ChatRef): Promise<readonly Sender[]> {
    return (this.rosters.get(chat.chatId) ?? []).map((userId) => ({ user: { platform: this.platform, userId } }));
  }

  private base(chat: string | undefined, user: string, at: Date) {
    const ref = { platform: this.platform, chatId: chat ?? `dm:${user}` };
    return { platform: this.platform, chat: ref, chatKind: chat === undefined ? ('direct' as const) : ('group' as const), at, ...(this.space ? { space: this.space } : {}) };
  }

  /** A slash command; pass the same `interactionId` again to redeliver it. */
  command(o: { user: string; name?: string; chat?: string; command: string; options?: Record<string, CommandOptionValue>; at: Date; interactionId?: string; lang?: string }): InboundEvent {
    const interactionId = o.interactionId ?? `i${++this.seq}`;
    return {
      type: 'command',
      key: `${this.platform}:${o.chat ?? `dm:${o.user}`}:i:${interactionId}`,
      ...this.base(o.chat, o.user, o.at),
      sender: { user: { platform: this.platform, userId: o.user }, ...(o.name ? { name: o.name } : {}), ...(o.lang ? { language: o.lang } : {}) },
      name: o.command,
      options: o.options ?? {},
      interactionId,
    };
  }

  /** A button press on message `messageId`. */
  action(o: { user: string; chat?: string; actionId: string; value: string; at: Date; interactionId?: string; lang?: string }): InboundEvent {
    const interactionId = o.interactionId ?? `i${++this.seq}`;
    return {
      type: 'action',
      key: `${this.platform}:${o.chat ?? `dm:${o.user}`}:i:${interactionId}`,
      ...this.base(o.chat, o.user, o.at),
      sender: { user: { platform: this.platform, userId: o.user }, ...(o.lang ? { language: o.lang } : {}) },
      actionId: o.actionId,
      value: o.value,
      messageId: 'card',
      interactionId,
    };
  }

  /** A join or leave in a group. */
  member(type: 'member.joined' | 'member.left', o: { user: string; chat: string; at: Date; inviter?: string; name?: string; spaceWide?: boolean }): InboundEvent {
    const base = { key: `${this.platform}:${o.chat}:${type}:${o.user}:${++this.seq}`, ...this.base(o.chat, o.user, o.at), member: { user: { platform: this.platform, userId: o.user }, ...(o.name ? { name: o.name } : {}) }, ...(o.spaceWide ? { spaceWide: true } : {}) };
    return type === 'member.joined'
      ? { type, ...base, ...(o.inviter ? { inviter: { platform: this.platform, userId: o.inviter } } : {}) }
      : { type, ...base };
  }

  /** A text message. */
  message(o: { user: string; chat?: string; text: string; at: Date; name?: string; lang?: string; mentions?: { user: string; text: string; isSelf?: boolean }[] }): InboundEvent {
    const id = `m${++this.seq}`;
    return {
      type: 'message',
      key: `${this.platform}:${o.chat ?? `dm:${o.user}`}:m:${id}`,
      ...this.base(o.chat, o.user, o.at),
      messageId: id,
      sender: { user: { platform: this.platform, userId: o.user }, ...(o.name ? { name: o.name } : {}), ...(o.lang ? { language: o.lang } : {}) },
      text: o.text,
      kind: 'text',
      links: [],
      mentions: (o.mentions ?? []).map((m) => ({ user: { platform: this.platform, userId: m.user }, text: m.text, ...(m.isSelf ? { isSelf: true } : {}) })),
      isForwarded: false,
    };
  }

  /** Delivers an event as the platform would; resolves once the core has handled it. */
  async deliver(event: InboundEvent): Promise<void> {
    if (!this.sink) throw new Error('test adapter is not started');
    await this.sink(event);
  }
}
