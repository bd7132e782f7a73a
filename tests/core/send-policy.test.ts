import { describe, expect, it } from 'vitest';
import { Pacer, type SendPolicy } from '../../src/core/send-policy.ts';

const pacer = (policy: SendPolicy, sentToday = 0, timeZone = 'America/New_York') =>
  new Pacer({ policies: { wechat: policy }, timeZone, random: () => 0.5, countSince: () => sentToday });
const msg = (cls: 'reply' | 'broadcast' | 'bulk' | 'staff' = 'reply', lane = 'wechat:room1') => ({ platform: 'wechat' as const, lane, cls });
const t = (iso: string) => new Date(iso).getTime();

describe('send policies', () => {
  it('given a 3 s gap with 2 s of jitter, then the next send on the account waits 3 s plus the drawn jitter, in any chat', () => {
    const p = pacer({ minGapMs: 3000, jitterMs: 2000 });
    const now = t('2026-03-02T12:00:00Z');
    expect(p.check(msg(), now)).toBeUndefined();
    p.record(msg(), now);
    expect(p.check(msg('reply', 'wechat:room2'), now + 1000)).toEqual({ until: now + 4000, reason: 'gap' });
    expect(p.check(msg('reply', 'wechat:room2'), now + 4000)).toBeUndefined();
  });

  it('given 6 a minute per room, then the seventh waits until the first leaves the window while another room goes on', () => {
    const p = pacer({ perChatPerMinute: 6 });
    const now = t('2026-03-02T12:00:00Z');
    for (let i = 0; i < 6; i++) p.record(msg(), now + i * 1000);
    expect(p.check(msg(), now + 6000)).toEqual({ until: now + 60_000, reason: 'chat-rate' });
    expect(p.check(msg('reply', 'wechat:room2'), now + 6000)).toBeUndefined();
  });

  it('given 199 sent today and a cap of 200, then one more goes and the next waits for the local midnight; staff notices are not held', () => {
    const p = pacer({ perDay: 200 }, 199);
    const now = t('2026-03-02T20:00:00-05:00');
    expect(p.check(msg('bulk'), now)).toBeUndefined();
    p.record(msg('bulk'), now);
    expect(p.check(msg('bulk'), now)).toEqual({ until: t('2026-03-03T00:00:00-05:00'), reason: 'day-cap' });
    expect(p.check(msg('staff'), now)).toBeUndefined();
  });

  it('given quiet hours 22:00–08:00 in New York on the night clocks spring forward, then a broadcast waits until 08:00 EDT and a reply goes at once', () => {
    const p = pacer({ quietHours: { from: '22:00', to: '08:00' } });
    const night = t('2026-03-07T23:30:00-05:00');
    expect(p.check(msg('broadcast'), night)).toEqual({ until: t('2026-03-08T08:00:00-04:00'), reason: 'quiet-hours' });
    expect(p.check(msg('bulk'), t('2026-03-08T03:30:00-04:00'))).toEqual({ until: t('2026-03-08T08:00:00-04:00'), reason: 'quiet-hours' });
    expect(p.check(msg('reply'), night)).toBeUndefined();
    expect(p.check(msg('broadcast'), t('2026-03-08T08:00:00-04:00'))).toBeUndefined();
  });
});
