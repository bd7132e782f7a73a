import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/config/load.ts';
import { addDays, FakeClock } from '../../src/core/clock.ts';
import { checkinPoints } from '../../src/features/checkin/index.ts';
import { loadJourney } from '../../src/features/journey/index.ts';
import { exportState, importCodes } from '../../src/main.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { contentDirWith } from '../helpers/posts.ts';
import { runSim, tempDb, type SimRun } from '../helpers/sim.ts';

/** Local time on day `n` after Monday 2 March 2026, in the community's zone (Asia/Shanghai). */
const at = (n: number, time: string) => `${addDays('2026-03-02', n)}T${time}:00+08:00`;
const joined = (when: string, user: string, name: string, id: string, chat = 'g1') => ({ at: when, type: 'member.joined', chat, user, name, id });
const msg = (when: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', chat: 'g1', user, text, lang: 'en', ...extra });
const tick = (when: string) => ({ at: when, type: 'tick' });
const journeyDms = (run: SimRun, user: string) => run.out.filter((o) => o.type === 'dm' && o.user === user && /第 \d 天|加入一周|欢迎加入/.test(o.text));

describe('simulate: the member journey', () => {
  it('given two newcomers within two minutes, then one group welcome greets both, each gets one welcome DM with the gift, and day 1/3/7 messages once each across restarts and replays', async () => {
    const db = tempDb();
    const joins = [joined(at(0, '09:00'), 'u1', 'Alice', 'j1'), joined(at(0, '09:01'), 'u2', 'Bob', 'j2')];
    const first = await runSim(db, [...joins, tick(at(0, '09:05'))]);
    const welcomes = first.out.filter((o) => o.type === 'send' && o.chat === 'g1');
    expect(welcomes).toEqual([expect.objectContaining({ at: '2026-03-02T01:02:00.000Z', text: '👋 欢迎 @Alice、@Bob 加入Hearth Demo！来打个招呼吧——每天发送 签到 领积分。' })]);
    expect(first.out.filter((o) => o.type === 'dm').map((o) => [o.user, o.text.split('\n').at(-1)])).toEqual([
      ['u1', '🎁 新人礼：20 积分已到账。'],
      ['u2', '🎁 新人礼：20 积分已到账。'],
    ]);

    // A restart that redelivers both joins (same ids), then days 1–3 with a restart in between and a double tick.
    const second = await runSim(db, [...joins, tick(at(1, '09:59')), tick(at(1, '10:00')), tick(at(1, '10:00')), tick(at(2, '12:00'))]);
    expect(second.out.filter((o) => /欢迎/.test(o.text))).toEqual([]);
    const third = await runSim(db, [tick(at(3, '09:00')), tick(at(3, '11:00')), tick(at(7, '12:00')), ...joins]);
    const fourth = await runSim(db, [tick(at(7, '10:30')), tick(at(8, '12:00'))]);
    for (const user of ['u1', 'u2']) {
      const dms = [second, third, fourth].flatMap((r) => journeyDms(r, user));
      expect(dms.map((o) => [o.at, o.text.split('\n')[0]])).toEqual([
        ['2026-03-03T02:00:00.000Z', '第 1 天 · 新人指南'],
        ['2026-03-05T02:00:00.000Z', '第 3 天 · 小贴士'],
        ['2026-03-09T02:00:00.000Z', '加入一周啦！ 感觉怎么样？有任何想在群里看到的内容，直接回复这条消息告诉我们，每条都会认真看。'],
      ]);
    }
    const state = exportState(db, CONTENT_DIR);
    const alice = state.members.find((m) => m.name === 'Alice')!;
    expect(state.ledger.filter((l) => l.reason === 'welcome').map((l) => [l.member, l.delta])).toEqual([
      [alice.id, 20],
      [alice.id + 1, 20],
    ]);
    expect(state.journey.sent.filter((s) => (s as { member: number }).member === alice.id).map((s) => (s as { moment: string }).moment)).toEqual([
      'welcome',
      'welcome:local:g1',
      'calendar:day-1-guide',
      'calendar:day-3-tips',
      'calendar:day-7-checkup',
      'stage:growing',
    ]);
  }, 60_000);

  it('given a member who already shared, then the day-3 tip about sharing is skipped; a member seen before the bot tracked joins gets no journey; an English member reads it in English', async () => {
    const db = tempDb();
    const run = await runSim(db, [
      msg(at(0, '08:00'), 'old', 'I was here before the welcome existed', { name: 'Olga' }),
      joined(at(0, '09:00'), 'u1', 'Alice', 'j1'),
      msg(at(0, '09:10'), 'u1', '/lang en'),
      msg(at(1, '09:00'), 'u1', 'look at this', { links: ['https://brand.example/p/1'] }),
      joined(at(1, '09:30'), 'old', 'Olga', 'j2', 'advanced'),
      tick(at(8, '12:00')),
    ]);
    expect(run.out.filter((o) => o.type === 'dm' && o.user === 'u1' && /^(Day|One week)/.test(o.text)).map((o) => o.text.split('\n')[0])).toEqual([
      'Day 1 — your guide',
      'One week with us! How is it going? Reply here with anything you would like to see in the group — we read every message.',
    ]);
    // A task notice is not the journey: it comes by DM to anyone (the default notice mode).
    expect(run.out.filter((o) => o.type === 'dm' && o.user === 'old' && !/^(New-member task|完成新手任务)/.test(o.text))).toEqual([]);
    // Olga is greeted in the advanced group she joined, without the newcomer DM.
    expect(run.out.filter((o) => o.type === 'send' && o.chat === 'advanced' && o.text.includes('@Olga'))).toHaveLength(1);
  });

  it('given a member who joined 365 days ago, then one anniversary message, once, at 10:00 local', async () => {
    const db = tempDb();
    await runSim(db, [joined(at(0, '09:00'), 'u1', 'Alice', 'j1')]);
    // The bot was off in between (the 100-day moment passed unseen); a year later it runs again.
    const later = await runSim(db, [tick(at(365, '08:00')), tick(at(365, '12:00')), tick(at(366, '12:00'))]);
    const again = await runSim(db, [tick(at(365, '12:00')), tick(at(366, '13:00'))]);
    const anniversaries = [...later.out, ...again.out].filter((o) => o.type === 'dm' && /满/.test(o.text));
    expect(anniversaries).toEqual([expect.objectContaining({ at: '2027-03-02T02:00:00.000Z', user: 'u1', text: '🎂 今天是你加入Hearth Demo满 1 年，谢谢你的陪伴！' })]);
  });

  it('given the welcome gift is a coupon and the pool holds one code, then the first newcomer gets the code in the welcome DM once across a replay, and the second is owed one: a staff task, audited, nothing lost', async () => {
    const content = contentDirWith({}, (cfg) => {
      const journey = cfg.journey as { welcome: Record<string, unknown> };
      journey.welcome.giftCoupon = { sku: 'coupon-10' };
    });
    const db = tempDb();
    const csv = join(dirname(db), 'codes.csv');
    writeFileSync(csv, 'code\nWELCOME-1\n');
    expect(importCodes({ dbPath: db, contentDir: content, sku: 'coupon-10', file: csv, clock: new FakeClock(at(0, '08:00')) })).toMatchObject({ added: 1, stock: 1 });
    const joins = [joined(at(0, '09:00'), 'u1', 'Alice', 'j1'), joined(at(0, '09:10'), 'u2', 'Bob', 'j2')];
    const first = await runSim(db, joins, content);
    const replay = await runSim(db, joins, content);
    expect(first.out.filter((o) => o.type === 'dm').map((o) => [o.user, o.text.split('\n').slice(-2)])).toEqual([
      ['u1', ['🎁 新人礼：20 积分已到账。', '🎁 新人礼：10 元优惠券。你的券码：WELCOME-1']],
      ['u2', ['🎁 新人礼：20 积分已到账。', '🎁 新人礼「10 元优惠券」正在准备中，工作人员稍后会把券码发给你。']],
    ]);
    const staff = first.out.filter((o) => o.chat === 'staff').map((o) => o.text);
    expect(staff).toContain('@Bob 加入了社群，但「10 元优惠券」券码池（coupon-10）已空：请手动给 TA 发一个新人券码，并用 import-codes 补充券码。');
    expect(replay.out.filter((o) => o.type === 'dm' || o.chat === 'staff')).toEqual([]);
    const state = exportState(db, content);
    expect(state.redemptions.map((r) => [r.member, r.sku, r.cost, r.code])).toEqual([[1, 'coupon-10', 0, 'WELCOME-1']]);
    const audit = state.audit as { action: string; target: number | null }[];
    expect(audit.filter((a) => a.action === 'reward.grant' || a.action.startsWith('journey.welcome_coupon')).map((a) => [a.action, a.target])).toEqual([
      ['reward.grant', 1],
      ['journey.welcome_coupon_owed', 2],
    ]);
  });

  it('given an empty coupon pool and fallback points configured, then the newcomer gets the points instead (in the ledger and the DM) and staff are told', async () => {
    const content = contentDirWith({}, (cfg) => {
      const journey = cfg.journey as { welcome: Record<string, unknown> };
      journey.welcome.giftPoints = 0;
      journey.welcome.giftCoupon = { sku: 'coupon-10', fallbackPoints: 50 };
    });
    const db = tempDb();
    const run = await runSim(db, [joined(at(0, '09:00'), 'u1', 'Alice', 'j1')], content);
    expect(run.out.filter((o) => o.type === 'dm').map((o) => o.text.split('\n').at(-1))).toEqual(['🎁 新人礼：50 积分已到账。']);
    expect(run.out.filter((o) => o.chat === 'staff').map((o) => o.text)).toEqual(['@Alice 加入了社群，但「10 元优惠券」券码池（coupon-10）已空：已改发 50 积分。请用 import-codes 补充券码。']);
    const state = exportState(db, content);
    expect(state.ledger.filter((l) => l.reason === 'welcome').map((l) => [l.member, l.delta])).toEqual([[1, 50]]);
    expect((state.audit as { action: string; target: number | null }[]).filter((a) => a.action === 'journey.welcome_coupon_points').map((a) => a.target)).toEqual([1]);
  });

  it('given the bot was down from day 0 to day 3 past the send time, when it starts, then the day-3 message is sent once, the day-1 guide (too old) is expired and audited with a word to staff, and a second start sends nothing', async () => {
    const db = tempDb();
    await runSim(db, [joined(at(0, '09:00'), 'u1', 'Alice', 'j1'), tick(at(0, '09:05'))]);
    const restart = await runSim(db, [tick(at(3, '12:00'))]);
    expect(journeyDms(restart, 'u1').map((o) => [o.at, o.text.split('\n')[0]])).toEqual([['2026-03-05T04:00:00.000Z', '第 3 天 · 小贴士']]);
    expect(restart.out.filter((o) => o.chat === 'staff').map((o) => o.text)).toEqual([
      '机器人停机期间，有 1 条成长旅程消息（第 N 天指南、周年、生日）到期已超过 2 天：不再补发，每条都记录在审计日志中（journey.moment_expired）。',
    ]);
    const again = await runSim(db, [tick(at(3, '12:30')), tick(at(6, '12:00'))]);
    expect(again.out.filter((o) => o.type === 'dm' || o.chat === 'staff')).toEqual([]);
    const audit = exportState(db, CONTENT_DIR).audit as { action: string; target: number | null; detail: Record<string, unknown> }[];
    expect(audit.filter((a) => a.action === 'journey.moment_expired').map((a) => [a.target, a.detail])).toEqual([[1, { moment: 'calendar:day-1-guide', due: '2026-03-03' }]]);
  });

  it('given a welcome coupon naming a reward that is not a code reward, then the config is refused naming the file and field', () => {
    const content = contentDirWith({}, (cfg) => {
      (cfg.journey as { welcome: Record<string, unknown> }).welcome.giftCoupon = { sku: 'tote-bag' };
    });
    expect(() => loadContent(content)).toThrow(/community\.yaml[\s\S]*journey\.welcome\.giftCoupon\.sku: "tote-bag" is not a code reward in rewards\.yaml \(code rewards: coupon-10\)/);
  });

  it('given birthdays opted in from groups in Shanghai and New York, then each is greeted once on the right local day, by DM with the gift, never in the group', async () => {
    const content = contentDirWith({}, (cfg) => {
      (cfg.groups as object[]).push({ chat: 'local:ny', tier: 'basic', timezone: 'America/New_York' });
    });
    const db = tempDb();
    const run = await runSim(
      db,
      [
        msg(at(0, '09:00'), 'u1', '/birthday 03-10', { name: 'Alice' }),
        msg(at(0, '09:01'), 'u2', '/birthday 3/10', { name: 'Bob', chat: 'ny' }),
        msg(at(0, '09:02'), 'u3', '/birthday 13-40', { name: 'Cai', lang: 'zh-CN' }),
        msg(at(0, '09:03'), 'u4', '/birthday 02-30', { name: 'Dan' }),
        // 10 March 10:00 in Shanghai is 9 March 22:00 in New York: Bob waits for his own morning.
        tick(at(8, '12:00')),
        tick('2026-03-10T11:00:00-04:00'),
        tick(at(10, '12:00')),
      ],
      content,
    );
    expect(run.out.filter((o) => o.type === 'reply').map((o) => o.text)).toEqual([
      'Saved: we will greet you on 03-10 (only the month and day are kept, never shown to the group). /birthday off forgets it.',
      'Saved: we will greet you on 03-10 (only the month and day are kept, never shown to the group). /birthday off forgets it.',
      '“13-40”不是日期：请按 月-日 填写，例如 /birthday 05-20（或 /birthday off）。',
      '“02-30” is not a date: write it as month-day, e.g. /birthday 05-20 (or /birthday off).',
    ]);
    const greetings = run.out.filter((o) => /birthday from everyone/.test(o.text));
    expect(greetings).toEqual([
      expect.objectContaining({ at: '2026-03-10T02:00:00.000Z', type: 'dm', user: 'u1', text: '🎂 Happy birthday from everyone at Hearth Demo! 10 points are our gift to you.' }),
      expect.objectContaining({ at: '2026-03-10T14:00:00.000Z', type: 'dm', user: 'u2' }),
    ]);
    const state = exportState(db, content);
    expect(state.journey.birthdays).toEqual([
      { member: 1, monthDay: '03-10', zone: 'Asia/Shanghai' },
      { member: 2, monthDay: '03-10', zone: 'America/New_York' },
    ]);
    expect(state.ledger.filter((l) => l.reason === 'birthday').map((l) => [l.member, l.delta])).toEqual([
      [1, 10],
      [2, 10],
    ]);
    // /birthday off forgets it: next year only Bob is greeted (New York is still on standard time then: 10:00 is 15:00 UTC).
    const off = await runSim(db, [msg(at(11, '09:00'), 'u1', '/birthday off')], content);
    expect(off.out.find((o) => o.type === 'reply')?.text).toBe('Your birthday is forgotten.');
    const nextYear = await runSim(db, [tick(at(372, '12:00')), tick(at(374, '12:00'))], content);
    expect(nextYear.out.filter((o) => /birthday from/.test(o.text)).map((o) => [o.at, o.user])).toEqual([['2027-03-10T15:00:00.000Z', 'u2']]);
  });

  it('given a member checking in for a month, then /me shows one card, the established stage doubles check-ins, milestones are told once, and the opted-in recap arrives on the 1st', async () => {
    const db = tempDb();
    const days = Array.from({ length: 33 }, (_, n) => msg(at(n, '09:00'), 'u1', '/checkin', { name: 'Alice' }));
    const run = await runSim(db, [
      joined(at(0, '08:00'), 'u1', 'Alice', 'j1'),
      msg(at(0, '08:10'), 'u1', '/recap on'),
      ...days.slice(0, 12),
      msg(at(11, '09:10'), 'u1', '/me'),
      msg(at(11, '09:20'), 'op', '/award @u1 1000 thanks', { chat: 'staff' }),
      msg(at(11, '09:21'), 'op', '/award @u1 1000 thanks again', { chat: 'staff' }),
      ...days.slice(12),
    ]);
    const me = run.out.find((o) => o.type === 'reply' && o.text.startsWith('@Alice\n'))!;
    expect(me.text).toBe(
      [
        '@Alice',
        'This month: 12 active days, 12 check-ins, 270 points earned, 0 spent.',
        'Balance 270 · lifetime 270 · rank #1 · streak 12 days',
        'Tier: Basic',
        'Next: Advanced — 0 of 2 orders, 12 of 7 active days.',
        'Stage: growing member — share your own photos or tips in the group — every share earns points.',
        'Birthday: not set (/birthday MM-DD)',
      ].join('\n'),
    );
    const milestones = run.out.filter((o) => o.type === 'dm' && (o.text.startsWith('🏅') || o.text.startsWith('🔥')));
    expect(milestones.map((o) => o.text)).toEqual(['🏅 You have earned 1000 points in all. Well done!', '🔥 30 days in a row! Keep the streak going.']);
    expect(run.out.filter((o) => o.text.startsWith('🌱')).map((o) => [o.at, o.text])).toEqual([
      ['2026-03-10T02:00:00.000Z', '🌱 New stage — growing member: share your own photos or tips in the group — every share earns points.'],
      ['2026-04-02T02:00:00.000Z', '🌱 New stage — established member: check-in points are doubled!'],
    ]);
    const recap = run.out.filter((o) => o.text.startsWith('📅'));
    expect(recap).toEqual([
      expect.objectContaining({ at: '2026-04-01T02:00:00.000Z', type: 'dm', user: 'u1', text: expect.stringContaining('Your 2026-03 in Hearth Demo: active on 30 days, 30 check-ins,') }),
    ]);
    const state = exportState(db, CONTENT_DIR);
    const checkins = state.ledger.filter((l) => l.reason === 'checkin');
    // First seen 2 March 08:00: established from 2 April 08:00, so the check-in of 2 April is doubled
    // on top of the advanced tier's ×1.2 (the 2,000 awarded points and 15 active days promoted her).
    expect(state.members.find((m) => m.name === 'Alice')!.tier).toBe('advanced');
    expect(checkins.at(-3)!.delta).toBe(checkinPoints({ base: 10, streakBonus: 2, streakBonusCap: 20 }, 31, 1.2));
    expect(checkins.at(-2)!.delta).toBe(checkinPoints({ base: 10, streakBonus: 2, streakBonusCap: 20 }, 32, 2.4));
  }, 60_000);

  it('given a journey message with a bad field, then loading names the file and the field', () => {
    const dir = contentDirWith({});
    writeFileSync(join(dir, 'journeys', 'day-2.md'), '---\nid: day-2\nday: zero\n---\nHello\n');
    expect(() => loadJourney(dir, 'en')).toThrow(/day-2\.md:\n {2}- day: /);
    writeFileSync(join(dir, 'journeys', 'day-2.md'), '---\nid: day-1-guide\nday: 2\n---\nHello {{name}}\n');
    expect(() => loadJourney(dir, 'en')).toThrow(/day-2\.md:\n {2}- body: unknown live value \{\{name\}\}/);
    writeFileSync(join(dir, 'journeys', 'day-2.md'), '---\nid: day-1-guide\nday: 2\n---\nHello\n');
    expect(() => loadJourney(dir, 'en')).toThrow(/- id: duplicate journey id "day-1-guide" \(also in day-1-guide\.md\)/);
  });
});
