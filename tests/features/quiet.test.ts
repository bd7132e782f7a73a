import { afterEach, describe, expect, it } from 'vitest';
import { localReactionEvent } from '../../adapters/local/local-events.ts';
import type { Capability, PlatformAdapter } from '../../src/core/adapter.ts';
import { renderPlain, type Outbound } from '../../src/core/outbound.ts';
import { loadContent, validate } from '../../src/config/load.ts';
import { communitySchema } from '../../src/config/schema.ts';
import { CONTENT_DIR, contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

/** An instant on a March 2026 day in Shanghai. */
const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);

type ExportedFlag = {
  id: number;
  member: number;
  status: string;
  risk: { daysQuiet: number; usualGapDays: number | null; streakLost: number; balance: number; tier: string; stage: string; highValue: boolean; score: number };
  recall: null | { template: string; via: string; outcome: string; bonus: number; bonusPaidAt: string | null; returned: Record<string, boolean> };
  returnedAt: string | null;
  returnedVia: string | null;
};
const flags = () => h.app.exportState().flags as ExportedFlag[];
// The weekly retention digest goes to the staff chat too; these tests are about the quiet digest.
const staffMessages = () =>
  h.sent
    .filter((o) => o.type === 'send' && o.chat.chatId === 'staff')
    .map((o) => renderPlain(o.body))
    .filter((text) => !text.startsWith('留存报告'));

/** `user` checks in every day from March `from` to `to` at 09:00 Shanghai, moving the scheduler along. */
async function dailyCheckins(user: string, from: number, to: number, chat = 'g1') {
  for (let d = from; d <= to; d++) {
    await h.scheduler.advanceTo(at(d));
    await h.say(user, '/checkin', { chat, name: user.toUpperCase(), lang: 'en' });
  }
}

describe('the daily quiet scan', () => {
  it('given a member active daily for two weeks then silent, then the scan after the threshold flags them, and not before', async () => {
    h = await harness();
    await dailyCheckins('u1', 2, 15);
    await h.scheduler.advanceTo(at(21, '23:00'));
    expect(flags()).toEqual([]);
    await h.scheduler.advanceTo(at(22, '10:00'));
    const [flag] = flags();
    expect(flag).toMatchObject({
      id: 1,
      member: 1,
      status: 'open',
      risk: { daysQuiet: 7, usualGapDays: 1, streakLost: 14, balance: h.app.services.points.standing(1).balance, tier: 'basic', stage: 'growing', highValue: false },
    });
    expect(flag!.risk.score).toBeGreaterThanOrEqual(7);
    expect(staffMessages()).toEqual([
      '沉默成员提醒：新增 1 个待处理，共 1 个未处理。按风险从高到低：\n#1 U1 · 已沉默 7 天 · 平时每 1 天活跃一次 · 风险 7\n用 /flags 和 /flag <编号> 处理。',
    ]);
  });

  it('given the scan runs again the next day and once more by hand, then nobody is flagged twice and no second digest goes out', async () => {
    h = await harness();
    await dailyCheckins('u1', 2, 15);
    await h.scheduler.advanceTo(at(24, '12:00'));
    expect(h.app.services.quiet.scan(at(24, '12:00'))).toEqual({ flagged: 0, reopened: 0 });
    expect(flags()).toHaveLength(1);
    expect(staffMessages()).toHaveLength(1);
  });

  it('given a member who joined yesterday and one who joined eight days ago and never spoke, then only the second is flagged (a new member, with no baseline)', async () => {
    h = await harness();
    await h.scheduler.advanceTo(at(13, '12:00'));
    await h.join('old', 'g1', 'Old');
    await h.scheduler.advanceTo(at(21, '12:00'));
    await h.join('new', 'g1', 'New');
    await h.scheduler.advanceTo(at(22, '10:00'));
    expect(flags().map((f) => [f.member, f.risk.stage, f.risk.usualGapDays])).toEqual([[1, 'new', null]]);
  });

  it('given a member who left the group, then they are not flagged', async () => {
    h = await harness();
    await dailyCheckins('u1', 2, 5);
    await h.leave('u1');
    await h.scheduler.advanceTo(at(25, '10:00'));
    expect(flags()).toEqual([]);
  });

  it('given a daily regular and an occasional visitor silent as long, then the regular ranks first; a core member is flagged sooner and marked high value', async () => {
    h = await harness();
    for (let day = 2; day <= 15; day++) {
      await dailyCheckins('reg', day, day);
      await h.scheduler.advanceTo(at(day, '12:00'));
      if (day % 6 === 3) await h.say('occ', `hello on the ${day}th`, { name: 'Occ' });
    }
    await h.say('vip', 'hi from core', { chat: 'core', name: 'Vip' });
    await h.scheduler.advanceTo(at(20, '10:00'));
    expect(flags()).toEqual([]);
    await h.scheduler.advanceTo(at(21, '10:00'));
    expect(flags().map((f) => [f.member, f.risk.tier, f.risk.highValue])).toEqual([[3, 'core', true]]);
    await h.scheduler.advanceTo(at(23, '10:00'));
    const [list] = await h.say('mod', '/flags', { chat: 'staff', lang: 'en' });
    expect(list!.split('\n')).toEqual([
      'Open flags (page 1/1, 3 open), highest risk first:',
      '#2 REG · quiet 8d · usually every 1d · risk 8',
      '#1 Vip · quiet 7d · no baseline yet · risk 1.6 · ★ high value',
      '#3 Occ · quiet 7d · usually every 6d · risk 1.3',
    ]);
  });
});

