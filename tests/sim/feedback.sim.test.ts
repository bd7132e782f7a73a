import { describe, expect, it } from 'vitest';
import { exportState } from '../../src/main.ts';
import { contentDirWith } from '../helpers/posts.ts';
import { runSim, tempDb } from '../helpers/sim.ts';

/** Local time in Asia/Shanghai (the shipped community's zone); 2026-03-02 is a Monday. */
const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`;
const utc = (day: number, time: string) => new Date(at(day, time)).toISOString();
const msg = (when: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', chat: 'g1', user, text, ...extra });
const staff = (when: string, user: string, text: string) => ({ at: when, type: 'message', chat: 'staff', user, text, lang: 'en' });
const dm = (when: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', user, text, ...extra });
const tick = (when: string) => ({ at: when, type: 'tick' });

/** The shipped content without scheduled posts (they would only add noise to the groups here). */
const quietContent = (patch: (cfg: Record<string, unknown>) => void = () => {}) => contentDirWith({}, patch);

describe('simulate: the feedback box and its reply deadline', () => {
  it('given business hours 09:00–18:00, when a question is asked at 10:00 and answered at 11:30, then the member gets a ticket number and the answer by DM and it counts within target', async () => {
    const dir = quietContent();
    const run = await runSim(
      tempDb(),
      [
        staff(at(2, '09:00'), 'mod', '/help'),
        msg(at(2, '10:00'), 'u1', '/feedback question How do I redeem a coupon?', { name: 'Alice', lang: 'en' }),
        staff(at(2, '11:30'), 'mod', '/reply 1 Open /shop and send /redeem <sku>.'),
        staff(at(2, '11:31'), 'mod', '/tickets stats'),
      ],
      dir,
    );
    const receipt = run.out.find((o) => o.chat === 'g1' && o.at === utc(2, '10:00'))!;
    expect(receipt.text).toContain('ticket #1');
    expect(receipt.text).toContain('expect an answer by 2026-03-02 12:00');
    const alert = run.out.find((o) => o.chat === 'staff' && o.at === utc(2, '10:00'))!;
    expect(alert.text).toContain('#1');
    expect(alert.text).toContain('How do I redeem a coupon?');
    expect(run.out.filter((o) => o.type === 'dm')).toEqual([
      { at: utc(2, '11:30'), local: expect.any(String), type: 'dm', user: 'u1', text: expect.stringContaining('Open /shop and send /redeem <sku>.'), id: expect.any(String) },
    ]);
    expect(run.out.find((o) => o.at === utc(2, '11:30') && o.type === 'reply')!.text).toContain('First response after 1 h 30 min: within the 2 h target');
    const stats = run.out.at(-1)!.text;
    expect(stats).toContain('first response median 1 h 30 min, p90 1 h 30 min');
    expect(stats).toContain('Answered within target: 100% (late: 0)');
  });

  it('given a question at 17:50 with hours until 18:00, then it is due at 10:50 the next morning, reminded at 10:20 and escalated at 10:50, once each across restarts, and the late answer shows in the stats', async () => {
    const dir = quietContent();
    const db = tempDb();
    const first = await runSim(
      db,
      [
        staff(at(2, '09:00'), 'op', '/help'),
        staff(at(2, '09:01'), 'mod', '/help'),
        msg(at(2, '17:50'), 'u2', '问题 积分什么时候过期？', { name: 'Bob' }),
        tick(at(3, '10:25')),
      ],
      dir,
    );
    const receipt = first.out.find((o) => o.chat === 'g1')!;
    expect(receipt.text).toContain('工单 #1');
    expect(receipt.text).toContain('预计 2026-03-03 10:50 前回复你');
    const staffOut = (r: typeof first) => r.out.filter((o) => o.chat === 'staff' && o.at > utc(2, '17:50'));
    expect(staffOut(first)).toEqual([{ at: utc(3, '10:20'), local: expect.any(String), type: 'send', chat: 'staff', text: expect.stringMatching(/^⏰ 工单 #1（Bob 的提问）已用去 2 小时 时限的 75%——截止 2026-03-03 10:50。@mod$/), id: expect.any(String) }]);

    // A restart whose clock starts before the reminder replays its minute: nothing twice.
    const second = await runSim(db, [tick(at(3, '10:00')), tick(at(3, '11:00'))], dir);
    expect(second.out).toEqual([{ at: utc(3, '10:50'), local: expect.any(String), type: 'send', chat: 'staff', text: expect.stringMatching(/^🚨 工单 #1（Bob 的提问）已超时：截止 2026-03-03 10:50，仍未响应。已上报：@mod @op$/), id: expect.any(String) }]);
    const third = await runSim(db, [tick(at(3, '10:00')), tick(at(3, '11:10')), staff(at(3, '11:30'), 'mod', '/reply 1 一年后过期。'), staff(at(3, '11:31'), 'mod', '/tickets stats')], dir);
    expect(third.out.filter((o) => o.text.includes('⏰') || o.text.includes('🚨'))).toEqual([]);
    expect(third.out.find((o) => o.at === utc(3, '11:30') && o.type === 'reply')!.text).toContain('later than the 2 h target — counted as late');
    expect(third.out.at(-1)!.text).toContain('Answered within target: 0% (late: 1)');

    const ticket = exportState(db, dir).feedback.tickets[0];
    expect(ticket).toMatchObject({
      id: 1,
      kind: 'question',
      status: 'answered',
      dueAt: utc(3, '10:50'),
      remindAt: utc(3, '10:20'),
      responseMinutes: 160,
      withinTarget: false,
      reminders: [
        { stage: 'remind', at: utc(3, '10:20'), status: 'sent' },
        { stage: 'overdue', at: utc(3, '10:50'), status: 'sent' },
      ],
    });
  });

  it('given a member, then they cannot /reply, /ticket close or /tickets, and cannot close or read another member’s ticket through /mytickets', async () => {
    const dir = quietContent();
    const db = tempDb();
    const run = await runSim(
      db,
      [
        msg(at(2, '10:00'), 'u1', '/ask where is my parcel?', { lang: 'en' }),
        msg(at(2, '10:05'), 'u2', '/reply 1 ha', { lang: 'en' }),
        dm(at(2, '10:06'), 'u2', '/ticket 1 close', { lang: 'en' }),
        dm(at(2, '10:07'), 'u2', '/tickets', { lang: 'en' }),
        dm(at(2, '10:08'), 'u2', '/mytickets 1 close', { lang: 'en' }),
        dm(at(2, '10:09'), 'u2', '/mytickets 1', { lang: 'en' }),
        dm(at(2, '10:10'), 'u1', '/mytickets', { lang: 'en' }),
      ],
      dir,
    );
    const said = (time: string) => run.out.filter((o) => o.at === utc(2, time)).map((o) => o.text);
    expect(said('10:05')).toEqual(['That command is for moderators only.']);
    expect(said('10:06')).toEqual(['That command is for moderators only.']);
    expect(said('10:07')).toEqual(['That command is for moderators only.']);
    expect(said('10:08')).toEqual(['There is no ticket #1 of yours.']);
    expect(said('10:09')).toEqual(['There is no ticket #1 of yours.']);
    expect(said('10:10')[0]).toContain('#1 question · open');
    const state = exportState(db, dir);
    expect(state.feedback.tickets).toMatchObject([{ id: 1, status: 'open', events: [] }]);
    expect(state.audit.filter((a) => (a as { action: string }).action.startsWith('ticket.') && (a as { action: string }).action !== 'ticket.create')).toEqual([]);
  });

  it('given a 10,000-character DM and an emoji-only DM, then both are stored exactly and shown in pieces under the platform limits', async () => {
    const dir = quietContent();
    const db = tempDb();
    // 100 numbered lines of 99 characters, one longer: 10,000 characters with 99 line breaks.
    const long = `${Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(95)}`).join('\n')}x`;
    expect(long.length).toBe(10_000);
    const emoji = '🎉👍🏽👨‍👩‍👧🇨🇳';
    const run = await runSim(
      db,
      [
        dm(at(2, '10:00'), 'u3', `建议 ${long}`, { name: 'Cai' }),
        dm(at(2, '10:01'), 'u4', emoji, { name: 'Dee', lang: 'en' }),
        dm(at(2, '10:02'), 'u4', '1', { lang: 'en' }),
        staff(at(2, '10:05'), 'mod', '/ticket 1'),
        staff(at(2, '10:06'), 'mod', '/ticket 2'),
      ],
      dir,
    );
    const state = exportState(db, dir);
    expect(state.feedback.tickets).toMatchObject([
      { id: 1, kind: 'suggestion', text: long, length: 10_000 },
      { id: 2, kind: 'question', text: emoji },
    ]);
    expect(run.out.find((o) => o.at === utc(2, '10:01'))!.text).toContain('Is this a question or a suggestion?');
    const alert = run.out.find((o) => o.chat === 'staff' && o.at === utc(2, '10:00'))!;
    expect(alert.text.length).toBeLessThan(700);
    expect(alert.text).toContain('/ticket 1');
    const card = run.out.filter((o) => o.at === utc(2, '10:05'));
    expect(card.length).toBeGreaterThanOrEqual(6);
    for (const piece of card) expect(piece.text.length).toBeLessThanOrEqual(2000);
    const shown = card.map((c) => c.text.split('\n').filter((l) => /^\d{3} x+$/.test(l))).flat();
    expect(shown).toEqual(long.split('\n'));
    expect(run.out.filter((o) => o.at === utc(2, '10:06')).map((o) => o.text).join('\n')).toContain(emoji);
  });
});

