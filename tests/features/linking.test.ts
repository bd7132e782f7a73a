import { afterEach, describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/core/outbound.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';
import { onPlatforms, withoutSendGaps } from '../helpers/platforms.ts';

let h: Harness;
afterEach(() => h?.close());

/** An instant on a March 2026 day in the community's zone (Shanghai). */
const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);
const CODE = /[A-Z0-9]{4}-[A-Z0-9]{4}/;

const tg = (text: string, o: { chat?: string | null; user?: string } = {}) => h.say(o.user ?? 'ann', text, { platform: 'telegram', name: 'Ann', lang: 'en', chat: o.chat === undefined ? null : o.chat });
const dc = (text: string, o: { chat?: string | null; user?: string } = {}) => h.say(o.user ?? 'ann#7', text, { platform: 'discord', name: 'AnnD', lang: 'en', chat: o.chat === undefined ? null : o.chat });

const memberOf = (platform: string, userId: string) => h.app.services.members.findByIdentity({ platform: platform as 'telegram', userId })!;

/** Sets a member's balance to exactly `target` with one operator adjustment row. */
function topUp(memberId: number, target: number, day: number) {
  const { points, audit } = h.app.services;
  h.app.db.transaction(() => {
    const delta = target - points.balance(memberId);
    if (delta !== 0) points.credit({ memberId, delta, reason: delta > 0 ? 'award' : 'deduct', sourceKey: `test:${memberId}:${day}`, at: at(day) });
    audit.record({ at: at(day), actorMemberId: null, action: 'points.adjust', targetMemberId: memberId, detail: { delta } });
  });
}

/** Links Ann's Telegram and Discord identities through the DMs; returns what the confirming DM answered. */
async function linkByCode(): Promise<string | undefined> {
  const [codeMsg] = await tg('/link');
  const code = CODE.exec(codeMsg ?? '')![0];
  const [prompt] = await dc(`/link ${code.toLowerCase()}`);
  expect(prompt).toContain('/link confirm');
  const before = h.sent.length;
  await dc('/link confirm');
  const reply = h.sent.slice(before).find((o) => o.type === 'reply');
  return reply && renderPlain(reply.body);
}

