import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDb } from '../../helpers/sim.ts';
import { until } from './lane.ts';
import { startPuppetServer, type PuppetServerFixture } from './puppet-server.ts';

/** The env of the test process without any platform credentials, so only WeChat starts. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(TELEGRAM_|DISCORD_|WECHATY_)/.test(k)) delete env[k];
  return env;
}

/**
 * What the issue asks `npm start` to show: with only a puppet server and the env vars, the real
 * CLI (`tsx src/cli.ts start`, what `npm start` runs) logs in to WeChat through
 * wechaty-puppet-service and serves a room like a Telegram group, Chinese first.
 */
describe('npm start against a wechaty PuppetServer serving the mock', () => {
  let server: PuppetServerFixture;
  let child: ReturnType<typeof spawn>;
  let stderr = '';
  const db = tempDb();
  let startedMs = 0;

  const ROOM = 'core@chatroom';
  const sentTo = (chat: string) => server.puppet.sent.filter((s) => s.conversationId === chat);

  beforeAll(async () => {
    server = await startPuppetServer();
    const { mocker } = server;
    mocker.createContact({ id: 'wxid_bot', name: '品牌小助手' });
    mocker.createContact({ id: 'wxid_zhang', name: '张三', weixin: 'zhangsan88', alias: '张三-VIP' });
    mocker.createContact({ id: 'wxid_li', name: '李四' });
    mocker.createRoom({ id: ROOM, topic: '核心群', memberIdList: ['wxid_bot', 'wxid_zhang', 'wxid_li'] });
    const began = Date.now();
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'start'], {
      cwd: ROOT,
      env: { ...baseEnv(), ...server.env, HEARTH_DB: db, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('adapter started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${stderr}`)));
    });
    startedMs = Date.now() - began;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await server?.close();
  });

  it('given the QR login, then 签到 is answered in the room with the points and the name, 积分 with the balance, a second 签到 says already, and the bot ignores itself', async () => {
    const { mocker } = server;
    const bot = mocker.ContactMock.load('wxid_bot');
    const zhang = mocker.ContactMock.load('wxid_zhang');
    const room = mocker.RoomMock.load(ROOM);
    mocker.scan('https://login.weixin.qq.com/l/hearth-e2e');
    await until(() => stderr.includes('wechat: waiting for login'), 'the QR code in the log', 15_000);
    // qrcode-terminal draws with block characters.
    expect(stderr).toMatch(/[▄▀█]{8}/);
    mocker.login(bot);
    await until(() => stderr.includes('wechat: logged in as 品牌小助手'), 'login', 15_000);

    const ask = async (text: string, mentionBot = false) => {
      const before = sentTo(ROOM).length;
      zhang.say(mentionBot ? `@品牌小助手\u2005${text}` : text, mentionBot ? [bot] : []).to(room);
      await until(() => sentTo(ROOM).length > before, `an answer to ${text}`, 20_000);
      return sentTo(ROOM).slice(before).map((s) => s.text);
    };
    const [first] = await ask('签到', true);
    expect(first).toMatch(/^@张三\u2005 ?签到成功：\+10 积分/);
    expect(sentTo(ROOM).at(-1)?.mentionIds).toEqual(['wxid_zhang']);
    expect(await ask('积分')).toEqual([expect.stringMatching(/^@张三\u2005：?当前积分 10/)]);
    expect(await ask('签到')).toEqual([expect.stringContaining('你今天已经签到过了')]);

    // Every answer came back from the puppet as the bot's own message: none was answered.
    const answered = sentTo(ROOM).length;
    bot.say('签到').to(room);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(ROOM).length).toBe(answered);
  }, 90_000);

  it('given a member invited into the room, then the join is recorded', async () => {
    const { mocker } = server;
    const wang = mocker.createContact({ id: 'wxid_wang', name: '王五' });
    mocker.RoomMock.load(ROOM).add(wang).by(mocker.ContactMock.load('wxid_zhang'));
    const read = () => {
      const sqlite = new Database(db, { readonly: true });
      try {
        return sqlite
          .prepare(
            `SELECT m.name, ms.joined_at AS joinedAt FROM memberships ms JOIN members m ON m.id = ms.member_id
             JOIN identities i ON i.member_id = m.id WHERE i.platform = 'wechat' AND i.user_id = 'wxid_wang' AND ms.chat_key = ?`,
          )
          .get(`wechat:${ROOM}`) as { name: string; joinedAt: number | null } | undefined;
      } finally {
        sqlite.close();
      }
    };
    await until(() => read()?.joinedAt != null, 'the join in the database', 20_000);
    expect(read()).toMatchObject({ name: '王五' });
  }, 60_000);

  it('given a re-login that gives every contact and room a new id, then 张三 is found again by alias: already checked in, same balance, one member, the rebind audited', async () => {
    const { mocker } = server;
    const bot = mocker.ContactMock.load('wxid_bot');
    mocker.puppet.logout();
    await until(() => stderr.includes('wechat: logged out'), 'the logout', 15_000);
    // What a web puppet does after a re-login: the same people and room under new ids.
    const zhang = mocker.createContact({ id: 'wxid_zhang_s2', name: '张三', weixin: 'zhangsan88', alias: '张三-VIP' });
    const li = mocker.createContact({ id: 'wxid_li_s2', name: '李四' });
    const room = mocker.createRoom({ id: 'core-s2@chatroom', topic: '核心群', memberIdList: ['wxid_bot', zhang.id, li.id] });
    mocker.scan('https://login.weixin.qq.com/l/hearth-e2e-again');
    mocker.login(bot);
    await until(() => stderr.split('wechat: logged in as 品牌小助手').length > 2, 'the second login', 15_000);
    const ask = async (text: string) => {
      const before = sentTo(room.id).length;
      zhang.say(text).to(room);
      await until(() => sentTo(room.id).length > before, `an answer to ${text}`, 20_000);
      return sentTo(room.id).slice(before).map((s) => s.text);
    };
    expect(await ask('签到')).toEqual([expect.stringContaining('你今天已经签到过了')]);
    expect(await ask('积分')).toEqual([expect.stringMatching(/当前积分 10/)]);
    const sqlite = new Database(db, { readonly: true });
    try {
      const people = sqlite.prepare(`SELECT m.id, i.user_id AS userId FROM members m JOIN identities i ON i.member_id = m.id WHERE m.name = '张三'`).all();
      expect(people).toEqual([{ id: expect.any(Number), userId: 'wxid_zhang_s2' }]);
      const audit = sqlite.prepare(`SELECT detail FROM audit_log WHERE action = 'identity.rebind'`).all() as { detail: string }[];
      expect(audit.map((a) => JSON.parse(a.detail))).toEqual([{ platform: 'wechat', from: 'wxid_zhang', to: 'wxid_zhang_s2', alias: 'weixin:zhangsan88' }]);
      // The room, with its new id and the same topic, took the old one's place (and tier).
      const room = sqlite.prepare(`SELECT detail FROM audit_log WHERE action = 'group.rebind'`).all() as { detail: string }[];
      expect(room.map((r) => JSON.parse(r.detail))).toEqual([{ from: `wechat:${ROOM}`, to: 'wechat:core-s2@chatroom', topic: '核心群', tier: 'basic' }]);
    } finally {
      sqlite.close();
    }
  }, 90_000);

  it('given SIGTERM, then the bot stops cleanly; and it started within the bounds the log shows', async () => {
    const exited = new Promise<unknown>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    expect(await exited, stderr).toEqual({ code: 0, signal: null });
    // Recorded for the closing note: wall time from spawn to "adapter started" with wechaty loaded.
    console.info(`npm start with wechaty: adapter started after ${startedMs} ms`);
  }, 30_000);
});
