import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, MessageEvent } from '../../../src/core/events.ts';
import { seg } from '../../../src/core/outbound.ts';
import { createAdapter, wechatDataDir, type WechatAdapter } from '../../../adapters/wechat/index.ts';
import { recordingLogger, until } from './lane.ts';
import { startPuppetServer, type PuppetServerFixture } from './puppet-server.ts';

/**
 * The adapter as `npm start` builds it (WECHATY_PUPPET=wechaty-puppet-service), over the puppet
 * service's gRPC protocol to a PuppetServer on 127.0.0.1 serving the mock.
 */
describe('WeChat over wechaty-puppet-service', () => {
  let server: PuppetServerFixture;
  let adapter: WechatAdapter;
  const events: InboundEvent[] = [];
  const logger = recordingLogger();
  const db = join(mkdtempSync(join(tmpdir(), 'hearth-wechat-')), 'hearth.db');

  beforeAll(async () => {
    server = await startPuppetServer();
    adapter = await createAdapter({ ...server.env, HEARTH_DB: db }, logger);
    await adapter.start(async (e) => {
      events.push(e);
    });
  }, 30_000);

  afterAll(async () => {
    await adapter?.stop();
    await server?.close();
  });

  it('given the QR scan and login on the puppet side, then the adapter goes waiting-for-login → online, and its cache lives beside the database', async () => {
    const { mocker } = server;
    const bot = mocker.createContact({ id: 'wxid_bot', name: '品牌小助手' });
    mocker.createContact({ id: 'wxid_zhang', name: '张三' });
    mocker.createRoom({ id: 'core@chatroom', topic: '核心群', memberIdList: ['wxid_bot', 'wxid_zhang'] });
    mocker.scan('https://login.weixin.qq.com/l/e2e');
    await until(() => adapter.status.state === 'waiting-for-login', 'the QR code', 10_000);
    expect(logger.lines.some((l) => l.msg?.startsWith('wechat: waiting for login') && String(l.obj.url).includes('login.weixin.qq.com'))).toBe(true);
    mocker.login(bot);
    await until(() => adapter.status.state === 'online', 'login', 10_000);
    expect(existsSync(join(wechatDataDir({ HEARTH_DB: db }), '.wechaty', 'wechaty-puppet-service', server.token))).toBe(true);
  }, 30_000);

  it('given a room message through gRPC, then it arrives mapped, and a reply goes back through the puppet with its mention', async () => {
    const zhang = server.mocker.ContactMock.load('wxid_zhang');
    const room = server.mocker.RoomMock.load('core@chatroom');
    const bot = server.mocker.ContactMock.load('wxid_bot');
    zhang.say('@品牌小助手\u2005签到', [bot]).to(room);
    await until(() => events.some((e) => e.type === 'message'), 'the message', 10_000);
    const msg = events.find((e): e is MessageEvent => e.type === 'message')!;
    expect(msg).toMatchObject({ text: '签到', chat: { chatId: 'core@chatroom' }, sender: { name: '张三' } });
    await adapter.send({ type: 'reply', chat: msg.chat, replyTo: msg.messageId, body: [seg.text('签到成功')] });
    await until(() => server.puppet.sent.length > 0, 'the reply', 10_000);
    expect(server.puppet.sent.at(-1)).toMatchObject({ conversationId: 'core@chatroom', text: '@张三\u2005签到成功', mentionIds: ['wxid_zhang'] });
  }, 30_000);

  it('given the puppet server vanishing and coming back, then the adapter goes offline, reconnects by itself and hears the room again', async () => {
    await server.vanish();
    await until(() => adapter.status.state === 'offline', 'offline', 10_000);
    await server.reappear();
    await until(() => adapter.status.state === 'online', 'online again', 20_000);
    const before = events.length;
    server.mocker.ContactMock.load('wxid_zhang').say('还在吗').to(server.mocker.RoomMock.load('core@chatroom'));
    await until(() => events.length > before, 'a message after the reconnect', 10_000);
    expect(events.at(-1)).toMatchObject({ type: 'message', text: '还在吗' });
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => `${l.msg} ${String(l.obj.err)}`)).toEqual([]);
  }, 60_000);
});
