import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { types } from 'wechaty';
import type { MessageEvent } from '../../../src/core/events.ts';
import { mapMessage, messageKey, parseQuote, stripSelfMentions, type MessageFacts } from '../../../adapters/wechat/inbound.ts';
import { BOB, BOT, LI, ROOM, wechatLane, ZHANG, type WechatLane } from './lane.ts';

const only = (events: unknown[]) => {
  expect(events).toHaveLength(1);
  return events[0] as MessageEvent;
};

describe('WeChat inbound mapping through the real Wechaty over the mock puppet', () => {
  let lane: WechatLane;
  beforeAll(async () => {
    lane = await wechatLane();
  });
  afterAll(async () => {
    await lane?.adapter.stop();
  });

  it('given "@品牌小助手 签到" mentioning the bot in a room, then the core gets 签到 from the member in the group, the bot mention stripped', async () => {
    const e = only(await lane.say(ZHANG.id, ROOM.id, `@${BOT.name}\u2005签到`, { mentions: [BOT.id] }));
    expect(e).toMatchObject({
      type: 'message',
      platform: 'wechat',
      chat: { platform: 'wechat', chatId: ROOM.id },
      chatKind: 'group',
      chatTitle: ROOM.topic,
      text: '签到',
      kind: 'text',
      mentions: [],
      sender: { user: { platform: 'wechat', userId: ZHANG.id }, name: ZHANG.name, handle: ZHANG.weixin },
    });
    expect(e.sender.isSelf).toBeUndefined();
  });

  it('given a typed "@品牌小助手 积分" the puppet sent without a mention list, then the leading bot mention is stripped all the same', async () => {
    const e = only(await lane.say(LI.id, ROOM.id, `@${BOT.name} 积分`));
    expect(e.text).toBe('积分');
  });

  it('given a mention of another member, then it stays in the text as a mention span the core can resolve', async () => {
    const e = only(await lane.say(ZHANG.id, ROOM.id, `/award @${BOB.name}\u2005 5 thanks`, { mentions: [BOB.id] }));
    expect(e.text).toBe(`/award @${BOB.name}\u2005 5 thanks`);
    expect(e.mentions).toEqual([{ user: { platform: 'wechat', userId: BOB.id }, text: `@${BOB.name}`, name: BOB.name }]);
  });

  it('given a text with a link, then it is a link message with the URL, stopping at Chinese punctuation', async () => {
    const e = only(await lane.say(ZHANG.id, ROOM.id, '新品来了 https://brand.example/p/1，快看'));
    expect(e.kind).toBe('link');
    expect(e.links).toEqual(['https://brand.example/p/1']);
  });

  it('given an article card, then it is a share card with title and URL, and the URL counts as its link', async () => {
    const url = { title: '品牌春季新品发布', url: 'https://mp.weixin.qq.com/s/abc', description: '', thumbnailUrl: '' };
    const e = only(await lane.say(ZHANG.id, ROOM.id, '<msg>…</msg>', { type: types.Message.Url, url }));
    expect(e).toMatchObject({ kind: 'card', text: url.title, shareCard: { title: url.title, url: url.url }, links: [url.url] });
  });

  it('given a mini-program card, then it is a share card named by its title, addressed by app id and page', async () => {
    const e = only(await lane.say(LI.id, ROOM.id, '', { type: types.Message.MiniProgram, miniProgram: { title: '品牌商城', appid: 'wx123', pagePath: 'pages/item?id=9' } }));
    expect(e).toMatchObject({ kind: 'card', shareCard: { title: '品牌商城', url: 'weixin-miniprogram://wx123/pages/item?id=9' } });
  });

  it('given an image, a video and a file, then each arrives with its kind', async () => {
    const kinds: string[] = [];
    for (const type of [types.Message.Image, types.Message.Video, types.Message.Attachment]) kinds.push(only(await lane.say(ZHANG.id, ROOM.id, '', { type })).kind);
    expect(kinds).toEqual(['image', 'video', 'file']);
  });

  it('given a quote of an earlier message, then the reply text arrives as an answer to that message', async () => {
    const original = only(await lane.say(LI.id, ROOM.id, '今天几点开始？'));
    const quote = only(await lane.say(ZHANG.id, ROOM.id, `「${LI.name}：今天几点开始？」\n- - - - - - - - - - - - - - -\n晚上八点`));
    expect(quote.text).toBe('晚上八点');
    expect(quote.replyToMessageId).toBe(original.messageId);
  });

  it('given a message to the bot from a contact, then it is a direct chat keyed by the contact', async () => {
    const e = only(await lane.say(ZHANG.id, BOT.id, '积分'));
    expect(e).toMatchObject({ chat: { platform: 'wechat', chatId: ZHANG.id }, chatKind: 'direct', text: '积分' });
  });

  it("given the bot's own message coming back from the puppet, then it never reaches the core", async () => {
    expect(await lane.say(BOT.id, ROOM.id, '签到成功')).toEqual([]);
    expect(lane.logger.lines.some((l) => l.msg === 'wechat message not mapped')).toBe(true);
  });

  it('given the same message redelivered, and again under a new puppet id, then every delivery carries one key', async () => {
    const at = Date.parse('2026-03-02T01:00:00Z');
    const a = only(await lane.say(ZHANG.id, ROOM.id, '早上好', { id: 'm-1', timestamp: at }));
    const b = only(await lane.say(ZHANG.id, ROOM.id, '早上好', { id: 'm-1', timestamp: at }));
    const c = only(await lane.say(ZHANG.id, ROOM.id, '早上好', { id: 'm-1-replayed', timestamp: at + 300 }));
    expect(new Set([a.key, b.key, c.key]).size).toBe(1);
    expect(a.key.startsWith(`wechat:${ROOM.id}:m:`)).toBe(true);
    const other = only(await lane.say(ZHANG.id, ROOM.id, '早上好!', { timestamp: at }));
    expect(other.key).not.toBe(a.key);
  });

  it('given a member invited into the room, then the core gets a join with the inviter, and the mock’s benign errors are not logged as failures', async () => {
    const wang = lane.mocker.createContact({ id: 'wxid_wang', name: '王五' });
    const before = lane.events.length;
    lane.room.add(wang).by(lane.contacts.zhang);
    const [joined] = await lane.next(before, 1, 'the join');
    expect(joined).toMatchObject({
      type: 'member.joined',
      chat: { platform: 'wechat', chatId: ROOM.id },
      member: { user: { platform: 'wechat', userId: 'wxid_wang' }, name: '王五' },
      inviter: { platform: 'wechat', userId: ZHANG.id },
    });
    expect(joined!.key).toMatch(/^wechat:core@chatroom:join:wxid_wang:\d+$/);
    await new Promise((r) => setTimeout(r, 50));
    expect(lane.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lane.logger.lines.some((l) => l.msg === 'wechat: benign puppet error')).toBe(true);
  });

  it('given a member removed from the room, then the core gets a leave', async () => {
    const before = lane.events.length;
    lane.room.remove(lane.contacts.bob).by(lane.contacts.zhang);
    const [left] = await lane.next(before, 1, 'the leave');
    expect(left).toMatchObject({ type: 'member.left', member: { user: { platform: 'wechat', userId: BOB.id } } });
  });

  it('given the bot added to a new room, then the room registers itself through whoever added the bot', async () => {
    const room = lane.mocker.createRoom({ id: 'new@chatroom', topic: '新品体验群', memberIdList: [ZHANG.id] });
    const before = lane.events.length;
    room.add(lane.contacts.bot).by(lane.contacts.zhang);
    const [added] = await lane.next(before, 1, 'bot.added');
    expect(added).toMatchObject({ type: 'bot.added', chat: { chatId: 'new@chatroom' }, chatTitle: '新品体验群', by: { user: { userId: ZHANG.id } } });
  });
});

