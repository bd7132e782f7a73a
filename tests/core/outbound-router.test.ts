import { describe, expect, it } from 'vitest';
import type { Capability, PlatformAdapter } from '../../src/core/adapter.ts';
import { AdapterError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { OutboundRouter } from '../../src/core/outbound-router.ts';
import { renderPlain, seg, type Outbound } from '../../src/core/outbound.ts';

function fakeAdapter(behaviour: (out: Outbound, attempt: number) => void, caps: Capability[] = ['dm']): PlatformAdapter & { delivered: Outbound[] } {
  let attempt = 0;
  const delivered: Outbound[] = [];
  return {
    platform: 'telegram',
    capabilities: new Set(caps),
    delivered,
    start: async () => {},
    stop: async () => {},
    send: async (out) => {
      behaviour(out, ++attempt);
      delivered.push(out);
    },
  };
}

const chat = { platform: 'telegram' as const, chatId: '-1' };
const user = { platform: 'telegram' as const, userId: '7' };

describe('OutboundRouter', () => {
  it('given a DM refused with no fallback group, then onUndeliverable is asked once and its replacement is sent before deliver resolves', async () => {
    const adapter = fakeAdapter((o) => {
      if (o.type === 'dm') throw new AdapterError('telegram', 'forbidden', 'blocked by user');
    });
    const asked: string[] = [];
    const router = new OutboundRouter({
      logger: silentLogger,
      sleep: async () => {},
      onUndeliverable: ({ out, error }) => {
        asked.push(`${out.type}: ${error}`);
        return out.type === 'dm' ? [{ type: 'send', chat, body: [seg.text('task: reach them by hand')] }] : [];
      },
    });
    router.register(adapter);
    await router.deliver([{ type: 'dm', user, body: [seg.text('come back')] }]);
    expect(asked).toEqual(['dm: dm refused and no fallback group: telegram forbidden: blocked by user']);
    expect(adapter.delivered.map((o) => renderPlain(o.body))).toEqual(['task: reach them by hand']);
  });

  it('given a rate limit on the first attempt, when delivering, then it waits retry_after and sends once', async () => {
    const waits: number[] = [];
    const adapter = fakeAdapter((_o, n) => {
      if (n === 1) throw new AdapterError('telegram', 'rate_limited', '429', 3000);
    });
    const router = new OutboundRouter({ logger: silentLogger, sleep: async (ms) => void waits.push(ms) });
    router.register(adapter);
    await router.deliver([{ type: 'send', chat, body: [seg.text('hi')] }]);
    expect(waits).toEqual([3000]);
    expect(adapter.delivered).toHaveLength(1);
    expect(router.failed).toEqual([]);
  });

  it('given a DM the platform forbids, when delivering, then the member is mentioned in the fallback group', async () => {
    const adapter = fakeAdapter((out) => {
      if (out.type === 'dm') throw new AdapterError('telegram', 'forbidden', 'bot was blocked');
    });
    const router = new OutboundRouter({ logger: silentLogger, sleep: async () => {} });
    router.register(adapter);
    await router.deliver([{ type: 'dm', user, name: 'Ann', body: [seg.text('your code')], fallbackChat: chat }]);
    expect(adapter.delivered).toHaveLength(1);
    expect(adapter.delivered[0]!.type).toBe('send');
    expect(renderPlain(adapter.delivered[0]!.body)).toBe('@Ann your code');
  });

  it('given a platform that keeps failing, when retries run out, then the message is kept in failed, not dropped silently', async () => {
    const adapter = fakeAdapter(() => {
      throw new AdapterError('telegram', 'network', 'ECONNRESET');
    });
    const router = new OutboundRouter({ logger: silentLogger, sleep: async () => {}, maxAttempts: 3 });
    router.register(adapter);
    await router.deliver([{ type: 'send', chat, body: [seg.text('x')] }]);
    expect(router.failed).toHaveLength(1);
    expect(router.failed[0]!.error).toMatch(/ECONNRESET/);
  });

  it('keeps the order of messages to one platform', async () => {
    const adapter = fakeAdapter(() => {});
    const router = new OutboundRouter({ logger: silentLogger });
    router.register(adapter);
    await router.deliver(['1', '2', '3'].map((t) => ({ type: 'send' as const, chat, body: [seg.text(t)] })));
    expect(adapter.delivered.map((o) => renderPlain(o.body))).toEqual(['1', '2', '3']);
  });

  it('given a broadcast where one chat is forbidden, when delivering with pacing, then the others are sent, each result is reported and sends are paced', async () => {
    const waits: number[] = [];
    const adapter = fakeAdapter((out) => {
      if (out.type === 'send' && out.chat.chatId === '-2') throw new AdapterError('telegram', 'forbidden', 'kicked');
    });
    const router = new OutboundRouter({ logger: silentLogger, sleep: async (ms) => void waits.push(ms), paceMs: { telegram: 40 } });
    router.register(adapter);
    const settled: boolean[] = [];
    router.onSettled((r) => settled.push(r.ok));
    const outs: Outbound[] = ['-1', '-2', '-3'].map((chatId) => ({ type: 'send', chat: { platform: 'telegram', chatId }, body: [seg.text('news')] }));
    const results = await router.deliver(outs);
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['ok', 'telegram forbidden: kicked', 'ok']);
    expect(settled).toEqual([true, false, true]);
    expect(adapter.delivered.map((o) => (o.type === 'send' ? o.chat.chatId : ''))).toEqual(['-1', '-3']);
    expect(waits).toEqual([40, 40, 40]);
  });
});