describe('linking two identities with a code', () => {
  it('given 120 points with a 5-day streak on Telegram and 80 with a 9-day streak on Discord, when linked, then one member has 200, streak 9, a ledger that sums to the balance, and a check-in on both platforms the same day pays once', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    for (let d = 1; d <= 9; d++) {
      h.clock.set(at(d));
      if (d >= 5) await tg('/checkin', { chat: 'tg-group' });
      await dc('/checkin', { chat: 'dc-group' });
    }
    const a = memberOf('telegram', 'ann');
    const b = memberOf('discord', 'ann#7');
    expect(a).not.toBe(b);
    topUp(a, 120, 9);
    topUp(b, 80, 9);
    const { checkins, points } = h.app.services;
    expect([checkins.currentStreak(a, at(9), 'Asia/Shanghai'), checkins.currentStreak(b, at(9), 'Asia/Shanghai')]).toEqual([5, 9]);

    h.clock.set(at(9, '20:00'));
    const done = await linkByCode();
    expect(done).toBe('Linked. You are one member on discord, telegram: 200 points, a 9-day streak.');

    const state = h.app.exportState();
    const person = state.members.find((m) => m.identities.includes('telegram:ann'))!;
    expect(person.identities.sort()).toEqual(['discord:ann#7', 'telegram:ann']);
    expect(person).toMatchObject({ balance: 200, streak: 9 });
    expect(memberOf('discord', 'ann#7')).toBe(person.id);
    expect(ledgerMismatches(h.app)).toEqual([]);
    // The merged-away member keeps its history and a zero balance; the transfer rows net to nothing.
    const merges = state.ledger.filter((l) => l.reason === 'merge');
    const away = person.id === a ? b : a;
    const moved = away === a ? 120 : 80;
    expect(merges.map((l) => [l.member, l.delta])).toEqual([
      [away, -moved],
      [person.id, moved],
    ]);
    expect(points.balance(away)).toBe(0);

    h.clock.set(at(10));
    const [first] = await tg('/checkin', { chat: 'tg-group' });
    const [second] = await dc('/checkin', { chat: 'dc-group' });
    expect(first).toMatch(/streak/i);
    expect(first).toContain('10');
    expect(second).toMatch(/already/i);
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'checkin' && l.member === person.id && l.at.startsWith('2026-03-10'))).toHaveLength(1);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given the Discord identity confirms, then the Telegram identity hears of the link in its DM', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    await tg('/checkin', { chat: 'tg-group' });
    const before = h.sent.length;
    await linkByCode();
    const toTelegram = h.sent.slice(before).filter((o) => o.type === 'dm' && o.user.platform === 'telegram');
    expect(toTelegram).toHaveLength(1);
  });

  it('given a code, when it is asked for or written in a group, then no code is shown there and a written one is void', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    const [inGroup] = await tg('/link', { chat: 'tg-group' });
    expect(inGroup).not.toMatch(CODE);
    expect(inGroup).toMatch(/direct chat/);
    const [codeMsg] = await tg('/link');
    const code = CODE.exec(codeMsg!)![0];
    expect(await dc(`/link ${code}`, { chat: 'dc-group' })).toEqual(['That code was written in a group, so it is void now. Make a new one with /link in a direct chat with me.']);
    expect(await dc(`/link ${code}`)).toEqual([expect.stringMatching(/expired or was already used/)]);
  });

  it('given a wrong code, then it is refused clearly; given an expired one, then that is said; a used code cannot link twice', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    expect(await dc('/link ZZZZ-ZZZZ')).toEqual(['That code is wrong. Check it and try again, or make a new one with /link on your other platform.']);
    const [codeMsg] = await tg('/link');
    const code = CODE.exec(codeMsg!)![0];
    h.clock.set(new Date(at(1).getTime() + 11 * 60_000));
    expect(await dc(`/link ${code}`)).toEqual([expect.stringMatching(/^That code has expired/)]);
    expect(await dc('/link confirm')).toEqual(['There is nothing to confirm: redeem a code first with /link <code>.']);

    const [fresh] = await tg('/link');
    const again = CODE.exec(fresh!)![0];
    await dc(`/link ${again}`);
    await dc('/link confirm');
    expect(await h.say('carl', `/link ${again}`, { platform: 'discord', name: 'Carl', lang: 'en', chat: null })).toEqual([expect.stringMatching(/^That code has expired or was already used/)]);
  });

  it('given 20 wrong guesses at a code from several accounts, then the code is locked (even the right code is refused) and its owner is told', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    const [codeMsg] = await tg('/link');
    const code = CODE.exec(codeMsg!)![0];
    const lookup = code.slice(0, 4);
    const wrong = code.slice(5) === '2222' ? '3333' : '2222';
    const before = h.sent.length;
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push(...(await dc(`/link ${lookup}-${wrong}`, { user: `guesser${Math.floor(i / 5)}` })));
    expect(answers.slice(0, 19).every((a) => a.startsWith('That code is wrong'))).toBe(true);
    expect(answers[19]).toMatch(/locked/);
    expect(h.sent.slice(before).filter((o) => o.type === 'dm' && o.user.platform === 'telegram' && o.user.userId === 'ann')).toHaveLength(1);
    expect(await dc(`/link ${code}`)).toEqual([expect.stringMatching(/locked/)]);
    expect(h.app.services.members.findByIdentity({ platform: 'discord', userId: 'ann#7' })).not.toBe(memberOf('telegram', 'ann'));
  });

  it('given one account trying wrong codes, then after 10 in an hour it is told to wait, and may try again an hour later', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['discord']);
    for (let i = 0; i < 10; i++) expect(await dc(`/link AAAA-AAA${'23456789AB'[i]}`)).toEqual([expect.stringMatching(/^That code is wrong/)]);
    expect(await dc('/link AAAA-BBBB')).toEqual(['Too many wrong codes. Try again in 60 min.']);
    h.clock.set(new Date(at(1).getTime() + 61 * 60_000));
    expect(await dc('/link AAAA-BBBB')).toEqual([expect.stringMatching(/^That code is wrong/)]);
  });
});

