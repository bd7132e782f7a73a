import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_DIR } from '../../helpers/harness.ts';
import { jsonl, ROOT, tempDb } from '../../helpers/sim.ts';
import { startCli, type StartedCli } from '../npm-start.ts';
import { FakeDiscord, type FakeInteraction, type FakeSent } from './fake-discord.ts';
import { ALICE, GENERAL, GUILD_ID, LI, MOD, STAFF, memberOf, user } from './fixtures.ts';
import { eventually } from './wait.ts';

/**
 * What the issue asks `npm start` to show: with only the fake Discord and the env vars, the real
 * CLI (`tsx src/cli.ts start`, what `npm start` runs) logs in through DISCORD_API_ROOT, takes its
 * gateway URL from the fake's `GET /gateway/bot`, and serves a guild as it serves a Telegram group.
 */
const QUINN = memberOf(user('90', 'quinn', { global_name: 'Quinn' }));

describe('npm start against the fake Discord', () => {
  let fake: FakeDiscord;
  let cli: StartedCli;

  beforeAll(async () => {
    fake = await new FakeDiscord().start();
    fake.guilds.get(GUILD_ID)!.members.push(QUINN);
    // The shipped content with the moderators' chat in the guild's #mods channel.
    const content = mkdtempSync(join(tmpdir(), 'hearth-content-'));
    cpSync(CONTENT_DIR, content, { recursive: true });
    const community = join(content, 'community.yaml');
    writeFileSync(community, readFileSync(community, 'utf8').replace('chat: local:staff', `chat: discord:${STAFF}`));
    // A member who wrote in #general twelve days ago and went quiet: the daily scan flagged them.
    const db = tempDb();
    const day = 86_400_000;
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'simulate', '--db', db, '--content', content], {
      cwd: ROOT,
      input: jsonl([
        { at: new Date(Date.now() - 12 * day).toISOString(), type: 'message', platform: 'discord', chat: GENERAL, user: QUINN.user.id, name: 'Quinn', text: 'hello there everyone' },
        { at: new Date(Date.now() - day).toISOString(), type: 'tick' },
      ]),
      encoding: 'utf8',
    });
    expect(seeded.status, seeded.stderr).toBe(0);
    cli = await startCli({ DISCORD_BOT_TOKEN: fake.token, DISCORD_API_ROOT: fake.api, TELEGRAM_BOT_TOKEN: '', HEARTH_DB: db, HEARTH_CONTENT: content, LOG_LEVEL: 'info' });
  }, 60_000);

  afterAll(async () => {
    await cli.stop();
    await fake.close();
  });

  let minute = 0;
  /** What the bot answered an interaction with (edits of its deferred reply and follow-ups). */
  const answersTo = async (i: FakeInteraction): Promise<FakeSent[]> => {
    await eventually(() => fake.sent.some((s) => s.interactionId === i.id), `an answer to interaction ${i.id}`, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    return fake.sent.filter((s) => s.interactionId === i.id);
  };
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

  it('given slash commands, then /checkin is acknowledged in time and pays once beside the typed one, /points is ephemeral, and a member whose Discord is Chinese is answered in Chinese', async () => {
    expect(fake.commands.get(GUILD_ID)?.length).toBeGreaterThan(10);
    const checkin = fake.slash({ channel: GENERAL, user: LI, name: 'checkin', locale: 'zh-CN' });
    const [paid] = await answersTo(checkin);
    expect(checkin.callback!.at - checkin.dispatchedAt).toBeLessThan(3000);
    expect(paid!.visible).toMatch(/[\u4e00-\u9fff]/);
    expect(paid!.visible).toContain('10');
    const typed = await ask('/checkin', LI);
    expect(typed.map((s) => s.visible)).toEqual([expect.not.stringMatching(/\+10/)]);
    const points = fake.slash({ channel: GENERAL, user: ALICE, name: 'points', locale: 'en-US' });
    expect(await answersTo(points)).toEqual([expect.objectContaining({ ephemeral: true, visible: expect.stringMatching(/balance 10/) })]);
    expect(points.callback).toMatchObject({ type: 5, flags: 64 });
  });

  it("given a flag on a quiet member, then the card's Recall button pressed by a member is refused privately and by a moderator recalls them by DM", async () => {
    const card = fake.slash({ channel: STAFF, user: MOD, name: 'flag', options: [{ name: 'flag', type: 4, value: 1 }], locale: 'en-US' });
    const shown = (await answersTo(card)).at(-1)!;
    const buttons = (shown.components as { components: { custom_id: string; label: string }[] }[]).flatMap((row) => row.components);
    expect(buttons.map((b) => b.label)).toEqual(['Recall', 'Snooze 7 days', 'Dismiss']);
    const refused = fake.press({ channel: STAFF, user: ALICE, customId: buttons[0]!.custom_id, message: shown, locale: 'en-US' });
    expect(await answersTo(refused)).toEqual([expect.objectContaining({ ephemeral: true, visible: 'That command is for moderators only.' })]);
    const recall = fake.press({ channel: STAFF, user: MOD, customId: buttons[0]!.custom_id, message: shown, locale: 'en-US' });
    await answersTo(recall);
    await eventually(() => fake.sent.some((s) => s.channelId === fake.dmChannelOf(QUINN.user.id)), 'the recall DM to the quiet member', 10_000);
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
