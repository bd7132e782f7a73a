import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb } from '../../helpers/sim.ts';
import { startCli, type StartedCli } from '../npm-start.ts';
import { FakeDiscord, type FakeSent } from './fake-discord.ts';
import { ALICE, GENERAL, LI } from './fixtures.ts';

/**
 * What the issue asks `npm start` to show: with only the fake Discord and the env vars, the real
 * CLI (`tsx src/cli.ts start`, what `npm start` runs) logs in through DISCORD_API_ROOT, takes its
 * gateway URL from the fake's `GET /gateway/bot`, and serves a guild as it serves a Telegram group.
 */
describe('npm start against the fake Discord', () => {
  let fake: FakeDiscord;
  let cli: StartedCli;

  beforeAll(async () => {
    fake = await new FakeDiscord().start();
    cli = await startCli({ DISCORD_BOT_TOKEN: fake.token, DISCORD_API_ROOT: fake.api, TELEGRAM_BOT_TOKEN: '', HEARTH_DB: tempDb(), LOG_LEVEL: 'info' });
  }, 30_000);

  afterAll(async () => {
    await cli.stop();
    await fake.close();
  });

  let minute = 0;
  /** A member types in #general; resolves with what the bot posted in answer (its replies to that message). */
  const ask = async (text: string, from = ALICE): Promise<FakeSent[]> => {
    const payload = fake.post({ channel: GENERAL, author: from, content: text, at: Date.now() + minute++ });
    await fake.until(() => fake.sent.some((s) => s.replyTo === payload.id), `an answer to ${text}`, 10_000);
    // Let a second (wrong) answer show up if there were one.
    await new Promise((r) => setTimeout(r, 100));
    return fake.sent.filter((s) => s.replyTo === payload.id);
  };

  it('given DISCORD_BOT_TOKEN and DISCORD_API_ROOT, when members check in, ask for points and help, then the started bot answers each once, in the community language, and ignores its own echoes', async () => {
    expect(fake.callsOf('GET', '/gateway/bot')).toHaveLength(1);
    expect(fake.gateway.identifies).toHaveLength(1);
    const [checkin] = await ask('/checkin');
    // The shipped community.yaml speaks zh-CN: a member first seen typing is answered in Chinese.
    expect(checkin!.visible).toMatch(/^@Alice.*[\u4e00-\u9fff].*10/);
    expect((await ask('签到')).map((s) => s.visible)).toEqual([expect.not.stringMatching(/\+10/)]);
    expect(await ask('/points')).toHaveLength(1);
    const help = await ask('/help', LI);
    expect(help.map((s) => s.visible).join('')).toContain('/checkin');
    expect(help.every((s) => s.content.length <= 2000)).toBe(true);
    // Every answer was echoed back by the gateway as the bot's own message, and none was answered.
    const answered = new Set(fake.sent.map((s) => s.replyTo).filter(Boolean));
    expect(fake.sent.some((s) => answered.has(s.id))).toBe(false);
    expect(cli.stderr()).toContain('discord: connected as hearth in 1 guild(s)');
    expect(cli.stderr()).toMatch(/permissions integer \d+/);
  });

  it('given a 429 with retry_after on the reply route, when a member asks for points, then discord.js waits it out and the reply arrives once', async () => {
    const route = `POST /channels/${GENERAL}/messages`;
    const before = fake.callsOf('POST', `/channels/${GENERAL}/messages`).length;
    fake.failNext(route, { retryAfter: 0.3 });
    expect(await ask('/points')).toHaveLength(1);
    expect(fake.callsOf('POST', `/channels/${GENERAL}/messages`).length - before).toBe(2);
  });

  it('given SIGTERM, then the bot closes the gateway and exits cleanly', async () => {
    expect(await cli.stop(), cli.stderr()).toEqual({ code: 0, signal: null });
  });
});
