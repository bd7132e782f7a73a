import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/clock.ts';
import { checkinPoints } from '../../src/features/checkin/index.ts';
import { exportState, importPurchases } from '../../src/main.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { cli, runSim, tempDb } from '../helpers/sim.ts';

/** Local time on day `n` after Monday 2 March 2026, in the community's zone (Asia/Shanghai). */
const at = (n: number, time: string) => `${addDays('2026-03-02', n)}T${time}:00+08:00`;
const msg = (when: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', chat: 'g1', user, text, lang: 'en', ...extra });
const tick = (when: string) => ({ at: when, type: 'tick' });
const dailyTicks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => tick(at(from + i, '12:00')));

describe('simulate: the tier ladder end to end', () => {
  it('given daily check-ins and 2 recorded orders, when the review runs after the 7th active day, then basic → advanced with exactly one invite, the join is tracked and check-ins there earn ×1.2', async () => {
    const db = tempDb();
    // Day 0: Alice joins and checks in; an operator records her first order by command.
    const week = Array.from({ length: 7 }, (_, n) => msg(at(n, '09:00'), 'u1', '/checkin', { name: 'Alice' }));
    const first = await runSim(db, [
      { at: at(0, '08:00'), type: 'member.joined', chat: 'g1', user: 'u1', name: 'Alice' },
      msg(at(0, '08:30'), 'op', '/purchase @u1 199 spring order', { chat: 'staff' }),
      ...week.slice(0, 3),
    ]);
    expect(first.out.find((o) => o.chat === 'staff')?.text).toBe('Recorded 199 for Alice: 1 orders, 199 in total.');

    // Between runs the shop's export is imported, twice: the second import adds nothing.
    const csv = join(dirname(db), 'orders.csv');
    writeFileSync(csv, 'identity,orders,amount,date,order\nlocal:u1,1,89.5,2026-03-03,SO-1002\nlocal:nobody,1,20,2026-03-03,SO-1003\n');
    expect(importPurchases({ dbPath: db, contentDir: CONTENT_DIR, file: csv, at: new Date(at(3, '08:00')) })).toEqual({
      added: 1,
      duplicates: 0,
      problems: [{ line: 3, message: 'unknown identity "local:nobody"' }],
    });
    expect(importPurchases({ dbPath: db, contentDir: CONTENT_DIR, file: csv, at: new Date(at(3, '08:05')) })).toMatchObject({ added: 0, duplicates: 1 });

    // Days 3–5: six active days, not yet enough. Day 6: the seventh, and the 09:30 review promotes.
    const second = await runSim(db, [...week.slice(3), tick(at(6, '12:00'))]);
    const invites = second.out.filter((o) => o.type === 'invite');
    expect(invites).toEqual([
      expect.objectContaining({ at: '2026-03-08T01:30:00.000Z', type: 'invite', user: 'u1', chat: 'advanced', text: expect.stringContaining('Alice, you are now Advanced!') }),
    ]);
    expect(invites[0]!.text).toContain('Points ×1.2');

    // Day 7: she joins the advanced group through the invite and checks in there; more reviews follow.
    const third = await runSim(db, [
      { at: at(7, '08:00'), type: 'member.joined', chat: 'advanced', user: 'u1' },
      msg(at(7, '09:00'), 'u1', '/checkin', { chat: 'advanced' }),
      ...dailyTicks(8, 10),
    ]);
    expect(third.out.filter((o) => o.type === 'invite')).toEqual([]);
    const state = exportState(db, CONTENT_DIR);
    const alice = state.members.find((m) => m.name === 'Alice')!;
    expect(alice.tier).toBe('advanced');
    const day7 = state.ledger.filter((l) => l.member === alice.id && l.reason === 'checkin').at(-1)!;
    expect(day7.delta).toBe(checkinPoints({ base: 10, streakBonus: 2, streakBonusCap: 20 }, 8, 1.2));
    expect(state.tiers.invites).toEqual([expect.objectContaining({ member: alice.id, tier: 'advanced', chat: 'local:advanced', via: 'invite-link', status: 'joined', resends: 0, joinedAt: '2026-03-09T00:00:00.000Z' })]);
    expect(state.tiers.decisions).toEqual([expect.objectContaining({ member: alice.id, tier: 'advanced', reason: 'promoted', since: '2026-03-08T01:30:00.000Z', note: 'orders 2/2, activeDays 7/7' })]);
    expect(state.purchases.map((p) => [p.source, p.amount])).toEqual([['command', 199], ['import', 89.5]]);
    const actions = state.audit.map((a) => (a as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['purchase.record', 'purchase.import', 'tier.promote', 'tier.joined']));
  });

  it('given an advanced member who goes quiet, then a warning when the keep rules fail and the demotion only after the 7-day grace, never a kick', async () => {
    const db = tempDb();
    const active = Array.from({ length: 8 }, (_, n) => msg(at(n, '09:00'), 'u1', '/checkin', { name: 'Alice' }));
    await runSim(db, [
      { at: at(0, '07:59'), type: 'member.joined', chat: 'g1', user: 'u1', name: 'Alice' },
      msg(at(0, '08:30'), 'op', '/purchase @u1 100', { chat: 'staff' }),
      msg(at(0, '08:31'), 'op', '/purchase @u1 100', { chat: 'staff' }),
      ...active,
    ]);
    // Promoted on day 6, active until day 7: the keep rules first judge her after a full 30-day
    // window in the tier (day 36), when it holds one active day.
    const quiet = await runSim(db, dailyTicks(8, 45));
    const dms = quiet.out.filter((o) => o.user === 'u1' && o.type === 'dm').filter((o) => /stay Advanced|You are now Basic/.test(o.text));
    expect(dms).toEqual([
      expect.objectContaining({ at: '2026-04-07T01:30:00.000Z', type: 'dm', user: 'u1', text: 'To stay Advanced you need 1 of 4 active days. If that is not met by 2026-04-14, you will move to Basic.' }),
      expect.objectContaining({ at: '2026-04-14T01:30:00.000Z', type: 'dm', user: 'u1', text: 'You are now Basic (from Advanced). Send /tier to see how to move up again.' }),
    ]);
    const state = exportState(db, CONTENT_DIR);
    expect(state.members[0]!.tier).toBe('basic');
    expect(state.tiers.decisions).toEqual([expect.objectContaining({ member: 1, tier: 'basic', reason: 'demoted', warnedAt: null, graceUntil: null })]);
    const audit = state.audit as { action: string; target: number; detail: Record<string, unknown> }[];
    expect(audit.filter((a) => a.action.startsWith('tier.')).map((a) => [a.action, a.target])).toEqual([
      ['tier.promote', 1],
      ['tier.warn', 1],
      ['tier.demote', 1],
    ]);
    // Never a kick by default: nothing asks the staff to remove her from the advanced group.
    expect(quiet.out.filter((o) => o.chat === 'staff' && /remove/.test(o.text))).toEqual([]);
  });

  it('given an operator moves a member by hand, when the next reviews run, then the decision stands for the hold and is audited and exported', async () => {
    const db = tempDb();
    const run = await runSim(db, [
      msg(at(0, '09:00'), 'u2', 'hello everyone, glad to be here', { name: 'Bob' }),
      msg(at(0, '10:00'), 'u2', '/tier review', { chat: 'staff' }),
      msg(at(0, '10:01'), 'op', '/tier @u2 advanced brand ambassador', { chat: 'staff' }),
      { at: at(1, '08:00'), type: 'member.joined', chat: 'advanced', user: 'u2' },
      ...dailyTicks(1, 29),
      msg(at(29, '13:00'), 'u2', '/tier'),
    ]);
    expect(run.out.find((o) => o.user === undefined && o.chat === 'staff' && o.at === '2026-03-02T02:00:00.000Z')?.text).toBe('That command is for operators only.');
    expect(run.out.find((o) => o.chat === 'staff' && o.text.startsWith('Bob:'))?.text).toBe('Bob: Basic → Advanced. The daily review leaves this alone until 2026-04-01.');
    expect(run.out.filter((o) => o.type === 'invite')).toHaveLength(1);
    // 29 reviews later Bob (1 active day, far below the keep rules) is still advanced and unwarned.
    expect(run.out.filter((o) => /stay Advanced/.test(o.text))).toEqual([]);
    expect(run.out.at(-1)!.text).toContain('Your tier: Advanced (since 2026-03-02).');
    expect(run.out.at(-1)!.text).toContain('Set by an operator; the review leaves it until 2026-04-01.');
    const state = exportState(db, CONTENT_DIR);
    expect(state.members.find((m) => m.name === 'Bob')!.tier).toBe('advanced');
    expect(state.audit).toContainEqual(expect.objectContaining({ action: 'tier.manual', actor: 2, target: 1, reason: 'brand ambassador', detail: { from: 'basic', to: 'advanced', holdUntil: '2026-04-01T02:01:00.000Z' } }));
    // Once the hold is over, the review judges him like anyone else.
    const later = await runSim(db, dailyTicks(30, 31));
    expect(later.out.filter((o) => /stay Advanced/.test(o.text))).toHaveLength(1);
  });

  it('given a member with 1 order and 3 active days, when they send /tier, then it shows how far they are on the rules', async () => {
    const db = tempDb();
    const run = await runSim(db, [
      { at: at(0, '07:00'), type: 'member.joined', chat: 'g1', user: 'u3', name: 'Cara' },
      msg(at(0, '08:00'), 'op', '/purchase @u3 50', { chat: 'staff' }),
      ...[0, 1, 2].map((n) => msg(at(n, '09:00'), 'u3', '/checkin', { name: 'Cara' })),
      msg(at(2, '10:00'), 'u3', '/tier'),
    ]);
    expect(run.out.at(-1)!.text).toBe('Your tier: Basic (since 2026-03-02).\nNext: Advanced — 1 of 2 orders, 3 of 7 active days.');
  });

  it('given an operator, when they run /tier review, then a dry run with a code comes first and only the code applies it', async () => {
    const db = tempDb();
    const days = Array.from({ length: 7 }, (_, n) => msg(at(n, '08:00'), 'u1', '/checkin', { name: 'Alice' }));
    // The review job runs at 09:30; these all happen before it on day 6.
    const dry = await runSim(db, [
      { at: at(0, '06:00'), type: 'member.joined', chat: 'g1', user: 'u1', name: 'Alice' },
      msg(at(0, '07:00'), 'op', '/purchase @u1 100', { chat: 'staff' }),
      msg(at(0, '07:01'), 'op', '/purchase @u1 100', { chat: 'staff' }),
      ...days,
      msg(at(6, '08:10'), 'op', '/tier review', { chat: 'staff' }),
    ]);
    const preview = dry.out.at(-1)!.text;
    expect(preview).toContain('Tier review (dry run): 1 promotions, 0 warnings, 0 demotions');
    expect(preview).toContain('↑ Alice: basic → advanced');
    expect(dry.out.filter((o) => o.type === 'invite')).toEqual([]);
    const code = /\/tier review (\w{6})/.exec(preview)![1]!;
    const applied = await runSim(db, [
      msg(at(6, '08:20'), 'op', '/tier review 000000', { chat: 'staff' }),
      msg(at(6, '08:21'), 'op', `/tier review ${code}`, { chat: 'staff' }),
      tick(at(6, '12:00')),
    ]);
    expect(applied.out.map((o) => o.text)).toEqual(
      expect.arrayContaining(['The members changed since that dry run: run /tier review again for a fresh code.', expect.stringContaining('Tier review applied: 1 promotions')]),
    );
    // The 09:30 job finds nothing left to do: still exactly one invite.
    expect(applied.out.filter((o) => o.type === 'invite')).toHaveLength(1);
    expect(exportState(db, CONTENT_DIR).audit).toContainEqual(expect.objectContaining({ action: 'tier.promote', actor: 2, target: 1 }));
  });

  it('given an invite nobody uses, then it is sent once more after inviteHours and then expires with a note to the staff', async () => {
    const db = tempDb();
    const run = await runSim(db, [
      { at: at(0, '07:00'), type: 'member.joined', chat: 'g1', user: 'u1', name: 'Alice' },
      msg(at(0, '08:00'), 'op', '/tier @u1 core', { chat: 'staff' }),
      ...dailyTicks(1, 8),
    ]);
    expect(run.out.filter((o) => o.type === 'invite').map((o) => o.at)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-05T01:30:00.000Z']);
    // The staff chat is written in the community's language (zh-CN).
    expect(run.out.filter((o) => o.chat === 'staff' && /两次都没有使用核心会员群的邀请/.test(o.text))).toHaveLength(1);
    expect(exportState(db, CONTENT_DIR).tiers.invites).toEqual([expect.objectContaining({ status: 'expired', resends: 1 })]);
  });

  it('given a file already imported, when import-purchases runs on the CLI with it, then it adds nothing and says so', async () => {
    const db = tempDb();
    await runSim(db, [msg(at(0, '09:00'), 'u1', '/checkin', { name: 'Alice' })]);
    const csv = join(dirname(db), 'orders.csv');
    writeFileSync(csv, 'member,orders,amount,date,note\n1,2,300,2026-03-01,two orders\n1,1,20,2026-03-01,\n1,1,20,2026-03-01,\n');
    expect(importPurchases({ dbPath: db, contentDir: CONTENT_DIR, file: csv })).toMatchObject({ added: 3, duplicates: 0 });
    const again = cli(['import-purchases', '--db', db, '--file', csv]);
    expect(again.stdout).toBe(`${csv}: 0 purchases added, 3 already recorded, 0 rows skipped\n`);
    expect(again.status).toBe(0);
    expect(exportState(db, CONTENT_DIR).purchases.map((p) => p.orders)).toEqual([2, 1, 1]);
  });
});
