import { afterEach, describe, expect, it } from 'vitest';
import type { Capability } from '../../src/core/adapter.ts';
import { renderPlain, type Outbound } from '../../src/core/outbound.ts';
import { contentWith, harness, type Harness } from '../helpers/harness.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

let h: Harness;
afterEach(() => h?.close());

const INTERACTIVE: Capability[] = ['interactions', 'ephemeral', 'buttons', 'dm', 'member-join-events', 'member-leave-events', 'stable-ids'];

/** A bot whose Discord side is a test adapter with `caps`; `discord:mod` is a moderator, `discord:op` an operator. */
async function withAdapter(caps: Capability[], platform: 'discord' | 'wechat' = 'discord') {
  h = await harness({
    content: contentWith((c) => {
      (c.roles as Record<string, unknown>).moderators = ['local:mod', `${platform}:mod`];
      (c.roles as Record<string, unknown>).operators = ['local:op', `${platform}:op`];
      (c.staff as Record<string, unknown>).chat = `${platform}:staff`;
    }),
  });
  const adapter = new TestAdapter(platform, new Set(caps));
  h.app.router.register(adapter);
  await adapter.start(h.app.dispatcher.sink);
  return adapter;
}

const ledger = () => h.app.exportState().ledger.map(({ member, delta, reason, source }) => ({ member, delta, reason, source }));
const audit = () => h.app.db.sqlite.prepare('SELECT action, actor_member_id AS actor, target_member_id AS target FROM audit_log ORDER BY id').all();