describe('operators link by hand', () => {
  it('given an operator, when they /link two members, then the members are one and the merge is audited with the operator; a member cannot', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    await tg('/checkin', { chat: 'tg-group' });
    await dc('/checkin', { chat: 'dc-group' });
    const a = memberOf('telegram', 'ann');
    const b = memberOf('discord', 'ann#7');
    expect(await tg(`/link #${a} #${b}`)).toEqual([expect.stringMatching(/operator/)]);
    const [done] = await h.say('op', `/link #${a} #${b}`, { chat: 'g1', lang: 'en' });
    expect(done).toMatch(/are one member now \(discord, telegram\)/);
    expect(memberOf('discord', 'ann#7')).toBe(a);
    const op = h.app.services.members.findByIdentity({ platform: 'local', userId: 'op' });
    expect(h.app.exportState().audit).toContainEqual(expect.objectContaining({ action: 'member.merge', actor: op, target: a, detail: { from: b, into: a, via: 'operator' } }));
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});

describe('merging follows every feature', () => {
  it('given a member flagged quiet on WeChat who is active on Discord, when linked, then the person is not quiet: the flag is dismissed and the next scan flags nobody', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['wechat', 'discord']);
    await h.say('wx-ann', '/checkin', { platform: 'wechat', chat: 'wx-group', name: 'Ann', lang: 'en' });
    for (let d = 1; d <= 10; d++) {
      await h.scheduler.advanceTo(at(d, '09:00'));
      await dc('/checkin', { chat: 'dc-group' });
    }
    await h.scheduler.advanceTo(at(10, '11:00'));
    const wx = memberOf('wechat', 'wx-ann');
    const open = () => (h.app.exportState().flags as { member: number; status: string }[]).filter((f) => f.status === 'open');
    expect(open().map((f) => f.member)).toEqual([wx]);

    await h.say('op', `/link #${wx} #${memberOf('discord', 'ann#7')}`, { chat: 'g1', lang: 'en' });
    expect(memberOf('wechat', 'wx-ann')).toBe(memberOf('discord', 'ann#7'));
    expect(open()).toEqual([]);
    await h.scheduler.advanceTo(at(11, '11:00'));
    expect(open()).toEqual([]);
    expect(h.app.services.quiet.scan(at(11, '11:00'))).toEqual({ flagged: 0, reopened: 0 });
  });
});

