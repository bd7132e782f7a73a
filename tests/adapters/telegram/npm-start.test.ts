import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb } from '../../helpers/sim.ts';
import { startCli, type StartedCli } from '../npm-start.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { ALICE, LI, textUpdate } from './updates.ts';

/**
 * What the issue asks `npm start` to show: with only the fake server and the env vars, the real
 * `npm start` connects to TELEGRAM_API_ROOT and serves a group.
 */
describe('npm start against the fake Bot API', () => {
  let fake: FakeBotApi;
  let cli: StartedCli;

  beforeAll(async () => {
    fake = await new FakeBotApi().start();
    cli = await startCli({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, HEARTH_DB: tempDb(), LOG_LEVEL: 'info' });
  }, 30_000);

  afterAll(async () => {
    await cli.stop();
    await fake.close();
  });

  it('given TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT, when a member checks in, asks for points and help, then the started bot answers each in their language', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ask = async (text: string, from: typeof ALICE, id: number) => {
      const before = fake.sent.length;
      const update = textUpdate(text, { from, id, extra: { date: now } });
      await fake.until(() => fake.sent.length > before, `an answer to ${text}`, 10_000, () => fake.push(update));
      return fake.sent.slice(before).map((s) => s.visible);
    };
    expect(await ask('/checkin', ALICE, 1)).toEqual([expect.stringMatching(/^Alice checked in: \+10 points/)]);
    expect(await ask('/points', ALICE, 2)).toEqual([expect.stringMatching(/^Alice: balance 10/)]);
    const [help] = await ask('/help', LI, 3);
    expect(help).toMatch(/[\u4e00-\u9fff]/);
    expect(help).toContain('/checkin');
    // The shipped community.yaml speaks zh-CN, so members with another app language get the Chinese menu.
    const fallback = fake.callsOf('setMyCommands').find((c) => c.payload.language_code === undefined && (c.payload.scope as { type: string }).type === 'default');
    expect(JSON.stringify(fallback?.payload.commands)).toMatch(/"command":"checkin","description":"[^"]*[\u4e00-\u9fff]/);
    expect(cli.stderr()).toContain('connected as @hearth_bot');
    expect(cli.stderr()).toContain('privacy mode is on');
    expect(await cli.stop(), cli.stderr()).toEqual({ code: 0, signal: null });
    // The bot itself got the signal (not only npm) and stopped in order.
    expect(cli.stderr()).toContain('stopping: no new events; flushing the outbox');
    expect(cli.stderr()).toMatch(/"msg":"stopped/);
    expect(fake.callsOf('getUpdates').at(-1)!.payload).toMatchObject({ limit: 1 });
  });
});
