import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

let h: Harness;
afterEach(() => h?.close());

const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);

describe('member-list reconcile on a platform without leave events', () => {
  it('given a newcomer who left the room unreported, when the daily reconcile has run, then the quiet scan does not flag them and their inviter is not paid for them', async () => {
    h = await harness({ start: '2026-03-02T09:00:00+08:00' });
    // WeChat-like: the bot can list a room's members, but nobody tells it when someone leaves.
    const w = new TestAdapter('wechat', new Set(['member-list', 'member-join-events', 'dm']));
    h.app.router.register(w);
    await w.start(h.app.dispatcher.sink);
    await w.deliver(w.message({ user: 'host', name: 'Host', chat: 'room', text: 'welcome both of you', at: at(2) }));
    for (const user of ['gone', 'stays']) {
      await w.deliver(w.member('member.joined', { user, name: user, chat: 'room', inviter: 'host', at: at(2, '09:05') }));
      await w.deliver(w.message({ user, chat: 'room', text: '签到', at: at(2, '09:10') }));
    }
    w.rosters.set('room', ['host', 'stays', 'bot']);
    await h.scheduler.advanceTo(at(3, '05:00'));
    expect(h.app.services.members.recordedIn('wechat:room', 'wechat').map((m) => m.userId).sort()).toEqual(['host', 'stays']);
    await h.scheduler.advanceTo(at(13, '10:00'));
    const state = h.app.exportState();
    const name = (id: number) => state.members.find((m) => m.id === id)?.name;
    expect(state.ledger.filter((l) => l.reason === 'referral').map((l) => ({ to: name(l.member), delta: l.delta }))).toEqual([{ to: 'Host', delta: 50 }]);
    expect((state.flags as { member: number }[]).map((f) => name(f.member)).sort()).toEqual(['Host', 'stays']);
  });

  it('given the reconcile fires twice on one day, or a room whose list comes back empty, then nobody leaves twice and an empty list empties nothing', async () => {
    h = await harness();
    const w = new TestAdapter('wechat', new Set(['member-list', 'dm']));
    h.app.router.register(w);
    await w.start(h.app.dispatcher.sink);
    await w.deliver(w.message({ user: 'a', chat: 'room', text: 'hi', at: h.clock.now() }));
    await w.deliver(w.message({ user: 'b', chat: 'empty', text: 'hi', at: h.clock.now() }));
    w.rosters.set('room', ['bot']);
    const job = h.app.jobs.find((j) => j.id === 'members.reconcile')!;
    await job.run(at(3, '05:00'));
    await job.run(at(3, '05:00'));
    const left = h.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE key LIKE '%reconcile-left%'").get() as { n: number };
    expect(left.n).toBe(1);
    expect(h.app.services.members.memberCount('wechat:room')).toBe(0);
    expect(h.app.services.members.memberCount('wechat:empty')).toBe(1);
  });

  it('given a platform that reports leaves itself (the local one), then the reconcile does not ask it', async () => {
    h = await harness();
    const w = new TestAdapter('wechat', new Set(['member-list', 'member-leave-events']));
    let asked = 0;
    w.listMembers = async () => {
      asked++;
      return [];
    };
    h.app.router.register(w);
    await h.say('u1', 'hi');
    await h.app.jobs.find((j) => j.id === 'members.reconcile')!.run(at(3, '05:00'));
    expect(asked).toBe(0);
    expect(h.app.services.members.memberCount('local:g1')).toBe(1);
  });
});
