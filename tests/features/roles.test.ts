import { afterEach, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/core/command.ts';
import { harness, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

describe('roles, checked in one place', () => {
  it('given every moderator-or-higher command, when a member runs it, then it is refused and nothing is written', async () => {
    h = await harness();
    await h.say('victim', 'hi');
    const privileged = h.app.commands.filter((c: CommandSpec) => c.role !== 'member');
    expect(privileged.length).toBeGreaterThan(0);
    const before = h.app.db.sqlite.prepare('SELECT (SELECT COUNT(*) FROM ledger) + (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM member_roles) AS n').get();
    for (const c of privileged) {
      const [reply] = await h.say('u1', `/${c.name} @victim 10 x`, { lang: 'en' });
      expect(reply, c.name).toMatch(/only\.$/);
    }
    const after = h.app.db.sqlite.prepare('SELECT (SELECT COUNT(*) FROM ledger) + (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM member_roles) AS n').get();
    expect(after).toEqual(before);
  });

  it('given BOT_OWNERS, then the owner can make an operator, and an operator can make a moderator but not an operator', async () => {
    h = await harness({ owners: ['local:boss'] });
    await h.say('u1', 'hi');
    await h.say('u2', 'hi');
    expect(await h.say('boss', '/role @u1 operator', { lang: 'en' })).toEqual(["@u1's role is now: operator."]);
    expect(await h.say('u1', '/role @u2 moderator', { lang: 'en' })).toEqual(["@u2's role is now: moderator."]);
    expect(await h.say('u1', '/role @u2 operator', { lang: 'en' })).toEqual(['That command is for owners only.']);
    expect(h.app.services.members.roleOf(2)).toBe('moderator');
  });

  it('given a platform group admin, then they get the configured role (moderator)', async () => {
    h = await harness();
    const [reply] = await h.say('admin1', '/help', { admin: true, lang: 'en' });
    expect(reply).not.toContain('/award');
    expect(h.app.services.members.roleOf(1, { user: { platform: 'local', userId: 'admin1' }, platformRole: 'admin' })).toBe('moderator');
  });

  it('given /help, then a member sees only member commands and an operator also sees operator commands, in their locale', async () => {
    h = await harness();
    const [member] = await h.say('u1', '/help', { lang: 'zh-CN' });
    expect(member).toContain('每日签到');
    expect(member).not.toContain('/award');
    const [op] = await h.say('op', '/help', { lang: 'en' });
    expect(op).toContain('/award <@member> <amount> [reason…]');
  });

  it('given /bind, then an operator rebinds the group and later check-ins use the new tier', async () => {
    h = await harness();
    expect(await h.say('op', '/bind core', { lang: 'en' })).toEqual(['This group is now bound to the Core tier.']);
    expect(await h.say('op', '/bind gold', { lang: 'en' })).toEqual(['There is no tier “gold”. Tiers: basic, advanced, core.']);
    const [reply] = await h.say('u1', '/checkin', { lang: 'en' });
    expect(reply).toContain('+15 points');
  });
});