describe('redemption limits after a merge', () => {
  it('given the newer identity redeemed this week’s coupon, when linked, then the older one cannot redeem it again: the limit counts both', async () => {
    h = await harness({ start: at(2).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    h.app.db.transaction(() => h.app.services.shop.importCodes('coupon-10', ['C-1', 'C-2', 'C-3'], null, at(2)));
    await tg('/checkin', { chat: 'tg-group' });
    await dc('/checkin', { chat: 'dc-group' });
    const older = memberOf('telegram', 'ann');
    const newer = memberOf('discord', 'ann#7');
    topUp(older, 300, 2);
    topUp(newer, 300, 2);
    expect(await dc('/redeem coupon-10')).toContainEqual(expect.stringMatching(/^Redeemed 10-yuan coupon/));
    await linkByCode();
    expect(memberOf('discord', 'ann#7')).toBe(older);
    const [refused] = await tg('/redeem coupon-10');
    expect(refused).toMatch(/limit|once/i);
    expect(h.app.exportState().redemptions.filter((r) => r.member === older)).toHaveLength(1);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});

describe('the member data parts', () => {
  it('given every table of the database, then exactly one feature part answers for it in merges, erasures and exports', async () => {
    h = await harness();
    const tables = (h.app.db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[]).map((r) => r.name).sort();
    const claimed = h.app.services.memberData.parts.flatMap((p) => p.tables);
    expect([...claimed].sort()).toEqual(tables);
    expect(new Set(claimed).size).toBe(claimed.length);
  });
});

/** The shipped content with send gaps off and a flat 30-point check-in. */
const flatCheckin = () =>
  contentWith((cfg) => {
    (cfg.delivery as { policies: unknown }).policies = {};
    (cfg.earning as { checkin: Record<string, number> }).checkin = { base: 30, streakBonus: 0, streakBonusCap: 0 };
  });

describe('unlinking an identity', () => {
  it('given 120 on Telegram and 80 on Discord linked, and 30 earned on Telegram since, when Telegram is unlinked, then it leaves with 150 (what it brought and earned), both ledgers sum to their balances, and linking again returns 230', async () => {
    h = await harness({ start: at(1).toISOString(), content: flatCheckin() });
    await onPlatforms(h, ['telegram', 'discord']);
    await dc('/checkin', { chat: 'dc-group' });
    await tg('/checkin', { chat: 'tg-group' });
    const discord = memberOf('discord', 'ann#7');
    const telegram = memberOf('telegram', 'ann');
    topUp(telegram, 120, 1);
    topUp(discord, 80, 1);
    h.clock.set(at(1, '20:00'));
    await linkByCode();
    expect(memberOf('telegram', 'ann')).toBe(discord);
    const { points } = h.app.services;
    expect(points.balance(discord)).toBe(200);

    h.clock.set(at(2));
    await tg('/checkin', { chat: 'tg-group' });
    await dc('/checkin', { chat: 'dc-group' });
    expect(points.balance(discord)).toBe(200 + 30);
    const lifetimeLinked = points.standing(discord).lifetime;

    h.clock.set(at(2, '12:00'));
    const before = h.sent.length;
    const [done] = await tg('/unlink telegram');
    expect(done).toBe('Unlinked your telegram account. Your member on discord keeps 80 points; the telegram account leaves with 150. Link again any time with /link.');
    // The Discord side, which did not ask, hears of it there.
    const told = h.sent.slice(before).filter((o) => o.type === 'dm');
    expect(told.map((o) => (o.type === 'dm' ? `${o.user.platform}:${renderPlain(o.body)}` : ''))).toEqual([
      'discord:Your telegram account was unlinked from this member, which keeps 80 points. If that was not you, tell a moderator.',
    ]);
    expect(memberOf('telegram', 'ann')).toBe(telegram);
    expect(memberOf('discord', 'ann#7')).toBe(discord);
    expect([points.balance(discord), points.balance(telegram)]).toEqual([80, 150]);
    const state = h.app.exportState();
    expect(state.ledger.filter((l) => l.reason === 'unlink').map((l) => [l.member, l.delta])).toEqual([
      [discord, -150],
      [telegram, 150],
    ]);
    expect(ledgerMismatches(h.app)).toEqual([]);
    // The Telegram group's check-ins go with the identity; the Discord ones stay.
    const days = (member: number) => (h.app.db.sqlite.prepare('SELECT day FROM checkins WHERE member_id = ? ORDER BY day').all(member) as { day: string }[]).map((r) => r.day);
    expect(days(telegram)).toEqual(['2026-03-01', '2026-03-02']);
    // Linked, the person checked in once on day 2 (on Telegram): Discord keeps only its own day.
    expect(days(discord)).toEqual(['2026-03-01']);
    // The member unlinked it themself, as the person they were then.
    expect(state.audit).toContainEqual(expect.objectContaining({ action: 'member.unlink', actor: discord, target: discord, detail: { member: discord, leaving: telegram, platform: 'telegram', via: 'member' } }));

    h.clock.set(at(2, '13:00'));
    await linkByCode();
    expect(memberOf('telegram', 'ann')).toBe(discord);
    expect(points.balance(discord)).toBe(230);
    expect(points.standing(discord).lifetime).toBe(lifetimeLinked);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a member with one platform, when they /unlink it, then that is refused; given a group or an unknown platform, then the member is told how', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    await tg('/checkin', { chat: 'tg-group' });
    expect(await tg('/unlink telegram')).toEqual(['Your telegram account is the only one you have here: there is nothing to unlink it from.']);
    expect(await tg('/unlink discord')).toEqual(['You have no linked discord account. Usage: /unlink <platform>, e.g. /unlink telegram']);
    expect(await tg('/unlink myspace')).toEqual(['“myspace” is not a platform. Usage: /unlink <platform> — one of telegram, discord, wechat, local']);
    expect(await tg('/unlink telegram', { chat: 'tg-group' })).toEqual(['Unlinking works only in a direct chat with me: send /unlink <platform> there.']);
    const [usage] = await tg('/unlink');
    expect(usage).toMatch(/\/unlink/);
  });

  it('given two linked identities, when an operator unlinks one by hand, then the person is split and the unlink is audited with the operator; a member cannot', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['telegram', 'discord']);
    await tg('/checkin', { chat: 'tg-group' });
    await dc('/checkin', { chat: 'dc-group' });
    const a = memberOf('telegram', 'ann');
    const b = memberOf('discord', 'ann#7');
    await h.say('op', `/link #${a} #${b}`, { chat: 'g1', lang: 'en' });
    expect(await dc(`/unlink #${a} discord`)).toEqual([expect.stringMatching(/operator/)]);
    const [done] = await h.say('op', `/unlink #${a} discord`, { chat: 'g1', lang: 'en' });
    expect(done).toMatch(/discord account is unlinked/);
    expect(memberOf('discord', 'ann#7')).toBe(b);
    expect(memberOf('telegram', 'ann')).toBe(a);
    const op = h.app.services.members.findByIdentity({ platform: 'local', userId: 'op' });
    expect(h.app.exportState().audit).toContainEqual(expect.objectContaining({ action: 'member.unlink', actor: op, target: a, detail: { member: a, leaving: b, platform: 'discord', via: 'operator' } }));
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});

describe('unlinking and quiet flags', () => {
  it('given a flag whose recall went to WeChat, when WeChat is unlinked, then the live flag leaves with the WeChat identity', async () => {
    h = await harness({ start: at(1).toISOString(), content: withoutSendGaps() });
    await onPlatforms(h, ['wechat', 'discord']);
    // WeChat is seen first (the member that stays), Discord's last activity comes before WeChat's.
    await h.scheduler.advanceTo(at(1, '07:00'));
    await h.say('wx-ann', '/help', { platform: 'wechat', chat: null, name: 'Ann', lang: 'en' });
    await h.scheduler.advanceTo(at(1, '08:00'));
    await dc('/checkin', { chat: 'dc-group' });
    await h.scheduler.advanceTo(at(1, '09:00'));
    await h.say('wx-ann', '/checkin', { platform: 'wechat', chat: 'wx-group', name: 'Ann', lang: 'en' });
    await h.scheduler.advanceTo(at(10, '11:00'));
    const wx = memberOf('wechat', 'wx-ann');
    const dcId = memberOf('discord', 'ann#7');
    const flags = () => h.app.db.sqlite.prepare("SELECT id, member_id AS member, status, recall_chat AS chat FROM quiet_flags WHERE status IN ('open', 'snoozed', 'recalled') ORDER BY id").all() as { id: number; member: number; status: string; chat: string | null }[];
    const wxFlag = flags().find((f) => f.member === wx)!;
    await h.say('mod', `/flag ${wxFlag.id} recall`, { chat: 'staff', lang: 'en' });
    await h.say('op', `/link #${wx} #${dcId}`, { chat: 'g1', lang: 'en' });
    const kept = flags().find((f) => f.id === wxFlag.id)!;
    expect(kept).toMatchObject({ member: wx, status: 'recalled' });
    expect(kept.chat).toMatch(/^wechat:/);
    await h.say('op', `/unlink #${wx} wechat`, { chat: 'g1', lang: 'en' });
    // WeChat was the member's own first identity: it leaves as a new member, and the flag with it.
    const alone = memberOf('wechat', 'wx-ann');
    expect(alone).not.toBe(wx);
    expect(memberOf('discord', 'ann#7')).toBe(wx);
    expect(flags().find((f) => f.id === wxFlag.id)).toMatchObject({ member: alone, status: 'recalled' });
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});