describe('slash commands and buttons run through the same command table as text', () => {
  it('given /checkin as a slash command, then it pays exactly like the text command: the same ledger row and key rules', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.command({ user: 'u1', name: 'Ann', chat: 'c1', command: 'checkin', at: h.clock.now(), lang: 'en' }));
    await h.say('t1', '/checkin', { name: 'Tom', lang: 'en' });
    expect(ledger()).toEqual([
      { member: 1, delta: 10, reason: 'checkin', source: '1:2026-03-02' },
      { member: 2, delta: 10, reason: 'checkin', source: '2:2026-03-02' },
    ]);
    const reply = d.sent.at(-1)!;
    expect(reply).toMatchObject({ type: 'reply', replyTo: 'i1' });
    expect(reply).not.toHaveProperty('private');
    expect(renderPlain(reply.body)).toBe('@Ann checked in: +10 points, streak 1 day. Balance 10. You are #1 today.');
  });

  it('given a slash /checkin redelivered with the same interaction, then it pays once; a second check-in the same day pays nothing', async () => {
    const d = await withAdapter(INTERACTIVE);
    const event = d.command({ user: 'u1', chat: 'c1', command: 'checkin', at: h.clock.now(), interactionId: 'same' });
    await d.deliver(event);
    await d.deliver(event);
    expect(await h.app.dispatcher.dispatch(event)).toBe('duplicate');
    h.clock.advance(3_600_000);
    await d.deliver(d.message({ user: 'u1', chat: 'c1', text: '签到', at: h.clock.now() }));
    expect(ledger()).toHaveLength(1);
    expect(h.app.services.points.standing(1).balance).toBe(10);
  });

  it('given a member pressing a moderator-only flag button, then they are refused privately and the flag and audit log do not change', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.message({ user: 'quiet', chat: 'c1', text: 'hello there everyone', at: h.clock.now() }));
    h.clock.advance(10 * 86_400_000);
    h.app.db.transaction(() => h.app.services.quiet.scan(h.clock.now()));
    const before = h.app.exportState().flags;
    expect(before).toHaveLength(1);
    await d.deliver(d.action({ user: 'u9', chat: 'c1', actionId: 'flag', value: '1 recall', at: h.clock.now(), lang: 'en' }));
    expect(h.app.dispatcher).toBeDefined();
    expect(h.app.exportState().flags).toEqual(before);
    expect(audit()).toEqual([]);
    const refusal = d.sent.at(-1)!;
    expect(refusal).toMatchObject({ type: 'reply', private: true });
    expect(renderPlain(refusal.body)).toBe('That command is for moderators only.');
  });

  it('given a moderator pressing the same button, then the flag is recalled and audited with the moderator as actor', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.message({ user: 'quiet', chat: 'c1', text: 'hello there everyone', at: h.clock.now() }));
    h.clock.advance(10 * 86_400_000);
    h.app.db.transaction(() => h.app.services.quiet.scan(h.clock.now()));
    await d.deliver(d.action({ user: 'mod', chat: 'staff', actionId: 'flag', value: '1 recall', at: h.clock.now() }));
    expect((h.app.exportState().flags[0] as { status: string }).status).toBe('recalled');
    expect(audit()).toEqual([{ action: 'flag.recall', actor: 2, target: 1 }]);
    expect(d.sent.some((o) => o.type === 'dm' && o.user.userId === 'quiet')).toBe(true);
  });

  it('given the flag card asked by slash command on a platform with buttons, then it carries Recall, Snooze and Dismiss; on the local platform (no buttons) they are left out', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.message({ user: 'quiet', chat: 'c1', text: 'hello there everyone', at: h.clock.now() }));
    h.clock.advance(10 * 86_400_000);
    h.app.db.transaction(() => h.app.services.quiet.scan(h.clock.now()));
    await d.deliver(d.command({ user: 'mod', chat: 'staff', command: 'flag', options: { flag: 1 }, at: h.clock.now(), lang: 'en' }));
    const card = d.sent.at(-1)!;
    expect(card).toMatchObject({ type: 'reply', private: true });
    expect(card.body.filter((s) => s.type === 'action')).toEqual([
      { type: 'action', label: 'Recall', command: 'flag', args: '1 recall', style: 'primary' },
      { type: 'action', label: 'Snooze 7 days', command: 'flag', args: '1 snooze 7' },
      { type: 'action', label: 'Dismiss', command: 'flag', args: '1 dismiss', style: 'danger' },
    ]);
    await h.app.router.deliver([{ type: 'send', chat: { platform: 'local', chatId: 'g1' }, body: card.body }]);
    expect((h.sent.at(-1) as Outbound).body.some((s) => s.type === 'action')).toBe(false);
    expect(renderPlain((h.sent.at(-1) as Outbound).body)).toBe(renderPlain(card.body.filter((s) => s.type !== 'action')));
  });

  it('given a slash command whose name the table no longer has, then the member is told privately and nothing else happens', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.command({ user: 'u1', chat: 'c1', command: 'gone', at: h.clock.now(), lang: 'en' }));
    expect(d.sent.at(-1)).toMatchObject({ type: 'reply', private: true });
    expect(renderPlain(d.sent.at(-1)!.body)).toContain('no longer available');
  });

  it('given typed slash options, then they are validated like typed words: a bad amount gets the usage line, a member option needs no mention', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.command({ user: 'op', chat: 'c1', command: 'award', options: { member: { user: { platform: 'discord', userId: 'u5' }, name: 'Eve' }, amount: 0 }, at: h.clock.now(), lang: 'en' }));
    expect(renderPlain(d.sent.at(-1)!.body)).toBe('amount must be at least 1.\nUsage: /award <@member> <amount> [reason…]\nFor example: /award @alice 50');
    await d.deliver(d.command({ user: 'op', chat: 'c1', command: 'award', options: { member: { user: { platform: 'discord', userId: 'u5' }, name: 'Eve' }, amount: 25, reason: 'helped' }, at: h.clock.now(), lang: 'en' }));
    expect(ledger()).toEqual([{ member: 2, delta: 25, reason: 'award', source: expect.stringContaining('discord:c1:i:') }]);
    expect(audit()).toEqual([{ action: 'points.award', actor: 1, target: 2 }]);
  });
});