describe('simulate: one-to-one follow-ups of high-value quiet members', () => {
  it('given a core member who goes quiet, then the scan makes exactly one follow-up task, it is assigned, reminded and escalated at its times, and its outcome and churn reason show in /recallstats and export', async () => {
    const dir = quietContent();
    const db = tempDb();
    const checkins = [2, 3, 4].map((d) => msg(at(d, '09:00'), 'u9', '/checkin', { chat: 'core', name: 'Vera' }));
    const first = await runSim(db, [staff(at(2, '08:00'), 'mod', '/help'), staff(at(2, '08:01'), 'op', '/help'), ...checkins, tick(at(9, '10:30')), staff(at(9, '10:40'), 'mod', '/flag 1 assign @mod')], dir);
    const tasks = first.out.filter((o) => o.text.startsWith('🤝'));
    expect(tasks).toEqual([{ at: utc(9, '10:00'), local: expect.any(String), type: 'send', chat: 'staff', text: expect.stringContaining('🤝 回访 #1：高价值会员 @Vera 已沉默（标记 #1）。请在 24 小时 内（2026-03-10 10:00 前）一对一联系。负责人：暂无'), id: expect.any(String) }]);
    expect(first.out.at(-1)!.text).toBe('Flag #1: follow-up task #1 is assigned to mod.');

    // A restart that replays the scan slot and the next day's scan still has one task; it is reminded at 75% and escalated at its deadline.
    const second = await runSim(db, [tick(at(9, '09:59')), tick(at(10, '11:00'))], dir);
    expect(second.out.filter((o) => o.chat === 'staff' && /回访/.test(o.text))).toEqual([
      { at: utc(10, '04:00'), local: expect.any(String), type: 'send', chat: 'staff', text: '⏰ 回访 #1（@Vera）已用去 75% 的时间——截止 2026-03-10 10:00。@mod', id: expect.any(String) },
      { at: utc(10, '10:00'), local: expect.any(String), type: 'send', chat: 'staff', text: '🚨 回访 #1（@Vera）已超时（截止 2026-03-10 10:00）。已上报：@mod @op', id: expect.any(String) },
    ]);

    const third = await runSim(
      db,
      [
        staff(at(10, '11:00'), 'mod', '/followup 1 done returned'),
        staff(at(10, '11:01'), 'mod', '/followup 1 done no-answer other'),
        staff(at(10, '11:02'), 'mod', '/followup 1 done no-answer price too expensive since the change'),
        staff(at(10, '11:03'), 'mod', '/recallstats'),
      ],
      dir,
    );
    expect(third.out.map((o) => o.text)).toEqual([
      'Usage: /followup 1 done reached|no-answer|returned <reason> [note]',
      'With reason other, add a note saying what it was.',
      'Follow-up #1 done: no answer, price.',
      expect.stringContaining('One-to-one follow-ups: 0 open, 1 done — reached 0, no answer 1, returned 0\nWhy they drifted away: price 1 · “too expensive since the change”'),
    ]);
    const state = exportState(db, dir);
    expect(state.feedback.followUps).toEqual([
      expect.objectContaining({ id: 1, kind: 'follow-up', member: 3, flag: 1, status: 'done', outcome: 'no-answer', reason: 'price', note: 'too expensive since the change', assignee: 1 }),
    ]);
    expect(state.feedback.followUpStats).toEqual({ open: 0, done: 1, outcomes: { 'no-answer': 1 }, reasons: { price: 1 } });
    expect(state.audit.map((a) => (a as { action: string }).action).filter((a) => a.startsWith('followup.'))).toEqual(['followup.create', 'followup.assign', 'followup.done']);
  });
});