describe('quiet config', () => {
  it('given a tier threshold for an unknown tier, then the config is refused naming the field', () => {
    const raw = { ...structuredClone(loadContent(CONTENT_DIR).community), quiet: { tierThresholdDays: { gold: 3 } } };
    expect(() => validate('community.yaml', communitySchema, raw)).toThrow('quiet.tierThresholdDays.gold: unknown tier "gold" (tiers: basic, advanced, core)');
  });

  it('given a template with no message in the catalogues, then the app refuses to start naming quiet.templates', async () => {
    const content = contentWith((c) => void ((c.quiet as Record<string, unknown>).templates = ['warm', 'missing']));
    await expect(harness({ content })).rejects.toThrow(/quiet\.templates\[1\]: no message quiet\.recall\.missing/);
  });
});

describe('review and recall', () => {
  /** u1 checks in daily March 2–15 and is flagged on the 22 March scan as flag #1. */
  async function flagged(content = contentWith()) {
    h = await harness({ content });
    await dailyCheckins('u1', 2, 15);
    await h.scheduler.advanceTo(at(22, '10:00'));
    expect(flags()).toHaveLength(1);
  }

  it('given a recall, when the member checks in three days later, then the flag shows returned, the comeback bonus is paid once and the return rate counts it', async () => {
    await flagged();
    await h.scheduler.advanceTo(at(22, '11:00'));
    const before = h.sent.length;
    expect(await h.say('mod', '/flag 1 recall warm', { chat: 'staff', lang: 'en' })).toContain('Recall for flag #1 sent to U1 (template “warm”, comeback bonus 30).');
    const dm = h.sent.slice(before).find((o): o is Extract<Outbound, { type: 'dm' }> => o.type === 'dm')!;
    expect(dm).toMatchObject({ user: { platform: 'local', userId: 'u1' }, fallbackChat: { platform: 'local', chatId: 'g1' } });
    const balance = h.app.services.points.standing(1).balance;
    expect(renderPlain(dm.body)).toBe(
      `Hi U1, we miss you in the group! Your 14-day check-in streak is ready to start again, and you have ${balance} points waiting. Check in within 7 days and get 30 bonus points!`,
    );
    await h.scheduler.advanceTo(at(25, '09:00'));
    const [reply] = await h.say('u1', '/checkin', { lang: 'en' });
    expect(reply).toContain(`Balance ${balance + 10 + 30}.`);
    await h.scheduler.advanceTo(at(26, '09:00'));
    await h.say('u1', '/checkin');
    const [flag] = flags();
    expect(flag).toMatchObject({ status: 'returned', returnedAt: at(25).toISOString(), returnedVia: 'checkins', recall: { template: 'warm', via: 'dm', bonus: 30, returned: { '7d': true, '14d': true } } });
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'comeback')).toMatchObject([{ member: 1, delta: 30, source: 'flag:1' }]);
    expect(ledgerMismatches(h.app)).toEqual([]);
    const stats = h.app.services.quiet.stats();
    expect(stats.total).toEqual({ key: 'all', sent: 1, returned: [1, 1], rate: [1, 1] });
    expect(stats.byTemplate).toEqual([{ key: 'warm', sent: 1, returned: [1, 1], rate: [1, 1] }]);
    const [text] = await h.say('mod', '/recall-stats', { chat: 'staff', lang: 'en' });
    expect(text).toContain('All recalls: sent 1, returned 7d 1 (100%), 14d 1 (100%)');
    expect(text).toContain('Tier basic: sent 1, returned 7d 1 (100%), 14d 1 (100%)');
  });

  it('given an open flag, when the member posts without a recall, then the flag is returned and counts for the baseline, with no bonus', async () => {
    await flagged();
    await h.scheduler.advanceTo(at(24, '12:00'));
    await h.say('u1', 'sorry, I was travelling');
    expect(flags()[0]).toMatchObject({ status: 'returned', returnedVia: 'messages', recall: null });
    expect(h.app.services.quiet.stats().baseline).toEqual({ key: 'baseline', sent: 1, returned: [1, 1], rate: [1, 1] });
    expect(h.app.exportState().ledger.some((l) => l.reason === 'comeback')).toBe(false);
  });

  it('given a snooze, then the flag leaves the queue and the scan brings it back when the snooze ends; reviews are audited', async () => {
    await flagged();
    expect(await h.say('mod', '/flag 1 snooze 3', { chat: 'staff', lang: 'en' })).toEqual(['Flag #1 snoozed for 3 days.']);
    expect(await h.say('mod', '/flags', { chat: 'staff', lang: 'en' })).toEqual(['No open flags. Everyone has been active recently.']);
    await h.scheduler.advanceTo(at(25, '10:00'));
    expect(flags()[0]!.status).toBe('open');
    expect(staffMessages()[1]).toContain('新增 1 个待处理，共 1 个未处理');
    expect(await h.say('mod', '/flag 1 dismiss on holiday', { chat: 'staff', lang: 'en' })).toEqual(['Flag #1 dismissed.']);
    expect(h.app.exportState().audit.map((a) => (a as { action: string }).action)).toEqual(['flag.snooze', 'flag.dismiss']);
  });

  it('given a dismissed flag, then the same quiet spell is not flagged again, but a new spell after activity is', async () => {
    await flagged();
    await h.say('mod', '/flag 1 dismiss', { chat: 'staff' });
    await h.scheduler.advanceTo(at(28, '12:00'));
    expect(flags().map((f) => f.status)).toEqual(['dismissed']);
    await h.say('u1', 'back for a day');
    await h.scheduler.advanceTo(new Date('2026-04-05T10:00:00+08:00'));
    expect(flags().map((f) => f.status)).toEqual(['dismissed', 'open']);
  });

  it('given /flags recall-all, then it first shows a dry run with a code; the code sends the recalls; a stale code does not', async () => {
    await flagged();
    const [dry] = await h.say('mod', '/flags recall-all', { chat: 'staff', lang: 'en' });
    expect(dry).toContain('Dry run — this would recall 1 member:');
    expect(h.sent.some((o) => o.type === 'dm')).toBe(false);
    const code = /recall-all (\w+)/.exec(dry!)![1]!;
    expect(await h.say('mod', '/flags recall-all zzzzzz', { chat: 'staff', lang: 'en' })).toEqual(['The queue changed since the dry run. Run /flags recall-all again.']);
    expect(await h.say('mod', `/flags recall-all ${code}`, { chat: 'staff', lang: 'en' })).toContain('Recalled 1 member.');
    expect(flags()[0]).toMatchObject({ status: 'recalled', recall: { outcome: 'pending' } });
    expect(h.sent.filter((o) => o.type === 'dm')).toHaveLength(1);
    expect(await h.say('mod', '/flag 1 recall', { chat: 'staff', lang: 'en' })).toEqual(['Flag #1 is recalled: only open or snoozed flags can be reviewed.']);
    await h.scheduler.advanceTo(at(31, '12:00'));
    await h.scheduler.advanceTo(new Date('2026-04-08T12:00:00+08:00'));
    expect(flags()).toMatchObject([{ status: 'recalled', recall: { outcome: 'not_returned', returned: { '7d': false, '14d': false } } }]);
    expect(h.app.services.quiet.stats().total).toEqual({ key: 'all', sent: 1, returned: [0, 0], rate: [0, 0] });
  });

  it('given a platform that cannot DM and a member with no group left, then the recall becomes a task in the moderators chat', async () => {
    await flagged();
    await h.leave('u1');
    const sent: Outbound[] = [];
    const noDm: PlatformAdapter = {
      platform: 'local',
      capabilities: new Set<Capability>(['member-leave-events']),
      start: async () => {},
      stop: async () => {},
      send: async (out) => void sent.push(out),
    };
    h.app.router.register(noDm);
    await h.app.dispatcher.dispatch({
      type: 'message', key: 'local:staff:m:x1', platform: 'local', chat: { platform: 'local', chatId: 'staff' }, chatKind: 'group', at: h.clock.now(),
      messageId: 'x1', sender: { user: { platform: 'local', userId: 'mod' }, language: 'en' }, text: '/flag 1 recall offer', kind: 'text', links: [], mentions: [], isForwarded: false,
    });
    const task = sent.find((o) => o.type === 'send' && o.chat.chatId === 'staff' && renderPlain(o.body).startsWith('版主任务'));
    expect(task && renderPlain(task.body)).toMatch(/^版主任务：机器人无法联系到 @U1（标记 #1：dm refused and no fallback group: no dm capability），请人工联系。建议内容：\n/);
    expect(flags()[0]!.recall).toMatchObject({ via: 'task', template: 'offer' });
  });

  it('given a member, then every quiet command is refused and changes nothing; a moderator sees the card in the staff chat or a DM, not in a community group', async () => {
    await flagged();
    for (const text of ['/flags', '/flags recall-all', '/flag 1', '/flag 1 recall', '/flag 1 snooze 2', '/flag 1 dismiss', '/recall-stats']) {
      expect(await h.say('u2', text, { lang: 'en' }), text).toEqual(['That command is for moderators only.']);
    }
    expect(flags()[0]!.status).toBe('open');
    expect(await h.say('mod', '/flags', { lang: 'en' })).toEqual(["Flags are for the moderators' chat or a direct chat with me, not a community group."]);
    expect(await h.say('mod', '/flag 1 recall nope', { chat: 'staff', lang: 'en' })).toEqual(['There is no recall template “nope”. Templates: warm, offer.']);
    expect(await h.say('mod', '/flag 9 dismiss', { chat: 'staff', lang: 'en' })).toEqual(['There is no flag #9.']);
    expect(await h.say('mod', '/flag 1 snooze forever', { chat: 'staff', lang: 'en' })).toEqual(['Say for how many days (1–90), e.g. /flag 1 snooze 3.']);
    expect((await h.say('mod', '/flag 1', { chat: null, lang: 'en' }))[0]).toMatch(/^Flag #1 — @U1 \(open\)/);
    const [card] = await h.say('mod', '/flag 1', { chat: 'staff', lang: 'en' });
    expect(card!.split('\n')).toEqual([
      'Flag #1 — @U1 (open)',
      'Quiet 7 days (since 2026-03-15); usually every 1d, 14 active days on record.',
      `Streak lost: 14 · Balance: ${h.app.services.points.standing(1).balance} · Lifetime: ${h.app.services.points.standing(1).lifetime}`,
      'Tier: Basic · Stage: growing (8–30 days) · Risk: 7',
    ]);
  });
});

