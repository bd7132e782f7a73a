import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/core/errors.ts';
import type { MessageEvent } from '../../../src/core/events.ts';
import { seg } from '../../../src/core/outbound.ts';
import { renderTexts } from '../../../adapters/wechat/render.ts';
import { BOT, LI, ROOM, until, wechatLane, ZHANG, type WechatLane } from './lane.ts';

const wechat = (userId: string) => ({ platform: 'wechat' as const, userId });
const room = { platform: 'wechat' as const, chatId: ROOM.id };

describe('WeChat outbound through the real Wechaty over the mock puppet', () => {
  let lane: WechatLane;
  beforeAll(async () => {
    lane = await wechatLane();
  });
  afterAll(async () => {
    await lane?.adapter.stop();
  });

  it('given a reply to a member in a room, then it opens with a real mention of them (WeChat notifies them) and carries their id', async () => {
    const [asked] = (await lane.say(ZHANG.id, ROOM.id, '积分')) as MessageEvent[];
    await lane.adapter.send({ type: 'reply', chat: room, replyTo: asked!.messageId, body: [seg.text('当前积分 10')] });
    expect(lane.puppet.sent.at(-1)).toMatchObject({ conversationId: ROOM.id, text: `@${ZHANG.name}\u2005当前积分 10`, mentionIds: [ZHANG.id] });
  });

  it('given a reply whose body already starts with the member, then the mention is not doubled', async () => {
    const [asked] = (await lane.say(LI.id, ROOM.id, '签到')) as MessageEvent[];
    await lane.adapter.send({ type: 'reply', chat: room, replyTo: asked!.messageId, body: [seg.mention(wechat(LI.id), LI.name), seg.text(' 签到成功：+10 积分')] });
    expect(lane.puppet.sent.at(-1)).toMatchObject({ text: `@${LI.name}\u2005 签到成功：+10 积分`, mentionIds: [LI.id] });
  });

  it('given a DM, then it goes to the contact with the mention as a plain name', async () => {
    await lane.adapter.send({ type: 'dm', user: wechat(ZHANG.id), body: [seg.mention(wechat(LI.id), LI.name), seg.text(' 邀请你加入核心群')] });
    expect(lane.puppet.sent.at(-1)).toMatchObject({ conversationId: ZHANG.id, text: `${LI.name} 邀请你加入核心群`, mentionIds: [] });
  });

  it('given a DM to someone who is not a friend of the bot account, then it is refused as forbidden, so the router mentions them in the group', async () => {
    lane.mocker.createContact({ id: 'wxid_stranger', name: '路人', friend: false });
    const err = await lane.adapter.send({ type: 'dm', user: wechat('wxid_stranger'), body: [seg.text('hi')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe('forbidden');
  });

  it('given the room members asked for, then the puppet’s list comes back without the bot', async () => {
    const members = await lane.adapter.listMembers(room);
    expect(members.map((m) => m.user.userId).sort()).toEqual([LI.id, ZHANG.id, 'wxid_bob'].sort());
    expect(members.find((m) => m.user.userId === ZHANG.id)).toMatchObject({ name: ZHANG.name, handle: ZHANG.weixin });
    expect(lane.adapter.capabilities.has('member-list')).toBe(true);
    expect(lane.adapter.capabilities.has('member-leave-events')).toBe(false);
  });

  it('given an invite to a room where the bot may add members, then the member is added and told by DM', async () => {
    const before = lane.puppet.sent.length;
    await lane.adapter.send({ type: 'invite', user: wechat(LI.id), door: { kind: 'chat', chat: { platform: 'wechat', chatId: 'vip@chatroom' } }, body: [seg.text('恭喜升级！')] }).catch(() => undefined);
    lane.mocker.createRoom({ id: 'vip@chatroom', topic: '核心会员群', memberIdList: [BOT.id] });
    await lane.adapter.send({ type: 'invite', user: wechat(LI.id), door: { kind: 'chat', chat: { platform: 'wechat', chatId: 'vip@chatroom' } }, body: [seg.text('恭喜升级！')] });
    expect(lane.puppet.added).toContainEqual({ roomId: 'vip@chatroom', contactId: LI.id });
    expect(lane.puppet.sent.slice(before).map((s) => [s.conversationId, s.text])).toEqual([[LI.id, '恭喜升级！']]);
  });

  it('given an invite to a room where adding is refused, then the member gets the text and the room QR code as a PNG picture by DM', async () => {
    lane.mocker.createRoom({ id: 'closed@chatroom', topic: '核心群2', memberIdList: [BOT.id] });
    lane.puppet.addRefused.add('closed@chatroom');
    lane.puppet.qrCodes.set('closed@chatroom', 'https://weixin.qq.com/g/closed');
    const files = lane.puppet.files.length;
    await lane.adapter.send({ type: 'invite', user: wechat(ZHANG.id), door: { kind: 'chat', chat: { platform: 'wechat', chatId: 'closed@chatroom' } }, body: [seg.text('恭喜升级！')] });
    expect(lane.puppet.sent.at(-1)).toMatchObject({ conversationId: ZHANG.id, text: '恭喜升级！' });
    const [qr] = lane.puppet.files.slice(files);
    expect(qr).toMatchObject({ conversationId: ZHANG.id, name: '核心群2-QR.png' });
    // A real PNG (its signature), drawn from the room's code, not a link to fetch.
    expect(Buffer.from(qr!.base64, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('given an invite to a room where adding is refused and the member is no friend of the bot, then it needs staff (not retried)', async () => {
    lane.mocker.createContact({ id: 'wxid_newfan', name: '新粉丝', friend: false });
    const err = await lane.adapter.send({ type: 'invite', user: wechat('wxid_newfan'), door: { kind: 'chat', chat: { platform: 'wechat', chatId: 'closed@chatroom' } }, body: [seg.text('恭喜升级！')] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'needs_staff', retryable: false });
    expect(lane.puppet.files.some((f) => f.conversationId === 'wxid_newfan')).toBe(false);
  });

  it('given a member added to a room who is no friend of the bot, then the invitation text goes to the room with a mention of them', async () => {
    lane.mocker.createContact({ id: 'wxid_fan2', name: '粉丝二号', friend: false });
    await lane.adapter.send({ type: 'invite', user: wechat('wxid_fan2'), door: { kind: 'chat', chat: { platform: 'wechat', chatId: 'vip@chatroom' } }, body: [seg.text('恭喜升级！')] });
    expect(lane.puppet.added).toContainEqual({ roomId: 'vip@chatroom', contactId: 'wxid_fan2' });
    expect(lane.puppet.sent.at(-1)).toMatchObject({ conversationId: 'vip@chatroom', text: '@粉丝二号\u2005 恭喜升级！', mentionIds: ['wxid_fan2'] });
  });

  it('declares what WeChat can do on the port: DMs, member lists, joins, adding members, QR invites, bare words; no leave events, ids that can change', () => {
    expect([...lane.adapter.capabilities].sort()).toEqual(['add-member', 'bare-words', 'dm', 'invite-qr', 'member-join-events', 'member-list']);
  });

  it('given a sender with a weixin id and a remark, then the event carries both as aliases for rebinding', async () => {
    const [event] = (await lane.say(ZHANG.id, ROOM.id, '你好')) as MessageEvent[];
    expect(event!.sender.aliases).toEqual([`weixin:${ZHANG.weixin}`, 'remark:张三-VIP']);
  });

  it('given a puppet error event, then the adapter keeps running and logs it; a lost connection turns it offline', async () => {
    lane.adapter.wechaty!.puppet.emit('error', { data: 'something odd' });
    await until(() => lane.logger.lines.some((l) => l.msg === 'wechat: puppet error'), 'the error log');
    expect(lane.adapter.status.state).toBe('online');
    lane.adapter.wechaty!.puppet.emit('error', { data: '14 UNAVAILABLE: No connection established' });
    await until(() => lane.adapter.status.state === 'offline', 'offline');
    const err = await lane.adapter.send({ type: 'send', chat: room, body: [seg.text('x')] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network', retryable: true });
    expect(lane.statuses).toEqual(['waiting-for-login', 'online', 'offline']);
  });
});

describe('WeChat login and logout', () => {
  it('given a logout and a new login, then the status goes offline and back online, and sending works again', async () => {
    const lane = await wechatLane();
    try {
      lane.mocker.puppet.logout();
      await until(() => lane.adapter.status.state === 'offline', 'offline after logout');
      const refused = await lane.adapter.send({ type: 'send', chat: room, body: [seg.text('x')] }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'not_logged_in', retryable: true });
      lane.mocker.login(lane.contacts.bot);
      await until(() => lane.adapter.status.state === 'online', 'online again');
      await lane.adapter.send({ type: 'send', chat: room, body: [seg.text('我回来了')] });
      expect(lane.puppet.sent.at(-1)?.text).toBe('我回来了');
      expect(lane.statuses).toEqual(['waiting-for-login', 'online', 'offline', 'online']);
    } finally {
      await lane.adapter.stop();
    }
  });
});

describe('WeChat rendering', () => {
  it('given a long text of emoji with skin tones, then no part cuts one in half', () => {
    const text = '👍🏽'.repeat(30);
    const parts = renderTexts([seg.text(text)], { inRoom: true, limit: 25 });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.text.length <= 25 && p.text.length % 4 === 0)).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('given mentions on both sides of a split, then each part lists only the ids it mentions', () => {
    const body = [seg.mention(wechat('a'), 'A'), seg.text(` ${'x'.repeat(30)}`), seg.br(), seg.mention(wechat('b'), 'B'), seg.text(' y')];
    const parts = renderTexts(body, { inRoom: true, limit: 38 });
    expect(parts).toEqual([
      { text: `@A\u2005 ${'x'.repeat(30)}`, mentionIds: ['a'] },
      { text: '@B\u2005 y', mentionIds: ['b'] },
    ]);
  });
});
