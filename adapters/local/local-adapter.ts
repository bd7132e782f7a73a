import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Platform } from '../../src/core/ids.ts';
import type { Outbound } from '../../src/core/outbound.ts';

/**
 * The `local` platform: no network, used by the console chat and the simulator. Inbound events are
 * injected by the caller; outbound messages go to a callback that prints them.
 */
export class LocalAdapter implements PlatformAdapter {
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['dm', 'member-list', 'member-join-events', 'member-leave-events', 'invite-links']);
  private sink: EventSink | undefined;

  constructor(
    private readonly onOutbound: (out: Outbound) => void,
    readonly platform: Platform = 'local',
  ) {}

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async send(out: Outbound): Promise<void> {
    this.onOutbound(out);
  }

  /** Delivers an event as if the platform had sent it; resolves once the core has handled it. */
  async inject(event: InboundEvent): Promise<void> {
    if (!this.sink) throw new Error('local adapter is not started');
    await this.sink(event);
  }
}