describe('simulate: the weekly suggestion loop', () => {
  it('given a week of suggestions with two done and one declined, then each group gets one digest in its language with the done items, thanking by name only who agreed, and a restart posts none again', async () => {
    const dir = quietContent((cfg) => {
      (cfg.posts as Record<string, unknown>).groupLocales = { 'local:g2': 'en' };
    });
    const db = tempDb();
    const first = await runSim(
      db,
      [
        msg(at(2, '10:00'), 'u1', '建议 增加夜间模式', { name: 'Alice' }),
        msg(at(2, '10:01'), 'u1', '/mytickets 1 name'),
        msg(at(3, '11:00'), 'u2', '/suggest more stickers please', { chat: 'g2', name: 'Bob', lang: 'en' }),
        msg(at(4, '12:00'), 'u3', '建议 取消签到', { name: 'Cai' }),
        staff(at(5, '10:00'), 'mod', '/ticket 1 done "夜间模式已上线"'),
        staff(at(5, '10:01'), 'mod', '/ticket 2 done "Twelve new stickers"'),
        staff(at(5, '10:02'), 'mod', '/ticket 3 declined "签到是核心玩法"'),
        staff(at(5, '10:03'), 'mod', '/ticket 1 done "again"'),
        tick(at(9, '10:30')),
      ],
      dir,
    );
    expect(first.out.filter((o) => o.type === 'dm').map((o) => [o.user, o.text])).toEqual([
      ['u1', '✅ 你的建议 #1（“增加夜间模式”）已完成：夜间模式已上线。谢谢你！'],
      ['u2', '✅ Your suggestion #2 (“more stickers please”) is done: Twelve new stickers. Thank you!'],
      ['u3', '你的建议 #3（“取消签到”）暂不采纳：签到是核心玩法。感谢你告诉我们。'],
    ]);
    expect(first.out.find((o) => o.at === utc(5, '10:03'))!.text).toBe('Suggestion #1 is already done.');
    const digests = first.out.filter((o) => o.at === utc(9, '10:00') && o.type === 'send');
    expect(digests.map((o) => o.chat)).toEqual(['advanced', 'core', 'g1', 'g2', 'staff']);
    expect(digests.find((o) => o.chat === 'g1')!.text).toBe(
      '📣 本周建议（2026-03-02 起）：收到 3 条，计划 0 条，完成 2 条。\n✅ “增加夜间模式” → 夜间模式已上线——感谢 Alice\n✅ “more stickers please” → Twelve new stickers——感谢 一位会员\n有想法？发送 建议 <你的想法> 告诉我们。',
    );
    expect(digests.find((o) => o.chat === 'g2')!.text).toBe(
      '📣 Your suggestions, week of 2026-03-02: 3 received, 0 planned, 2 done.\n✅ “增加夜间模式” → 夜间模式已上线 — thanks to Alice\n✅ “more stickers please” → Twelve new stickers — thanks to a member\nHave an idea? Send /feedback suggestion <your idea>, or 建议 <your idea>.',
    );
    expect(digests.find((o) => o.chat === 'staff')!.text).toContain('🗓 反馈周报（2026-03-02 起）：收到建议 3，完成 2，计划 0，不采纳 1');

    const again = await runSim(db, [tick(at(9, '09:00')), tick(at(9, '11:00'))], dir);
    expect(again.out.filter((o) => o.text.includes('📣') || o.text.includes('🗓'))).toEqual([]);
  });
});
