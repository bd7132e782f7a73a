import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Platform } from '../../src/core/ids.ts';
import type { Outbound } from '../../src/core/outbound.ts';
import type { SendMeta, SendReceipt } from '../../src/core/outbox.ts';

/**
 * The `local` platform: no network, used by the console chat and the simulator. Inbound events are
 * injected by the caller; outbound messages go to a callback that prints them. Each message sent
 * gets a message id, as a platform's would: the outbox's key for it (`hearth-12`), stable across
 * runs on one database, so a member can reply to it (`replyTo` in a simulated message).
 */
export class LocalAdapter implements PlatformAdapter {
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['dm', 'member-list', 'member-join-events', 'member-leave-events', 'invite-links']);
  private sink: EventSink | undefined;

  constructor(
    private readonly onOutbound: (out: Outbound, messageId: string) => void,
    readonly platform: Platform = 'local',
  ) {}

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  private sentCount = 0;

  async send(out: Outbound, meta?: SendMeta): Promise<SendReceipt> {
    const messageId = meta?.idempotencyKey ?? `local-${++this.sentCount}`;
    this.onOutbound(out, messageId);
    return { messageId };
  }

  /** Delivers an event as if the platform had sent it; resolves once the core has handled it. */
  async inject(event: InboundEvent): Promise<void> {
    if (!this.sink) throw new Error('local adapter is not started');
    await this.sink(event);
  }
}
