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
      { at: utc(2, '11:30'), type: 'dm', user: 'u1', text: expect.stringContaining('Open /shop and send /redeem <sku>.') },
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
    expect(staffOut(first)).toEqual([{ at: utc(3, '10:20'), type: 'send', chat: 'staff', text: expect.stringMatching(/^⏰ 工单 #1（Bob 的提问）已用去 2 小时 时限的 75%——截止 2026-03-03 10:50。@mod$/) }]);

    // A restart whose clock starts before the reminder replays its minute: nothing twice.
    const second = await runSim(db, [tick(at(3, '10:00')), tick(at(3, '11:00'))], dir);
    expect(second.out).toEqual([{ at: utc(3, '10:50'), type: 'send', chat: 'staff', text: expect.stringMatching(/^🚨 工单 #1（Bob 的提问）已超时：截止 2026-03-03 10:50，仍未响应。已上报：@mod @op$/) }]);
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
