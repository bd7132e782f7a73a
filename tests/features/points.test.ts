import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

describe('points ledger', () => {
  it('given the same (reason, source) twice, then it pays once', async () => {
    h = await harness();
    await h.say('u1', 'hello');
    const { points } = h.app.services;
    const at = h.clock.now();
    h.app.db.transaction(() => {
      expect(points.credit({ memberId: 1, delta: 5, reason: 'award', sourceKey: 'k1', at })).toBe(true);
      expect(points.credit({ memberId: 1, delta: 5, reason: 'award', sourceKey: 'k1', at })).toBe(false);
    });
    expect(points.standing(1)).toEqual({ balance: 5, lifetime: 5, rank: 1 });
  });

  it('given a spend above the balance, then it throws points.insufficient and leaves no ledger row', async () => {
    h = await harness();
    await h.say('u1', '/checkin');
    const { points } = h.app.services;
    expect(() => h.app.db.transaction(() => points.spend({ memberId: 1, cost: 11, reason: 'redeem', sourceKey: 'r1', at: h.clock.now() }))).toThrow(UserError);
    expect(points.standing(1).balance).toBe(10);
    expect(h.app.exportState().ledger).toHaveLength(1);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given an operator, when awarding and deducting, then balances move and both are audited', async () => {
    h = await harness();
    await h.say('u1', '/checkin', { name: 'Ann' });
    const [award] = await h.say('op', '/award @u1 50 great post', { lang: 'en' });
    expect(award).toBe('Gave @Ann 50 points. Balance 60.');
    const [deduct] = await h.say('op', '/deduct @u1 20 "spam"', { lang: 'en' });
    expect(deduct).toBe('Took 20 points from @Ann. Balance 40.');
    const [tooMuch] = await h.say('op', '/deduct @u1 100');
    expect(tooMuch).toContain('40');
    const state = h.app.exportState();
    expect(state.audit).toMatchObject([
      { action: 'points.award', target: 1, detail: { amount: 50 }, reason: 'great post' },
      { action: 'points.deduct', target: 1, detail: { amount: 20 }, reason: 'spam' },
    ]);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a member, when they run /award, then it is refused and nothing changes', async () => {
    h = await harness();
    await h.say('u2', 'hi');
    const [reply] = await h.say('u1', '/award @u2 50', { lang: 'en' });
    expect(reply).toBe('That command is for operators only.');
    expect(h.app.exportState().ledger).toEqual([]);
    expect(h.app.exportState().audit).toEqual([]);
  });

  it('given a malformed amount, then the operator gets the problem, a usage line and an example', async () => {
    h = await harness();
    await h.say('u1', 'hi');
    const [reply] = await h.say('op', '/award @u1 abc', { lang: 'en' });
    expect(reply).toBe('amount must be a whole number, not “abc”.\nUsage: /award <@member> <amount> [reason…]\nFor example: /award @alice 50');
  });

  it('given a mention of someone the bot has never seen, when an operator awards them, then no phantom member is created or paid', async () => {
    h = await harness();
    const [reply] = await h.say('op', '/award @nobody 10', { lang: 'en' });
    expect(reply).toBe("I don't know who “@nobody” is — mention them with @.\nUsage: /award <@member> <amount> [reason…]\nFor example: /award @alice 50");
    const s = h.app.exportState();
    expect(s.members.map((m) => m.name)).toEqual(['op']);
    expect(s.ledger).toEqual([]);
    expect(s.audit).toEqual([]);
  });

  it('given /points and /rank, then they show balance, lifetime, rank and the boards', async () => {
    h = await harness();
    await h.say('a', '/checkin', { name: 'Ann' });
    await h.say('b', '/checkin', { name: 'Bo' });
    await h.say('op', '/award @b 5');
    const [points] = await h.say('a', '/points', { lang: 'en' });
    expect(points).toBe('@Ann: balance 10, earned 10 in all, rank #2.');
    const [rank] = await h.say('a', '/rank');
    expect(rank).toBe('This week\n1. Bo — 15\n2. Ann — 10\n\nAll time\n1. Bo — 15\n2. Ann — 10');
  });

  it('given earnings last week, then this week’s board starts empty on Monday in the community zone', async () => {
    h = await harness({ start: '2026-03-08T23:00:00+08:00' }); // Sunday night in Shanghai
    await h.say('a', '/checkin', { name: 'Ann' });
    h.clock.set('2026-03-09T00:30:00+08:00'); // Monday
    const [rank] = await h.say('a', '/rank', { lang: 'en' });
    expect(rank).toBe('This week\nNo one yet.\n\nAll time\n1. Ann — 10');
  });
});
