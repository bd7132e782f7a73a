import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/logger.ts';
import { seg } from '../../../src/core/outbound.ts';
import { createAdapter } from '../../../adapters/discord/index.ts';
import { contentWith } from '../../helpers/harness.ts';
import { discordBot, type DiscordBot } from './bot.ts';
import type { FakeSent } from './fake-discord.ts';
import { ALICE, brandGuild, CORE_CHANNEL, CORE_ROLE, DATE, GENERAL, GUILD_ID, LI, memberOf, MOD, MOD_ROLE, OWNER, THREAD, user } from './fixtures.ts';
import { snowflake } from './snowflake.ts';
import { eventually } from './wait.ts';

type Running = DiscordBot;

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function startBot(...args: Parameters<typeof discordBot>): Promise<Running> {
  const r = await discordBot(...args);
  running.push(r);
  return r;
}

const texts = (sent: FakeSent[]) => sent.map((s) => s.visible);

describe('discord end to end (real discord.js against the fake gateway and REST, real createApp)', () => {
  it('given a member in a channel, when they type /checkin, !checkin and 签到 and ask for points, then the first pays as a reply that pings no one and the others are told they already checked in', async () => {
    const r = await startBot();
    const [checkin] = await r.say('/checkin');
    expect(checkin).toMatchObject({ channelId: GENERAL, via: 'message', enforceNonce: true, allowedMentions: { parse: [], users: [], replied_user: false } });
    const asked = r.events.find((e) => e.type === 'message' && e.text === '/checkin');
    expect(checkin!.replyTo).toBe(asked?.type === 'message' ? asked.messageId : undefined);
    expect(checkin!.visible).toMatch(/^@Alice checked in: \+10 points, streak 1 day\. Balance 10\./);
    // The nonce is the outbox message's idempotency key and the chunk: the same after a restart.
    const row = r.app.db.sqlite.prepare(`SELECT id FROM outbox WHERE status = 'sent' ORDER BY id DESC LIMIT 1`).get() as { id: number };
    expect(checkin!.nonce).toBe(`hearth-${row.id}.0`);
    for (const again of ['!checkin', '签到']) expect(texts(await r.say(again))).toEqual([expect.not.stringMatching(/\+10 points/)]);
    expect(texts(await r.say('/points'))).toEqual([expect.stringMatching(/^@Alice: balance 10, earned 10 in all, rank #1\./)]);
    const ledger = r.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM ledger WHERE reason = 'checkin'").get() as { n: number };
    expect(ledger.n).toBe(1);
  });

  it("given the bot's own answers echoed back by the gateway and a message from another bot, then neither reaches a handler", async () => {
    const r = await startBot();
    await r.say('/checkin');
    await eventually(() => r.events.some((e) => e.type === 'message' && e.sender.isSelf === true), 'the echo of the bot’s answer');
    expect(await r.say('/checkin', user('77', 'otherbot', { bot: true }))).toEqual([]);
    const claimed = r.app.db.sqlite.prepare("SELECT key FROM processed_events WHERE key LIKE 'discord:%'").all() as { key: string }[];
    expect(claimed).toHaveLength(1);
  });

  it('given a 429 with retry_after on the reply route, then discord.js waits it out and the member sees the answer once, with no retry by the core router', async () => {
    const r = await startBot({ before: (f) => f.failNext(`POST /channels/${GENERAL}/messages`, { retryAfter: 0.2 }) });
    expect(texts(await r.say('/checkin'))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.fake.callsOf('POST', `/channels/${GENERAL}/messages`)).toHaveLength(2);
    expect(r.routerWaits).toEqual([]);
    expect(r.app.router.failed).toEqual([]);
  });

  it('given a 429 asking for a longer wait than the adapter holds a request, then the core router waits retry_after once and the answer arrives once', async () => {
    const r = await startBot({
      adapter: { maxRateLimitWaitMs: 100 },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      before: (f) => f.failNext(`POST /channels/${GENERAL}/messages`, { retryAfter: 0.6 }),
    });
    const sent = await r.say('/checkin');
    expect(texts(sent)).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.routerWaits).toHaveLength(1);
    expect(r.routerWaits[0]).toBeGreaterThanOrEqual(600);
    expect(r.fake.sent.filter((s) => s.channelId === GENERAL && /checked in/.test(s.visible))).toHaveLength(1);
  });

  it('given a member whose DMs are closed (50007), when Hearth DMs them, then the core falls back to a mention in the group that pings only them', async () => {
    const r = await startBot({ before: (f) => f.closedDms.add(ALICE.id) });
    await r.app.router.deliver([{ type: 'dm', user: { platform: 'discord', userId: ALICE.id }, name: 'Alice', body: [seg.text('your reward is ready @everyone')], fallbackChat: { platform: 'discord', chatId: GENERAL } }]);
    const [mention] = r.fake.visibleIn(GENERAL);
    expect(mention).toMatchObject({ visible: '@Alice your reward is ready @everyone', allowedMentions: { parse: [], users: [ALICE.id] } });
    expect(mention!.content.startsWith(`<@${ALICE.id}>`)).toBe(true);
    expect(r.fake.callsOf('POST', '/users/@me/channels')).toHaveLength(1);
  });

  it('given a member joins through an invite and later leaves, then the core records the join with the invite and its inviter, and the leave, once each', async () => {
    const r = await startBot({ before: (f) => f.addInvite('abc123', GUILD_ID, GENERAL, 4, MOD) });
    const bob = memberOf(user('88', 'bob', { global_name: 'Bob' }));
    r.fake.join(GUILD_ID, bob, 'abc123');
    await eventually(() => r.events.some((e) => e.type === 'member.joined'), 'the join');
    expect(r.events.find((e) => e.type === 'member.joined')).toMatchObject({
      chat: { platform: 'discord', chatId: GENERAL },
      member: { user: { userId: '88' }, name: 'Bob' },
      inviteCode: 'abc123',
      inviter: { platform: 'discord', userId: MOD.id },
    });
    r.fake.leave(GUILD_ID, bob.user);
    await eventually(() => r.events.some((e) => e.type === 'member.left'), 'the leave');
    await eventually(() => (r.app.db.sqlite.prepare("SELECT left_at FROM memberships WHERE chat_key = ? AND left_at IS NOT NULL").all(`discord:${GENERAL}`) as unknown[]).length === 1, 'the membership to end');
  });

  it('given a join whose invite cannot be told apart (no count changed), then the join is still recorded, without an invite', async () => {
    const r = await startBot();
    r.fake.join(GUILD_ID, memberOf(user('89', 'cleo')));
    await eventually(() => r.events.some((e) => e.type === 'member.joined'), 'the join');
    const join = r.events.find((e) => e.type === 'member.joined')!;
    expect(join).not.toHaveProperty('inviteCode');
  });

  it('given a member reacts to a message, then the core gets a reaction event keyed per message, member and emoji', async () => {
    const r = await startBot();
    const id = snowflake(DATE);
    r.fake.dispatch('MESSAGE_REACTION_ADD', { user_id: ALICE.id, channel_id: GENERAL, message_id: id, guild_id: GUILD_ID, emoji: { id: null, name: '🔥' }, type: 0, burst: false });
    await eventually(() => r.events.some((e) => e.type === 'reaction'), 'the reaction');
    expect(r.events.find((e) => e.type === 'reaction')).toMatchObject({ key: `discord:${GENERAL}:r:${id}:${ALICE.id}:🔥`, emoji: '🔥', messageId: id });
  });

  it('given a campaign whose entries are replies, when a member replies to the announcement Discord delivered, then the message reference finds it and the reply is one entry; a reply to another bot message is none', async () => {
    const r = await startBot({ owners: [`discord:${OWNER.id}`] });
    await r.say('hello', ALICE);
    const made = await r.say('/campaign new weekend reply 2d points=4 Weekend plans', OWNER);
    const announcement = made.find((s) => s.visible.startsWith('📣 Weekend plans') && s.channelId === GENERAL)!;
    expect(announcement.visible).toContain('reply to this message');
    const confirmation = made.find((s) => s.replyTo !== undefined)!;
    const replyTo = async (messageId: string, content: string) => {
      const before = r.fake.sent.length;
      const payload = r.fake.post({ channel: GENERAL, author: ALICE, content, at: r.clock.now().getTime() + 3_600_000, extra: { type: 19, message_reference: { type: 0, message_id: messageId, channel_id: GENERAL } } });
      await eventually(() => r.handled.has(`discord:${GENERAL}:m:${String(payload.id)}`), `${content} to be handled`);
      return r.fake.sent.slice(before);
    };
    expect(texts(await replyTo(announcement.id, 'Hiking in the hills, then noodles'))).toContain('✅ Weekend plans: entry #1 counted, +4 points (1/3).');
    expect(texts(await replyTo(confirmation.id, 'Just sleeping in all weekend')).filter((t) => t.includes('Weekend plans'))).toEqual([]);
    expect(r.app.services.campaigns.repo.entries('weekend', 10).map((e) => [e.chatKey, e.text, e.points])).toEqual([[`discord:${GENERAL}`, 'Hiking in the hills, then noodles', 4]]);
  });

  it('given a thread, then it is a group of its own and a check-in there is answered there', async () => {
    const r = await startBot();
    expect(texts(await r.say('/checkin', ALICE, THREAD))).toEqual([expect.stringMatching(/checked in/)]);
    expect(r.fake.visibleIn(THREAD)).toHaveLength(1);
    expect(r.app.services.groups.get(`discord:${THREAD}`)).toBeDefined();
  });

  it('given Manage Guild through a role, then the member is a platform admin (a moderator here), and a plain member is refused a moderator command', async () => {
    const r = await startBot();
    expect(texts(await r.say('/flags', ALICE))).toEqual([expect.stringMatching(/moderators only/)]);
    expect(texts(await r.say('/flags', MOD))).toEqual([expect.not.stringMatching(/only/)]);
  });

  it('given an operator, when they /award a member by mention, then the mention resolves to that member', async () => {
    const r = await startBot({ owners: [`discord:${OWNER.id}`] });
    await r.say('hello', ALICE);
    const sent = await r.say(`/award <@${ALICE.id}> 50 welcome`, OWNER);
    expect(texts(sent)).toEqual([expect.stringMatching(/^Gave @Alice 50 points/)]);
  });

  it('given the gateway drops and a member writes meanwhile, then discord.js resumes at resume_gateway_url, the missed message is replayed and answered once', async () => {
    const r = await startBot();
    r.fake.disconnect(4000);
    const payload = r.fake.post({ channel: GENERAL, author: ALICE, content: '/checkin', at: DATE });
    await eventually(() => r.fake.sent.some((s) => s.replyTo === payload.id), 'the answer after the resume', 8000);
    expect(r.fake.gateway.resumes).toHaveLength(1);
    expect(r.fake.gateway.connections.at(-1)).toMatch(/^\/resume\?v=10/);
    expect(r.fake.sent.filter((s) => s.replyTo === payload.id)).toHaveLength(1);
  });

  it('given the bot is added to a new guild, then its lobby registers as a group and the owner is told how to bind a tier', async () => {
    const r = await startBot();
    const other = brandGuild({ id: '700', name: 'Second guild', system_channel_id: '701', channels: [{ id: '701', name: 'welcome', type: 0, guild_id: '700' }], roles: [{ id: '700', name: '@everyone', position: 0, permissions: '3072' }] });
    r.fake.addGuild(other);
    await eventually(() => r.fake.visibleIn('701').length > 0, 'the bind hint');
    expect(r.fake.visibleIn('701')[0]!.visible).toContain('/bind');
    expect(r.app.services.groups.get('discord:701')).toMatchObject({ title: 'Second guild', tier: 'basic' });
  });

  it('given a tier invite, then the member gets a DM with a one-use, expiring invite to the higher-tier channel, made once across retries', async () => {
    const r = await startBot({ before: (f) => f.failNext('POST /users/@me/channels', { status: 500, code: 0, message: 'boom' }, { status: 500, code: 0, message: 'boom' }, { status: 500, code: 0, message: 'boom' }, { status: 500, code: 0, message: 'boom' }) });
    await r.app.router.deliver([{ type: 'invite', user: { platform: 'discord', userId: LI.id }, door: { kind: 'chat', chat: { platform: 'discord', chatId: CORE_CHANNEL } }, body: [seg.text('Welcome to Core!')] }]);
    const invites = [...r.fake.invites.values()];
    expect(invites).toHaveLength(1);
    expect(invites[0]).toMatchObject({ channelId: CORE_CHANNEL, max_uses: 1, max_age: 7 * 24 * 3600 });
    const dm = r.fake.sent.find((s) => s.channelId === r.fake.dmChannelOf(LI.id));
    expect(dm?.visible).toBe(`Welcome to Core!\nhttps://discord.gg/${invites[0]!.code}`);
    expect(r.routerWaits.length).toBeGreaterThan(0);
  });

  it('given privileged intents not enabled in the portal (4014), then the adapter connects without them and says what that costs', async () => {
    const r = await startBot({ before: (f) => (f.allowedIntents = ~((1 << 1) | (1 << 15))) });
    expect(r.fake.gateway.identifies).toHaveLength(2);
    expect(Number(r.fake.gateway.identifies[1]!.intents) & ((1 << 1) | (1 << 15))).toBe(0);
    const log = r.logs.map((l) => l.msg).join('\n');
    expect(log).toMatch(/only slash commands work/);
    expect(log).toMatch(/Server Members: .*not granted when they join/);
    for (const lost of ['message-content', 'member-join-events', 'member-leave-events', 'member-list'] as const) expect(r.adapter.capabilities.has(lost)).toBe(false);
    expect(r.adapter.capabilities.has('role-grant')).toBe(true);
  });

  it('given the adapter is stopped twice, then the gateway closes once and later events are not handled', async () => {
    const r = await startBot();
    await Promise.all([r.adapter.stop(), r.adapter.stop()]);
    await r.adapter.stop();
    expect(r.adapter.discord.isReady()).toBe(false);
    const before = r.events.length;
    r.fake.post({ channel: GENERAL, author: ALICE, content: '/checkin' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.events.length).toBe(before);
  });

  it('given the start-up log, then it names the bot, and prints the invite URL with the permissions integer', async () => {
    const r = await startBot();
    const lines = r.logs.map((l) => l.msg).join('\n');
    expect(lines).toContain('discord: connected as hearth in 1 guild(s)');
    expect(lines).toMatch(/permissions=(\d+).*permissions integer \1/);
  });
});

describe('discord role doors and member lists', () => {
  const door = (userId: string, roleId: string) => ({ type: 'invite' as const, user: { platform: 'discord' as const, userId }, door: { kind: 'role' as const, space: { platform: 'discord' as const, spaceId: GUILD_ID }, roleId }, body: [seg.text('Welcome to Core!')] });

  it('given a tier role below the bot, then a promoted member gets the role and a DM without a link', async () => {
    const r = await startBot();
    await r.app.router.deliver([door(ALICE.id, CORE_ROLE)]);
    expect(r.fake.rolesOf(GUILD_ID, ALICE.id)).toContain(CORE_ROLE);
    expect(r.fake.sent.find((s) => s.channelId === r.fake.dmChannelOf(ALICE.id))?.visible).toBe('Welcome to Core!');
  });

  it('given someone not in the guild yet, then the DM carries a one-use invite and the role is granted when they join', async () => {
    const r = await startBot();
    const dana = memberOf(user('91', 'dana'));
    await r.app.router.deliver([door(dana.user.id, CORE_ROLE)]);
    const [invite] = [...r.fake.invites.values()];
    expect(invite).toMatchObject({ max_uses: 1 });
    expect(r.fake.sent.find((s) => s.channelId === r.fake.dmChannelOf(dana.user.id))?.visible).toContain(`https://discord.gg/${invite!.code}`);
    r.fake.join(GUILD_ID, dana, invite!.code);
    await eventually(() => r.fake.rolesOf(GUILD_ID, dana.user.id).includes(CORE_ROLE), 'the role on join');
    await eventually(() => r.events.some((e) => e.type === 'member.joined'), 'the join');
    expect(r.events.find((e) => e.type === 'member.joined')).toMatchObject({ inviteCode: invite!.code, space: { spaceId: GUILD_ID }, spaceWide: true });
  });

  it('given a tier role at or above the bot’s own, then the door is refused as forbidden, naming the fix, and the start-up log warned', async () => {
    const r = await startBot();
    const results = await r.app.router.deliver([door(ALICE.id, MOD_ROLE), door(ALICE.id, '609')]);
    expect(results.map((x) => x.ok)).toEqual([true, false]);
    const g = r.fake.guilds.get(GUILD_ID)!;
    expect(g.roles.find((x) => x.id === MOD_ROLE)!.position).toBeLessThan(3);
    const r2 = await startBot({ before: (f) => (f.guilds.get(GUILD_ID)!.roles.find((x) => x.id === CORE_ROLE)!.position = 5) });
    const [refused] = await r2.app.router.deliver([door(ALICE.id, CORE_ROLE)]);
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/forbidden.*move the bot's role above it/) });
    expect(r2.logs.map((l) => l.msg).join('\n')).toMatch(/cannot grant Core/);
  });

  const revoke = (userId: string, roleId: string) => ({ type: 'revoke' as const, user: { platform: 'discord' as const, userId }, door: { kind: 'role' as const, space: { platform: 'discord' as const, spaceId: GUILD_ID }, roleId }, body: [] });

  it('given a member holding a tier role, when the door is revoked, then the role is removed, their other roles stay, and nothing is posted', async () => {
    const r = await startBot();
    await r.app.router.deliver([door(ALICE.id, CORE_ROLE)]);
    const posted = r.fake.sent.length;
    const [result] = await r.app.router.deliver([revoke(ALICE.id, CORE_ROLE), revoke(MOD.id, CORE_ROLE)]);
    expect(result).toMatchObject({ ok: true });
    expect(r.fake.rolesOf(GUILD_ID, ALICE.id)).not.toContain(CORE_ROLE);
    expect(r.fake.rolesOf(GUILD_ID, MOD.id)).toEqual([MOD_ROLE]);
    expect(r.fake.callsOf('DELETE', `/guilds/${GUILD_ID}/members/${ALICE.id}/roles/${CORE_ROLE}`)).toHaveLength(1);
    expect(r.fake.sent.length).toBe(posted);
  });

  it('given a role promised to someone not in the guild, when the bot restarts before they join, then the role is still granted on join', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-discord-')), 'discord', 'pending-roles.json');
    const dana = memberOf(user('91', 'dana'));
    const first = await startBot({ adapter: { pendingRolesPath: path } });
    await first.app.router.deliver([door(dana.user.id, CORE_ROLE)]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ entries: [{ guild: GUILD_ID, user: dana.user.id, role: CORE_ROLE }] });
    running.splice(running.indexOf(first), 1);
    await first.stop();
    const second = await startBot({ adapter: { pendingRolesPath: path } });
    second.fake.join(GUILD_ID, dana);
    await eventually(() => second.fake.rolesOf(GUILD_ID, dana.user.id).includes(CORE_ROLE), 'the role on join after the restart');
    await eventually(() => (JSON.parse(readFileSync(path, 'utf8')) as { entries: unknown[] }).entries.length === 0, 'the promise settled');
  });

  it('given a role promised to someone not in the guild, when they are demoted before joining, then joining grants nothing', async () => {
    const r = await startBot();
    const dana = memberOf(user('92', 'dana'));
    await r.app.router.deliver([door(dana.user.id, CORE_ROLE)]);
    const [result] = await r.app.router.deliver([revoke(dana.user.id, CORE_ROLE)]);
    expect(result).toMatchObject({ ok: true });
    r.fake.join(GUILD_ID, dana);
    await eventually(() => r.events.some((e) => e.type === 'member.joined'), 'the join');
    expect(r.fake.rolesOf(GUILD_ID, dana.user.id)).toEqual([]);
  });

  it('given a channel, then listMembers pages through the guild’s members', async () => {
    const r = await startBot();
    const members = await r.adapter.listMembers({ platform: 'discord', chatId: GENERAL });
    expect(members.map((m) => m.user.userId).sort()).toEqual([ALICE.id, LI.id, MOD.id, OWNER.id, r.fake.me.id].sort());
    expect(members.find((m) => m.user.userId === MOD.id)).toMatchObject({ name: 'Mona', platformRole: 'admin' });
  });
});

describe('discord tier roles through the tier ladder', () => {
  const withCoreRole = () =>
    contentWith((c) => {
      (c.community as Record<string, unknown>).locale = 'en';
      const tiers = c.tiers as Record<string, unknown>[];
      tiers.find((t) => t.id === 'core')!.roles = { [`discord:${GUILD_ID}`]: CORE_ROLE };
    });

  it('given a tier bound to a role, when an operator moves a member up with /tier, then the role is granted and the member told; moved down, it is removed', async () => {
    const r = await startBot({ content: withCoreRole(), owners: [`discord:${OWNER.id}`] });
    await r.say('hello everyone', ALICE);
    await r.say(`/tier <@${ALICE.id}> core ambassador`, OWNER);
    await eventually(() => r.fake.rolesOf(GUILD_ID, ALICE.id).includes(CORE_ROLE), 'the core role');
    await eventually(() => r.fake.sent.some((s) => s.channelId === r.fake.dmChannelOf(ALICE.id) && /Core/.test(s.visible)), 'the promotion DM');
    const invite = () => r.app.db.sqlite.prepare("SELECT via, status FROM tier_invites WHERE tier = 'core'").get() as { via: string; status: string };
    expect(invite()).toEqual({ via: 'role-grant', status: 'sent' });
    // Being in the role's server at all is being in the tier: her next message marks the door used.
    await r.say('thanks!', ALICE);
    expect(invite()).toEqual({ via: 'role-grant', status: 'joined' });
    await r.say(`/tier <@${ALICE.id}> basic`, OWNER);
    await eventually(() => !r.fake.rolesOf(GUILD_ID, ALICE.id).includes(CORE_ROLE), 'the core role removed');
    expect(r.fake.callsOf('DELETE', `/guilds/${GUILD_ID}/members/${ALICE.id}/roles/${CORE_ROLE}`)).toHaveLength(1);
    expect(r.app.router.failed).toEqual([]);
  });
});

describe('discord createAdapter (what main.ts calls)', () => {
  it('given DISCORD_* variables, then the adapter is built, and an API root not ending in /api is named', () => {
    expect(createAdapter({ DISCORD_BOT_TOKEN: 't', DISCORD_API_ROOT: 'http://127.0.0.1:9/api' }, silentLogger).platform).toBe('discord');
    expect(() => createAdapter({ DISCORD_BOT_TOKEN: 't', DISCORD_API_ROOT: 'http://127.0.0.1:9' }, silentLogger)).toThrow(/DISCORD_API_ROOT/);
  });
});