describe('activity times and who is flagged', () => {
  it('given a check-in at 09:00, when a reaction stamped a week earlier arrives, then last activity stays at 09:00 and the 10:00 scan flags nobody', async () => {
    h = await harness({ start: '2026-02-20T09:00:00+08:00' });
    for (let d = 0; d <= 17; d++) {
      await h.scheduler.advanceTo(new Date(new Date('2026-02-20T09:00:00+08:00').getTime() + d * 86_400_000));
      await h.say('u1', '/checkin', { name: 'Ann' });
    }
    expect(h.clock.now()).toEqual(at(9));
    const late = localReactionEvent({ chat: 'g1', user: 'u1', id: 'late-1', at: at(1), messageId: 'm1', emoji: '👍' });
    expect(await h.app.dispatcher.dispatch(late)).toBe('handled');
    expect(h.app.exportState().members[0]!.lastActiveAt).toBe(at(9).toISOString());
    const membership = h.app.db.sqlite.prepare("SELECT last_active_at AS at FROM memberships WHERE chat_key = 'local:g1'").get() as { at: number };
    expect(membership.at).toBe(at(9).getTime());
    await h.scheduler.advanceTo(at(9, '10:00'));
    expect(flags()).toEqual([]);
  });

  it('given an operator and a moderator quiet as long as a member, then only the member is flagged; with includeStaff on, all of them are', async () => {
    for (const includeStaff of [false, true]) {
      h = await harness({ content: contentWith((c) => ((c.quiet as Record<string, unknown>).includeStaff = includeStaff)) });
      await h.say('u1', 'hello there');
      await h.say('op', 'hello there');
      await h.say('mod', 'hello there');
      await h.say('owner2', 'hello there');
      await h.say('op', '/role @owner2 moderator');
      await h.scheduler.advanceTo(at(10, '10:00'));
      expect(flags().map((f) => f.member).sort(), `includeStaff ${includeStaff}`).toEqual(includeStaff ? [1, 2, 3, 4] : [1]);
      h.close();
    }
  });

  it('given a member first seen on March 1 who left and rejoined on the 12th, then the flag on the 19th puts them in the growing stage, not new', async () => {
    h = await harness({ start: '2026-03-01T09:00:00+08:00' });
    await dailyCheckins('u1', 1, 11);
    await h.leave('u1');
    await h.scheduler.advanceTo(at(12));
    await h.join('u1');
    await h.say('u1', '/checkin');
    await h.scheduler.advanceTo(at(19, '10:00'));
    expect(flags()).toMatchObject([{ member: 1, risk: { stage: 'growing' } }]);
  });

  it('given a member flagged in their first week, when the card is read 16 days after they joined, then it shows the stage they are in now', async () => {
    h = await harness({ start: '2026-03-01T09:00:00+08:00' });
    await h.join('u1', 'g1', 'Ann');
    await h.scheduler.advanceTo(at(8, '10:00'));
    expect(flags()).toMatchObject([{ member: 1, risk: { stage: 'new' } }]);
    await h.scheduler.advanceTo(at(17));
    const [card] = await h.say('mod', '/flag 1', { chat: 'staff' });
    expect(card).toContain('阶段：成长期（8–30 天）');
  });
});
