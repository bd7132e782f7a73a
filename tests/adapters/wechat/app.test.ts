import { afterEach, describe, expect, it } from 'vitest';
import { types } from 'wechaty';
import { LocalAdapter } from '../../../adapters/local/local-adapter.ts';
import { localMessageEvent } from '../../../adapters/local/local-events.ts';
import { createApp, type App } from '../../../src/app.ts';
import { FakeClock } from '../../../src/core/clock.ts';
import type { MessageEvent } from '../../../src/core/events.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { renderPlain, type Outbound } from '../../../src/core/outbound.ts';
import { openDb } from '../../../src/db/open.ts';
import { contentWith } from '../../helpers/harness.ts';
import { BOT, ROOM, until, wechatLane, ZHANG, type WechatLane } from './lane.ts';

/** The core tier's WeChat room, bound in config; the bot is in it. */
const CORE_ROOM = 'vipcore@chatroom';

interface WechatApp {
  readonly app: App;
  readonly clock: FakeClock;
  readonly lane: WechatLane;
  /** What the bot said on the local platform (the staff chat is `local:staff`). */
  readonly local: Outbound[];
  /** Runs a command as the local operator in the staff chat; returns what the staff chat was told meanwhile. */
  staff(text: string): Promise<string[]>;
}

let running: { lane: WechatLane; app: App } | undefined;
afterEach(async () => {
  await running?.lane.adapter.stop();
  running?.app.db.close();
  running = undefined;
});

let seq = 0;

/**
 * The whole bot with the real WechatAdapter (wechaty over the mock puppet) and the local console
 * platform side by side: members talk on WeChat, the operators' staff chat is local. WeChat's send
 * policy is emptied here (the send-policy test covers it) so the fake clock need not move.
 */
async function wechatApp(): Promise<WechatApp> {
  const clock = new FakeClock('2026-03-02T09:00:00+08:00');
  const content = contentWith((cfg) => {
    (cfg.groups as unknown[]).push({ chat: `wechat:${CORE_ROOM}`, tier: 'core' });
    (cfg.delivery as { policies: Record<string, unknown> }).policies.wechat = {};
  });
  const app = createApp({ db: openDb(':memory:'), content, clock, logger: silentLogger, sleep: async () => {} });
  const local: Outbound[] = [];
  const console = new LocalAdapter((out) => local.push(out));
  app.router.register(console);
  await console.start(app.dispatcher.sink);
  const lane = await wechatLane({ sink: (e) => app.dispatcher.sink(e) });
  app.router.register(lane.adapter);
  lane.adapter.onStatus((s) => app.noteAdapterStatus('wechat', s));
  lane.mocker.createRoom({ id: CORE_ROOM, topic: '核心会员群', memberIdList: [BOT.id] });
  running = { lane, app };
  return {
    app,
    clock,
    lane,
    local,
    async staff(text) {
      const before = local.length;
      await app.dispatcher.dispatch(localMessageEvent({ user: 'op', text, chat: 'staff', id: `op${++seq}`, at: clock.now() }));
      await app.outbox.drain(0);
      return local.slice(before).filter((o) => o.type === 'send' || o.type === 'reply').map((o) => renderPlain(o.body));
    },
  };
}

/** The member id behind a WeChat contact, once the bot has seen them. */
const memberOf = (app: App, userId: string) => app.exportState().members.find((m) => m.identities.includes(`wechat:${userId}`))!;

