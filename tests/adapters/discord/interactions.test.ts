import { afterEach, describe, expect, it } from 'vitest';
import { contentWith } from '../../helpers/harness.ts';
import { discordBot, type DiscordBot } from './bot.ts';
import type { FakeInteraction, FakeSent } from './fake-discord.ts';
import { ALICE, GENERAL, GUILD_ID, LI, MOD, STAFF, memberOf, user } from './fixtures.ts';
import { eventually } from './wait.ts';

const bots: DiscordBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});
const start = async (...args: Parameters<typeof discordBot>) => {
  const b = await discordBot(...args);
  bots.push(b);
  return b;
};

/** What the bot answered an interaction with: its edits of the deferred reply and its follow-ups. */
const answersTo = (b: DiscordBot, i: FakeInteraction): FakeSent[] => b.fake.sent.filter((s) => s.interactionId === i.id);
const answered = (b: DiscordBot, i: FakeInteraction) => eventually(() => answersTo(b, i).length > 0 && b.handled.has(`discord:${i.channelId}:i:${i.id}`), `an answer to interaction ${i.id}`);
const checkinRows = (b: DiscordBot) => (b.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM ledger WHERE reason = 'checkin'").get() as { n: number }).n;

describe('discord slash commands and buttons (real discord.js against the fake, real createApp)', () => {
  it('given the catalog, then it is registered with one bulk overwrite for the guild, with zh-CN and en-US localisations', async () => {
    const b = await start();
    expect(b.fake.callsOf('PUT', `/applications/${b.fake.applicationId}/guilds/${GUILD_ID}/commands`)).toHaveLength(1);
    const checkin = (b.fake.commands.get(GUILD_ID) as { name: string; name_localizations?: Record<string, string> }[]).find((c) => c.name === 'checkin');
    expect(checkin?.name_localizations?.['zh-CN']).toBe('签到');
  });

  it('given /checkin as a slash command and then typed, then the interaction is acknowledged within 3 s, answered by editing it, and the member is paid once', async () => {
    const b = await start();
    const i = b.fake.slash({ channel: GENERAL, user: ALICE, name: 'checkin' });
    await answered(b, i);
    expect(i.callback).toMatchObject({ type: 5, flags: 0 });
    expect(i.callback!.at - i.dispatchedAt).toBeLessThan(3000);
    const [answer] = answersTo(b, i);
    expect(answer).toMatchObject({ via: 'edit', ephemeral: false });
    expect(answer!.visible).toMatch(/checked in: \+10 points/);
    expect(await b.say('/checkin')).toEqual([expect.objectContaining({ visible: expect.not.stringMatching(/\+10/) })]);
    expect(checkinRows(b)).toBe(1);
  });

  it('given the same interaction delivered twice, then the second is not acknowledged again and pays nothing', async () => {
    const b = await start();
    const i = b.fake.slash({ channel: GENERAL, user: ALICE, name: 'checkin' });
    await answered(b, i);
    b.fake.redeliver(i);
    await eventually(() => b.logs.some((l) => /could not acknowledge/.test(l.msg)), 'the refused second acknowledgement');
    expect(checkinRows(b)).toBe(1);
    expect(answersTo(b, i)).toHaveLength(1);
  });

  it('given /points, then the answer is ephemeral from the first callback and never visible in the channel', async () => {
    const b = await start();
    const i = b.fake.slash({ channel: GENERAL, user: ALICE, name: 'points' });
    await answered(b, i);
    expect(i.callback).toMatchObject({ type: 5, flags: 64 });
    expect(answersTo(b, i)).toEqual([expect.objectContaining({ ephemeral: true, visible: expect.stringMatching(/balance 0/) })]);
    expect(b.fake.visibleIn(GENERAL)).toEqual([]);
  });

  it('given a member whose Discord is in Chinese, then their slash command is answered in Chinese', async () => {
    const b = await start();
    const i = b.fake.slash({ channel: GENERAL, user: LI, name: 'checkin', locale: 'zh-CN' });
    await answered(b, i);
    expect(answersTo(b, i)[0]!.visible).toMatch(/[\u4e00-\u9fff]/);
  });

  it('given /award with a user option and an integer, then the operator pays the picked member', async () => {
    const b = await start({ owners: [`discord:${MOD.id}`] });
    const i = b.fake.slash({
      channel: GENERAL,
      user: MOD,
      name: 'award',
      options: [
        { name: 'member', type: 6, value: ALICE.id },
        { name: 'amount', type: 4, value: 50 },
      ],
      resolved: { users: { [ALICE.id]: ALICE } },
    });
    await answered(b, i);
    expect(answersTo(b, i)[0]!.visible).toMatch(/Alice 50 points/);
    expect(b.app.db.sqlite.prepare("SELECT delta FROM ledger WHERE reason = 'award'").all()).toEqual([{ delta: 50 }]);
  });

  it("given a flag card's Recall button, then a member's press is refused privately and a moderator's recalls the flag", async () => {
    const b = await start({
      content: contentWith((c) => {
        (c.community as Record<string, unknown>).locale = 'en';
        (c.staff as Record<string, unknown>).chat = `discord:${STAFF}`;
      }),
    });
    const quiet = memberOf(user('90', 'quinn', { global_name: 'Quinn' }));
    b.fake.guilds.get(GUILD_ID)!.members.push(quiet);
    await b.say('hello there everyone', quiet.user);
    b.clock.advance(10 * 86_400_000);
    b.app.db.transaction(() => b.app.services.quiet.scan(b.clock.now()));
    const card = b.fake.slash({ channel: STAFF, user: MOD, name: 'flag', options: [{ name: 'flag', type: 4, value: 1 }] });
    await answered(b, card);
    const shown = answersTo(b, card).at(-1)!;
    expect(shown.ephemeral).toBe(true);
    const buttons = (shown.components as { components: { custom_id: string; label: string }[] }[]).flatMap((row) => row.components);
    expect(buttons.map((x) => x.label)).toEqual(['Recall', 'Snooze 7 days', 'Dismiss']);

    const refused = b.fake.press({ channel: STAFF, user: ALICE, customId: buttons[0]!.custom_id, message: shown });
    await answered(b, refused);
    expect(answersTo(b, refused)).toEqual([expect.objectContaining({ ephemeral: true, visible: 'That command is for moderators only.' })]);
    expect((b.app.exportState().flags[0] as { status: string }).status).toBe('open');

    const recall = b.fake.press({ channel: STAFF, user: MOD, customId: buttons[0]!.custom_id, message: shown });
    await answered(b, recall);
    expect((b.app.exportState().flags[0] as { status: string }).status).toBe('recalled');
    await eventually(() => b.fake.sent.some((s) => s.channelId === b.fake.dmChannelOf(quiet.user.id)), 'the recall DM');
  });

  it('given the interaction deadline has passed before the bot acknowledges, then nothing crashes and the answer is posted in the channel instead', async () => {
    const b = await start({ before: (f) => (f.interactionDeadlineMs = -1) });
    const i = b.fake.slash({ channel: GENERAL, user: ALICE, name: 'checkin' });
    await eventually(() => b.fake.visibleIn(GENERAL).some((s) => /checked in/.test(s.visible)), 'the answer in the channel');
    expect(i.callback).toBeUndefined();
    expect(checkinRows(b)).toBe(1);
    const still = await b.say('/points');
    expect(still).toHaveLength(1);
  });
});