describe('WeChat mapping rules', () => {
  const facts = (over: Partial<MessageFacts>): MessageFacts => ({
    id: 'x',
    type: 7,
    text: '',
    at: new Date('2026-03-02T01:00:00.250Z'),
    room: { id: 'r@chatroom', topic: 't' },
    talker: { id: 'u1', name: '张三' },
    self: false,
    mentions: [],
    selfNames: ['品牌小助手', '小助手'],
    ...over,
  });

  it('given the bot called by its room alias, then that mention is stripped too', () => {
    expect(stripSelfMentions('@小助手\u2005兑换 补签卡', ['品牌小助手', '小助手'])).toBe('兑换 补签卡');
    const e = mapMessage(facts({ text: '@小助手 签到', mentions: [{ id: 'bot', name: '品牌小助手', isSelf: true }] }));
    expect('reason' in e ? e.reason : e.text).toBe('签到');
  });

  it('given a member mentioned by their room alias, then the span is the room alias', () => {
    const e = mapMessage(facts({ text: '谢谢 @阿三\u2005', mentions: [{ id: 'u2', name: 'Zhang San', roomAlias: '阿三' }] })) as MessageEvent;
    expect(e.mentions).toEqual([{ user: { platform: 'wechat', userId: 'u2' }, text: '@阿三', name: 'Zhang San' }]);
  });

  it('given text that only looks like a quote, then it is left alone', () => {
    expect(parseQuote('「引号」里的话')).toBeUndefined();
  });

  it('given the same content in the same second, then the key is the same whatever the millisecond', () => {
    const a = messageKey(facts({ text: 'hi' }));
    const b = messageKey(facts({ text: 'hi', at: new Date('2026-03-02T01:00:00.900Z') }));
    const c = messageKey(facts({ text: 'hi', at: new Date('2026-03-02T01:00:01.000Z') }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('given a recall notice or a room system note, then nothing reaches the core', () => {
    expect(mapMessage(facts({ type: types.Message.Recalled }))).toEqual({ reason: 'a recall notice' });
    expect(mapMessage(facts({ type: types.Message.GroupNote }))).toEqual({ reason: 'a room system note' });
  });
});