describe('WeChat tier doors and status through the whole bot', () => {
  it('given 帮助 in a WeChat room, then the help leads with the bare words (签到 / 打卡 before /checkin), slash-only commands after', async () => {
    const w = await wechatApp();
    await w.lane.say(ZHANG.id, ROOM.id, '帮助');
    await w.app.outbox.drain(0);
    const lines = w.lane.puppet.sent.at(-1)!.text.split('\n');
    const checkin = lines.findIndex((l) => l.startsWith('签到 / 打卡 (/checkin) — '));
    expect(checkin).toBeGreaterThan(0);
    expect(lines).toContainEqual(expect.stringMatching(/^兑换 <商品编号>.* \(\/redeem\) — /));
    expect(lines).toContainEqual(expect.stringMatching(/^积分 \/ 我的积分 \(\/points\) — /));
    // Every command that has words comes before the first one typed only with a slash.
    const firstSlash = lines.findIndex((l) => l.startsWith('/'));
    const lastWords = lines.map((l) => / \(\/[a-z-]+\) — /.test(l)).lastIndexOf(true);
    expect(firstSlash === -1 || lastWords < firstSlash).toBe(true);
  });

  it('given a WeChat member moved up to core, then the bot adds them to the core room itself and tells them by DM', async () => {
    const w = await wechatApp();
    await w.lane.say(ZHANG.id, ROOM.id, '签到');
    const zhang = memberOf(w.app, ZHANG.id);
    await w.staff(`/tier #${zhang.id} core 品牌大使`);
    await until(() => w.lane.puppet.added.length > 0, 'the room add');
    await w.app.outbox.drain(0);
    expect(w.lane.puppet.added).toEqual([{ roomId: CORE_ROOM, contactId: ZHANG.id }]);
    expect(w.lane.puppet.sent.filter((s) => s.conversationId === ZHANG.id).map((s) => s.text)).toEqual([expect.stringContaining('核心会员')]);
    expect(w.app.exportState().tiers.invites).toEqual([expect.objectContaining({ member: zhang.id, tier: 'core', chat: `wechat:${CORE_ROOM}`, via: 'add-member' })]);
  });

  it('given a member who can be neither added to the room nor sent its QR code, then the staff chat gets the task to add them by hand', async () => {
    const w = await wechatApp();
    w.lane.mocker.createContact({ id: 'wxid_fan', name: '小粉丝', friend: false });
    w.lane.puppet.addRefused.add(CORE_ROOM);
    await w.lane.say('wxid_fan', ROOM.id, '签到');
    const fan = memberOf(w.app, 'wxid_fan');
    const told = await w.staff(`/tier #${fan.id} core 活动获奖`);
    expect(told.filter((t) => t.startsWith('等级升级'))).toEqual([`等级升级：请把 @小粉丝 拉进核心会员群（wechat:${CORE_ROOM}）。`]);
    expect(w.lane.puppet.added).toEqual([]);
    const failed = w.app.db.sqlite.prepare("SELECT error FROM outbox WHERE status = 'failed'").all() as { error: string }[];
    expect(failed).toEqual([{ error: expect.stringContaining('needs_staff') }]);
  });

  it('given the WeChat account is logged out and logged in again, then the staff chat hears each step once, and a reply meanwhile waits and is sent after', async () => {
    const w = await wechatApp();
    const staffTold = () => w.local.filter((o) => o.type === 'send' && o.chat.chatId === 'staff').map((o) => renderPlain(o.body));
    const [asked] = (await w.lane.say(ZHANG.id, ROOM.id, '积分')) as MessageEvent[];
    await w.app.outbox.drain(0);
    w.lane.mocker.puppet.logout();
    await until(() => w.lane.adapter.status.state === 'offline', 'offline');
    await w.app.outbox.drain(0);
    expect(staffTold()).toEqual([expect.stringMatching(/^⚠️ wechat 于 2026-03-02 09:00 掉线（logged out.*）。消息在发件箱里排队/)]);
    // A member's 签到 that reached the bot just before: the reply waits for the login, it does not fail.
    await w.app.dispatcher.dispatch({ ...asked!, key: 'wechat:test:checkin', messageId: 'checkin-1', text: '签到' });
    const lane = `wechat:${ROOM.id}`;
    const last = () => (w.app.db.sqlite.prepare('SELECT status, error FROM outbox WHERE lane = ? ORDER BY id DESC LIMIT 1').get(lane) as { status: string; error: string | null });
    expect(last()).toMatchObject({ status: 'pending', error: expect.stringContaining('not_logged_in') });
    w.lane.mocker.scan('https://login.weixin.qq.com/l/again', types.ScanStatus.Waiting);
    await until(() => w.lane.adapter.status.state === 'waiting-for-login', 'the new QR code');
    w.lane.mocker.login(w.lane.contacts.bot);
    await until(() => w.lane.adapter.status.state === 'online', 'online again');
    // The retry's backoff has passed.
    w.clock.advance(5000);
    await w.app.outbox.drain(0);
    expect(staffTold()).toEqual([
      expect.stringContaining('掉线'),
      '⚠️ wechat 自 2026-03-02 09:00 起需要重新登录：请用机器人账号扫描日志里的二维码。',
      '✅ wechat 自 2026-03-02 09:00 起恢复在线，排队的消息现在发出。',
    ]);
    expect(last()).toMatchObject({ status: 'sent' });
    expect(w.lane.puppet.sent.at(-1)).toMatchObject({ conversationId: ROOM.id, text: expect.stringContaining('签到成功') });
  });
});

describe('WeChat quotes of the bot’s own messages', () => {
  it('given a campaign whose entries are replies, when a member quotes the announcement in the room, then the quote resolves to the message the outbox recorded and counts as one entry; a quote of another member does not', async () => {
    const w = await wechatApp();
    const now = { timestamp: w.clock.now().getTime() };
    await w.lane.say(ZHANG.id, CORE_ROOM, '大家好', now);
    await w.staff('/campaign new weekend reply 2d points=4 周末计划');
    await w.app.outbox.drain(0);
    const announcement = w.lane.puppet.sent.find((s) => s.conversationId === CORE_ROOM && s.text.includes('周末计划'));
    expect(announcement).toBeDefined();
    const recorded = w.app.db.sqlite.prepare("SELECT platform_message_id AS id FROM outbox WHERE lane LIKE 'wechat%' AND ref_feature = 'campaigns' AND status = 'sent'").all() as { id: string }[];
    expect(recorded).toHaveLength(1);
    const quote = (author: string, text: string, reply: string) => `「${author}：${text}」\n- - - - - - - - - - - - - - -\n${reply}`;
    const [entry] = await w.lane.say(ZHANG.id, CORE_ROOM, quote(BOT.name, announcement!.text, '去山里徒步，然后吃面'), now);
    expect((entry as MessageEvent).replyToMessageId).toBe(recorded[0]!.id);
    await w.lane.say(ZHANG.id, CORE_ROOM, quote(ZHANG.name, '大家好', '周末在家睡觉'), now);
    await w.app.outbox.drain(0);
    const entries = w.app.services.campaigns.repo.entries('weekend', 10);
    expect(entries.map((e) => [e.chatKey, e.text, e.points])).toEqual([[`wechat:${CORE_ROOM}`, '去山里徒步，然后吃面', 4]]);
  });
});
