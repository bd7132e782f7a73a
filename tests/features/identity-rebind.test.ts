import { afterEach, describe, expect, it } from 'vitest';
import { localMessageEvent } from '../../adapters/local/local-events.ts';
import type { InboundEvent, MessageEvent } from '../../src/core/events.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

let seq = 0;

/** A WeChat room message from `userId` carrying `aliases`, as the WeChat adapter maps it. */
function wechatSays(h: Harness, userId: string, name: string, aliases: string[], text: string, room = { id: 'room@chatroom', topic: '交流群' }): InboundEvent {
  const e = localMessageEvent({ platform: 'wechat', chat: room.id, user: userId, name, text, id: `w${++seq}`, at: h.clock.now() }) as MessageEvent;
  return { ...e, chatTitle: room.topic, chatAliases: [`topic:${room.topic}`], sender: { user: e.sender.user, name, aliases } };
}

const staffNotices = (h: Harness, from: number) => h.sent.slice(from).filter((o) => o.type === 'send' && o.chat.chatId === 'staff').map((o) => renderPlain(o.body));

describe('identities rebound by alias when a platform gives a person a new id', () => {
  it('given a member with a streak, balance and tier, when their weixin id comes back under a new contact id, then the identity is rebound (audited) and they keep everything', async () => {
    h = await harness();
    for (let day = 0; day < 3; day++) {
      await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_old', '张三', ['weixin:zhangsan88', 'remark:张三-VIP'], '签到'));
      h.clock.advance(24 * 3_600_000);
    }
    const before = h.app.exportState().members.find((m) => m.identities.includes('wechat:wxid_old'))!;
    expect(before).toMatchObject({ streak: 3 });
    // The puppet re-logged in: same person, new id, the remark not set on this account yet.
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_new', '张三', ['weixin:zhangsan88'], '签到'));
    const state = h.app.exportState();
    const wechat = state.members.filter((m) => m.identities.some((i) => i.startsWith('wechat:')));
    expect(wechat).toHaveLength(1);
    expect(wechat[0]).toMatchObject({ id: before.id, identities: ['wechat:wxid_new'], streak: 4, tier: before.tier });
    expect(wechat[0]!.balance).toBeGreaterThan(before.balance);
    expect(state.audit).toContainEqual(
      expect.objectContaining({ action: 'identity.rebind', target: before.id, detail: { platform: 'wechat', from: 'wxid_old', to: 'wxid_new', alias: 'weixin:zhangsan88' } }),
    );
    expect(ledgerMismatches(h.app)).toEqual([]);
    // The aliases moved with the identity and follow what the platform says now.
    const aliases = h.app.db.sqlite.prepare('SELECT user_id AS userId, alias FROM identity_aliases ORDER BY alias').all();
    expect(aliases).toEqual([{ userId: 'wxid_new', alias: 'weixin:zhangsan88' }]);
  });

  it('given a remark that matches a member by a different name, or several members, then nobody is guessed: a new member each time, and the staff chat is told', async () => {
    h = await harness();
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a', '小王', ['remark:王'], '大家好'));
    const a = h.app.exportState().members.find((m) => m.identities.includes('wechat:wxid_a'))!;
    const from = h.sent.length;
    // Another person the staff also noted as 王: the remark matches, the name does not.
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_b', '王五', ['remark:王'], '大家好'));
    const b = h.app.exportState().members.find((m) => m.identities.includes('wechat:wxid_b'))!;
    expect(b.id).not.toBe(a.id);
    // A third id with that remark matches both.
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_c', '小王', ['remark:王'], '签到'));
    const state = h.app.exportState();
    const c = state.members.find((m) => m.identities.includes('wechat:wxid_c'))!;
    expect([a.id, b.id]).not.toContain(c.id);
    expect(state.members.find((m) => m.id === a.id)!.identities).toEqual(['wechat:wxid_a']);
    expect(staffNotices(h, from)).toEqual([
      `新的 wechat:wxid_b（王五）与已有成员 #${a.id} (wxid_a) 的别名 remark:王 相同，但无法确定是同一个人。没有自动判断：已记为新成员 #${b.id}。若是同一人，运营可发送 /link #${b.id} #<原成员编号> 合并。`,
      `新的 wechat:wxid_c（小王）与已有成员 #${a.id} (wxid_a), #${b.id} (wxid_b) 的别名 remark:王 相同，但无法确定是同一个人。没有自动判断：已记为新成员 #${c.id}。若是同一人，运营可发送 /link #${c.id} #<原成员编号> 合并。`,
    ]);
    expect(state.audit.filter((e) => (e as { action: string }).action === 'identity.rebind')).toEqual([]);
  });

  it('given a remark and the same name under a new id, then it is the same person: rebound', async () => {
    h = await harness();
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a', '小王', ['remark:王-VIP'], '签到'));
    const a = h.app.exportState().members.find((m) => m.identities.includes('wechat:wxid_a'))!;
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a2', '小王', ['remark:王-VIP'], '积分'));
    expect(h.app.exportState().members.find((m) => m.id === a.id)!.identities).toEqual(['wechat:wxid_a2']);
  });

  it('given a weixin id that matches one member and a remark that matches another, then the weixin id decides', async () => {
    h = await harness();
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a', '阿强', ['weixin:aqiang'], 'hi'));
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_b', '强哥', ['remark:强'], 'hi'));
    const a = h.app.exportState().members.find((m) => m.identities.includes('wechat:wxid_a'))!;
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a2', '阿强', ['weixin:aqiang', 'remark:强'], 'hi'));
    expect(h.app.exportState().members.find((m) => m.id === a.id)!.identities).toEqual(['wechat:wxid_a2']);
  });

  it('given the core tier room comes back under a new id with the same topic, then the new room is the core room (audited); a topic several rooms share is not guessed', async () => {
    h = await harness({ content: contentWith((cfg) => (cfg.groups as unknown[]).push({ chat: 'wechat:old@chatroom', tier: 'core' })) });
    const core = { id: 'old@chatroom', topic: '核心会员群' };
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a', '阿强', ['weixin:aqiang'], '签到', core));
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_a2', '阿强', ['weixin:aqiang'], '积分', { id: 'new@chatroom', topic: '核心会员群' }));
    const tierOf = (key: string) => (h!.app.db.sqlite.prepare('SELECT tier FROM groups WHERE chat_key = ?').get(key) as { tier: string }).tier;
    expect(tierOf('wechat:new@chatroom')).toBe('core');
    expect(h.app.exportState().audit).toContainEqual(
      expect.objectContaining({ action: 'group.rebind', detail: { from: 'wechat:old@chatroom', to: 'wechat:new@chatroom', topic: '核心会员群', tier: 'core' } }),
    );
    // Two known rooms called 交流群, then a third: it starts in the first tier and the staff is asked.
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_b', '小白', [], 'hi', { id: 'chat1@chatroom', topic: '交流群' }));
    const from = h.sent.length;
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_b', '小白', [], 'hi', { id: 'chat2@chatroom', topic: '交流群' }));
    await h.app.dispatcher.dispatch(wechatSays(h, 'wxid_b', '小白', [], 'hi', { id: 'chat3@chatroom', topic: '交流群' }));
    expect(tierOf('wechat:chat3@chatroom')).toBe('basic');
    expect(staffNotices(h, from)).toEqual([
      '新群 wechat:chat3@chatroom 的群名“交流群”与多个已有群相同：wechat:chat1@chatroom, wechat:chat2@chatroom。没有自动判断：它先属于最低等级；如果它替代了其中一个，请用 /bind 绑定。',
    ]);
  });
});
