import { afterEach, describe, expect, it } from 'vitest';
import { checkinPoints } from '../../src/features/checkin/index.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const rule = { base: 10, streakBonus: 2, streakBonusCap: 20 };

describe('checkinPoints', () => {
  it('given a streak of 1, then pays the base', () => expect(checkinPoints(rule, 1, 1)).toBe(10));
  it('given a streak of 7, then adds 6 days of bonus', () => expect(checkinPoints(rule, 7, 1)).toBe(22));
  it('given a streak of 30, then the bonus stops at the cap', () => expect(checkinPoints(rule, 30, 1)).toBe(30));
  it('given a 1.5 multiplier, then it multiplies base and bonus', () => expect(checkinPoints(rule, 2, 1.5)).toBe(18));
});

describe('check-in through the dispatcher', () => {
  it('given a first check-in, then the reply says points, streak, balance and place', async () => {
    h = await harness();
    const [reply] = await h.say('u1', '/checkin', { name: 'Alice', lang: 'en' });
    expect(reply).toBe('@Alice checked in: +10 points, streak 1 day. Balance 10. You are #1 today.');
  });

  it('given two check-ins on one local day, then the second pays nothing and says so', async () => {
    h = await harness();
    await h.say('u1', '/checkin', { lang: 'en' });
    h.clock.advance(3 * 3_600_000);
    const [again] = await h.say('u1', '签到');
    expect(again).toContain('already checked in today');
    expect(h.app.services.points.standing(1).balance).toBe(10);
  });

  it('given check-ins on consecutive days, then the streak grows; after a missed day it is 1 again', async () => {
    h = await harness();
    const day = 86_400_000;
    await h.say('u1', '/checkin');
    h.clock.advance(day);
    await h.say('u1', '/checkin');
    expect(h.app.services.checkins.currentStreak(1, h.clock.now(), 'Asia/Shanghai')).toBe(2);
    h.clock.advance(2 * day);
    await h.say('u1', '/checkin');
    expect(h.app.services.checkins.currentStreak(1, h.clock.now(), 'Asia/Shanghai')).toBe(1);
    expect(h.app.exportState().ledger.map((l) => l.delta)).toEqual([10, 12, 10]);
  });

  it('given 23:59 and 00:01 Shanghai time, then they are two check-in days', async () => {
    h = await harness({ start: '2026-03-02T23:59:00+08:00' });
    await h.say('u1', '/checkin');
    h.clock.set('2026-03-03T00:01:00+08:00');
    const [second] = await h.say('u1', '/checkin', { lang: 'en' });
    expect(second).toContain('+12 points, streak 2 days');
  });

  it('given a group in New York, when checking in either side of the spring-forward night, then local days decide the streak', async () => {
    const content = contentWith((c) => {
      (c.groups as unknown[]).push({ chat: 'local:ny', tier: 'basic', timezone: 'America/New_York' });
    });
    h = await harness({ content, start: '2026-03-07T23:30:00-05:00' });
    await h.say('u1', '/checkin', { chat: 'ny' });
    // 00:30 EST on 8 March, then 23:30 EDT the same local day (a 22-hour gap on a 23-hour day).
    h.clock.set('2026-03-08T00:30:00-05:00');
    const [a] = await h.say('u1', '/checkin', { chat: 'ny', lang: 'en' });
    h.clock.set('2026-03-08T23:30:00-04:00');
    const [b] = await h.say('u1', '/checkin', { chat: 'ny' });
    expect(a).toContain('streak 2 days');
    expect(b).toContain('already checked in today');
    h.clock.set('2026-03-09T00:10:00-04:00');
    const [c] = await h.say('u1', '/checkin', { chat: 'ny' });
    expect(c).toContain('streak 3 days');
  });

  it('given a core-tier group, then the tier multiplier applies and the member becomes core', async () => {
    h = await harness();
    const [reply] = await h.say('u1', '/checkin', { chat: 'core', lang: 'en' });
    expect(reply).toContain('+15 points');
    expect(h.app.exportState().members[0]!.tier).toBe('core');
  });

  it('given members checking in one after another, then each is told their place', async () => {
    h = await harness();
    await h.say('a', '/checkin');
    await h.say('b', '/checkin');
    const [third] = await h.say('c', '/checkin', { lang: 'en' });
    expect(third).toContain('#3 today');
  });

  it('given /checkin in a direct chat, then it explains it works in a group', async () => {
    h = await harness();
    const [reply] = await h.say('u1', '/checkin', { chat: null, lang: 'en' });
    expect(reply).toBe('That command works in a group chat.');
    expect(ledgerMismatches(h.app)).toEqual([]);
  });
});