describe('private answers are decided by the core from capabilities', () => {
  it('given /points on an ephemeral platform, then it is an ephemeral reply to the interaction', async () => {
    const d = await withAdapter(INTERACTIVE);
    await d.deliver(d.command({ user: 'u1', chat: 'c1', command: 'points', at: h.clock.now(), lang: 'en' }));
    expect(d.sent).toEqual([{ type: 'reply', chat: { platform: 'discord', chatId: 'c1' }, replyTo: 'i1', private: true, body: expect.any(Array) }]);
  });

  it('given /points by button where the platform has dm but no ephemeral, then it goes by DM, with the group as the fallback', async () => {
    const d = await withAdapter(['interactions', 'buttons', 'dm']);
    await d.deliver(d.action({ user: 'u1', chat: 'c1', actionId: 'points', value: '', at: h.clock.now(), lang: 'en' }));
    expect(d.sent).toEqual([{ type: 'dm', user: { platform: 'discord', userId: 'u1' }, name: 'u1', fallbackChat: { platform: 'discord', chatId: 'c1' }, body: expect.any(Array) }]);
    expect(renderPlain(d.sent[0]!.body)).toContain('0');
  });

  it('given /points where the platform has neither, then the answer stays in the group', async () => {
    const d = await withAdapter(['interactions']);
    await d.deliver(d.command({ user: 'u1', chat: 'c1', command: 'points', at: h.clock.now() }));
    expect(d.sent[0]).toMatchObject({ type: 'reply', replyTo: 'i1' });
    expect(d.sent[0]).not.toHaveProperty('private');
  });

  it('given /points typed as text in a group, then it is answered in the group as before', async () => {
    h = await harness();
    await h.say('u1', '/points', { lang: 'en' });
    expect(h.sent[0]).toMatchObject({ type: 'reply', chat: { chatId: 'g1' } });
  });
});

describe('words, mentions and spaces', () => {
  it('given localised words for choices, then /rank 本周 is the weekly board and 兑换 补签卡 names the reward by its Chinese name', async () => {
    h = await harness();
    const [week] = await h.say('u1', '/rank week', { lang: 'zh' });
    const [zh] = await h.say('u1', '/rank 本周', { lang: 'zh' });
    expect(zh).toBe(week);
    const [card] = await h.say('u1', '兑换 补签卡', { lang: 'zh' });
    const [sku] = await h.say('u1', '兑换 streak-repair', { lang: 'zh' });
    expect(card).toBe(sku);
    expect(card).not.toContain('这个奖励');
  });

  it('given @Bot 签到 with the mention of the bot first, then it checks in', async () => {
    const d = await withAdapter(INTERACTIVE, 'wechat');
    await d.deliver(d.message({ user: 'u1', chat: 'room', text: '@Hearth 签到', mentions: [{ user: 'bot', text: '@Hearth', isSelf: true }], at: h.clock.now() }));
    expect(ledger()).toEqual([{ member: 1, delta: 10, reason: 'checkin', source: '1:2026-03-02' }]);
  });

  it('given a member who leaves a whole space, then they leave every group of that space and only those', async () => {
    h = await harness();
    const d = new TestAdapter('discord', new Set(INTERACTIVE), { platform: 'discord', spaceId: 'guild' });
    h.app.router.register(d);
    await d.start(h.app.dispatcher.sink);
    for (const chat of ['a', 'b']) await d.deliver(d.message({ user: 'u1', chat, text: 'hi', at: h.clock.now() }));
    await h.say('u1', 'hi');
    expect(h.app.services.groups.inSpace({ platform: 'discord', spaceId: 'guild' }).map((g) => g.chatKey)).toEqual(['discord:a', 'discord:b']);
    await d.deliver(d.member('member.left', { user: 'u1', chat: 'a', at: h.clock.now(), spaceWide: true }));
    expect(h.app.services.members.memberCount('discord:a')).toBe(0);
    expect(h.app.services.members.memberCount('discord:b')).toBe(0);
  });
});
