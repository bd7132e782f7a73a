import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { loadContent } from '../../../src/config/load.ts';
import { FakeClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { openDb } from '../../../src/db/open.ts';
import { CONTENT_DIR } from '../../helpers/harness.ts';
import { BOT, wechatLane, type WechatLane } from './lane.ts';

let running: { lane: WechatLane; app: App } | undefined;
afterEach(async () => {
  await running?.lane.adapter.stop();
  running?.app.db.close();
  running = undefined;
});

describe('the WeChat send policy in the outbox, through the real Wechaty (virtual time)', () => {
  it('given 50 members checking in to one room within a minute, then the 50 replies keep the configured gaps and per-minute caps, and none is dropped', async () => {
    const clock = new FakeClock('2026-03-02T10:00:00+08:00');
    // Time moves only when the test says so: while members talk, waiting sends stay queued; at
    // the end the outbox's own sleeps advance the clock.
    let virtual = false;
    const content = loadContent(CONTENT_DIR);
    const policy = content.community.delivery.policies.wechat!;
    const app = createApp({ db: openDb(':memory:'), content, clock, logger: silentLogger, random: () => 0.5, sleep: async (ms) => void (virtual && clock.advance(ms)) });
    const lane = await wechatLane({ sink: (e) => app.dispatcher.sink(e), puppetClock: () => clock.now().getTime() });
    running = { lane, app };
    app.router.register(lane.adapter);
    const members = Array.from({ length: 50 }, (_, i) => lane.mocker.createContact({ id: `wxid_m${i}`, name: `会员${i}` }));
    lane.mocker.createRoom({ id: 'busy@chatroom', topic: '热闹群', memberIdList: [BOT.id, ...members.map((m) => m.id)] });
    const start = clock.now().getTime();
    for (const m of members) {
      await lane.say(m.id, 'busy@chatroom', '签到', { timestamp: clock.now().getTime() });
      clock.advance(1200);
    }
    expect(clock.now().getTime() - start).toBe(60_000);
    virtual = true;
    for (let i = 0; i < 20 && lane.puppet.sent.filter((s) => s.conversationId === 'busy@chatroom').length < 50; i++) await app.outbox.drain();

    const sent = lane.puppet.sent.filter((s) => s.conversationId === 'busy@chatroom');
    // Every member answered exactly once, by name: nothing dropped, nothing doubled.
    expect(sent.map((s) => s.mentionIds[0]).sort()).toEqual(members.map((m) => m.id).sort());
    expect(sent.every((s) => s.text.startsWith('@会员') && s.text.includes('签到成功'))).toBe(true);
    const stamps = sent.map((s) => s.at);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.max(policy.chatMinGapMs!, policy.minGapMs!));
    const perMinute = Math.max(...stamps.map((t) => stamps.filter((u) => u >= t && u < t + 60_000).length));
    expect(perMinute).toBeLessThanOrEqual(Math.min(policy.perChatPerMinute!, policy.perMinute!));
    // At 6 a minute, 50 replies take more than 8 minutes; the oldest waits far less than a reply's max age.
    expect(stamps.at(-1)! - stamps[0]!).toBeGreaterThan(8 * 60_000);
    const rows = app.db.sqlite.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all();
    expect(rows).toEqual([{ status: 'sent', n: 50 }]);
  }, 120_000);
});
