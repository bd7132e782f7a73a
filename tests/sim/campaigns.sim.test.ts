import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportState, reportCommand } from '../../src/main.ts';
import { campaignFile, contentWithCampaigns } from '../helpers/campaigns.ts';
import { runSim, tempDb } from '../helpers/sim.ts';

/** Local time in Asia/Shanghai (the shipped community's zone); 2026-03-02 is a Monday. */
const at = (day: number, time: string) => `2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`;
const utc = (day: number, time: string) => new Date(at(day, time)).toISOString();
const msg = (when: string, chat: string, user: string, text: string, extra: object = {}) => ({ at: when, type: 'message', chat, user, text, ...extra });
const react = (when: string, chat: string, user: string, message: string) => ({ at: when, type: 'reaction', chat, user, message, emoji: '❤️' });
const staff = (when: string, user: string, text: string) => ({ at: when, type: 'message', chat: 'staff', user, text, lang: 'en' });
const tick = (when: string) => ({ at: when, type: 'tick' });

type Ledger = ReturnType<typeof exportState>['ledger'];
const rows = (ledger: Ledger, reason: string) => ledger.filter((l) => l.reason === reason);

const coffee = campaignFile(
  {
    id: 'coffee-moment',
    kind: 'ugc',
    title: { 'zh-CN': '我的咖啡时刻', en: 'My coffee moment' },
    start: '2026-03-02 09:00',
    end: '2026-03-08',
    targets: { tiers: ['basic'] },
    entry: { hashtag: '#我的咖啡时刻' },
    points: 10,
    perMember: 2,
    winners: { by: 'draw', count: 1, seed: 'spring-2026' },
    prize: { points: 50 },
    reminders: ['2026-03-06 20:00'],
    variants: { en: 'Show us your coffee this week.' },
  },
  '晒出你这周的咖啡。',
);

describe('simulate: a one-week UGC call with a hashtag in two groups', () => {
  it('given entries redelivered, over the cap, copied, before and after the window, then each counts once, the cap holds, and only entries in the window pay', async () => {
    const dir = contentWithCampaigns({ 'coffee.md': coffee });
    const db = tempDb();
    const run = await runSim(
      db,
      [
        msg(at(1, '20:00'), 'g1', 'u1', 'hi', { name: 'Alice', lang: 'en' }),
        msg(at(1, '20:01'), 'g2', 'u3', '大家好', { name: 'Carol' }),
        msg(at(2, '08:00'), 'g1', 'u1', '#我的咖啡时刻 早起一杯拿铁，开始新的一周'),
        msg(at(2, '10:00'), 'g1', 'u1', '#我的咖啡时刻 今天的手冲是埃塞俄比亚的豆子', { id: 'm1' }),
        msg(at(2, '10:00'), 'g1', 'u1', '#我的咖啡时刻 今天的手冲是埃塞俄比亚的豆子', { id: 'm1' }),
        msg(at(3, '10:00'), 'g1', 'u1', '#我的咖啡时刻 下午来一杯冷萃配芝士蛋糕', { id: 'm2' }),
        msg(at(4, '10:00'), 'g1', 'u1', '#我的咖啡时刻 周三的燕麦拿铁特别顺滑', { id: 'm3' }),
        msg(at(4, '11:00'), 'g2', 'u3', '#我的咖啡时刻 今天的手冲是埃塞俄比亚的豆子！', { id: 'm4' }),
        msg(at(4, '11:05'), 'g2', 'u3', '＃我的咖啡时刻 在家用摩卡壶煮了一杯', { id: 'm5' }),
        msg(at(9, '09:00'), 'g2', 'u3', '#我的咖啡时刻 补交一杯周末的美式', { id: 'm6' }),
        tick(at(9, '12:00')),
      ],
      dir,
    );
    const state = exportState(db, dir);
    const entryRows = rows(state.ledger, 'campaign.entry');
    expect(entryRows.map((l) => [l.member, l.delta])).toEqual([
      [1, 10],
      [1, 10],
      [2, 10],
    ]);
    const entries = state.campaigns.entries as { id: number; status: string; chat: string }[];
    expect(entries.map((e) => [e.chat, e.status])).toEqual([
      ['local:g1', 'accepted'],
      ['local:g1', 'accepted'],
      ['local:g1', 'capped'],
      ['local:g2', 'duplicate'],
      ['local:g2', 'accepted'],
    ]);

    // (New-member task replies aside.)
    const replies = run.out.filter((o) => o.type === 'reply' && /coffee|咖啡/.test(o.text));
    expect(replies.map((r) => [r.at, r.text])).toEqual([
      [utc(2, '10:00'), '✅ My coffee moment: entry #1 counted, +10 points (1/2).'],
      [utc(3, '10:00'), '✅ My coffee moment: entry #2 counted, +10 points (2/2).'],
      [utc(4, '10:00'), 'My coffee moment: you have made 2 entries already, the most that count.'],
      [utc(4, '11:00'), '我的咖啡时刻：与已有作品重复，不计入。'],
      [utc(4, '11:05'), '✅ 我的咖啡时刻：作品 #5 已计入，+10 积分（1/2）。'],
      [utc(9, '09:00'), '我的咖啡时刻 已于 2026-03-08 23:59 截止，作品不再计入。'],
    ]);

    // The announcement at the start, the reminder and the results: once per group each.
    const sends = run.out.filter((o) => o.type === 'send' && o.chat !== 'staff');
    expect(sends.map((s) => [s.at, s.chat])).toEqual([
      [utc(2, '09:00'), 'g1'],
      [utc(2, '09:00'), 'g2'],
      [utc(6, '20:00'), 'g1'],
      [utc(6, '20:00'), 'g2'],
      [utc(9, '00:00'), 'g1'],
      [utc(9, '00:00'), 'g2'],
    ]);
    expect(sends[0]!.text).toContain('📣 我的咖啡时刻');
    expect(sends[0]!.text).toContain('晒出你这周的咖啡。');
    expect(sends[0]!.text).toContain('2026-03-08 23:59 前在本群发带 #我的咖啡时刻 的消息');
    expect(sends[2]!.text).toContain('目前已有 3 份作品');
    expect(sends[4]!.text).toContain('共收到 2 位会员的 3 份作品');
    expect(sends[4]!.text).toContain('抽奖种子：spring-2026');

    // The draw is the seed's: the accepted entry whose sha256(seed:id) sorts first wins.
    const accepted = entries.filter((e) => e.status === 'accepted').map((e) => e.id);
    const drawn = accepted.sort((a, b) => {
      const h = (id: number) => createHash('sha256').update(`spring-2026:${id}`).digest('hex');
      return h(a) < h(b) ? -1 : 1;
    })[0]!;
    const winner = drawn === 5 ? 2 : 1;
    expect(rows(state.ledger, 'campaign.prize').map((l) => [l.member, l.delta, l.source])).toEqual([[winner, 50, 'coffee-moment:place-1']]);
    const campaign = (state.campaigns.campaigns as { id: string; status: string; seed: string; figures: Record<string, unknown> }[])[0]!;
    expect(campaign).toMatchObject({ id: 'coffee-moment', status: 'closed', seed: 'spring-2026', figures: { entries: 3, participants: 2, newParticipants: 0 } });

    // A restart after the end sends and pays nothing again.
    const again = await runSim(db, [tick(at(9, '13:00')), staff(at(9, '13:05'), 'op', '/campaign coffee-moment close')], dir);
    expect(again.out.filter((o) => o.type === 'send' && o.chat !== 'staff')).toEqual([]);
    expect(again.out.filter((o) => o.type === 'reply').map((o) => o.text)).toEqual(['coffee-moment was closed already: the results were posted and the winners paid once; nothing was done again.']);
    expect(rows(exportState(db, dir).ledger, 'campaign.prize')).toHaveLength(1);
  });
});

const contest = campaignFile(
  {
    id: 'cover-contest',
    kind: 'contest',
    title: { 'zh-CN': '翻唱大赛', en: 'Cover contest' },
    start: '2026-03-02 09:00',
    end: '2026-03-05 21:00',
    targets: { groups: ['local:g1'] },
    entry: { media: true },
    points: 5,
    perMember: 1,
    winners: { by: 'reactions', count: 1 },
    prize: { points: 200 },
  },
  '发一段你的翻唱视频，获得最多点赞的作品获奖！',
);

describe('simulate: a reaction-count contest', () => {
  it('given repeated and self reactions, then the entry with the most distinct reactors wins, the results post appears once, and a second close pays nothing', async () => {
    const dir = contentWithCampaigns({ 'contest.md': contest });
    const db = tempDb();
    const run = await runSim(
      db,
      [
        msg(at(1, '20:00'), 'g1', 'u1', 'hi', { name: 'Alice' }),
        msg(at(1, '20:01'), 'g2', 'u9', 'hi', { name: 'Ivan' }),
        msg(at(2, '10:00'), 'g1', 'u1', '我的翻唱', { id: 'v1', kind: 'video' }),
        msg(at(2, '10:05'), 'g1', 'u2', '我的翻唱', { id: 'v2', kind: 'video', name: 'Bob' }),
        msg(at(2, '10:10'), 'g1', 'u3', '', { id: 'v3', kind: 'video', name: 'Cai' }),
        // v1: Bob three times and Cai, and Alice on her own: 2 distinct reactors (5 reactions).
        react(at(2, '11:00'), 'g1', 'u2', 'v1'),
        react(at(2, '11:01'), 'g1', 'u2', 'v1'),
        react(at(2, '11:02'), 'g1', 'u2', 'v1'),
        react(at(2, '11:03'), 'g1', 'u3', 'v1'),
        react(at(2, '11:04'), 'g1', 'u1', 'v1'),
        // v2: Alice, Cai and Dan: 3 distinct reactors; Bob's own does not count.
        react(at(3, '11:00'), 'g1', 'u1', 'v2'),
        react(at(3, '11:01'), 'g1', 'u3', 'v2'),
        react(at(3, '11:02'), 'g1', 'u4', 'v2'),
        react(at(3, '11:03'), 'g1', 'u2', 'v2'),
        react(at(3, '11:04'), 'g1', 'u1', 'v3'),
        // The operator closes it early, twice; a member may not.
        msg(at(5, '19:00'), 'g1', 'u1', '/campaign cover-contest close'),
        staff(at(5, '20:00'), 'op', '/campaign cover-contest close'),
        staff(at(5, '20:01'), 'op', '/campaign cover-contest close'),
        react(at(5, '20:30'), 'g1', 'u4', 'v1'),
        msg(at(5, '20:40'), 'g1', 'u4', '迟到的翻唱', { id: 'v4', kind: 'video', name: 'Dan' }),
        tick(at(6, '09:00')),
      ],
      dir,
    );
    const state = exportState(db, dir);
    const winners = (state.campaigns.campaigns as { winners: { member: number; score: number }[] }[])[0]!.winners;
    const bob = state.members.find((m) => m.name === 'Bob')!.id;
    expect(winners).toEqual([{ place: 1, member: bob, entry: 2, score: 3 }]);
    expect(rows(state.ledger, 'campaign.prize').map((l) => [l.member, l.delta])).toEqual([[bob, 200]]);
    expect((state.campaigns.entries as { reactions: number }[]).map((e) => e.reactions)).toEqual([2, 3, 1]);

    const results = run.out.filter((o) => o.type === 'send' && o.text.includes('结果公布'));
    expect(results.map((r) => [r.at, r.chat])).toEqual([[utc(5, '20:00'), 'g1']]);
    expect(results[0]!.text).toContain('1. Bob（3 个回应）');
    // Only g1 is targeted: g2 never hears of the contest.
    expect(run.out.filter((o) => o.chat === 'g2')).toEqual([]);

    const texts = (when: string) => run.out.filter((o) => o.at === when && o.type === 'reply').map((o) => o.text);
    expect(texts(utc(5, '19:00'))).toEqual(['该命令仅限运营使用。']);
    expect(texts(utc(5, '20:00'))).toEqual(['cover-contest is closed: 1 winner, 1 paid now, results posted.']);
    expect(texts(utc(5, '20:01'))).toEqual(['cover-contest was closed already: the results were posted and the winners paid once; nothing was done again.']);
    expect(texts(utc(5, '20:40'))).toContain('翻唱大赛 已于 2026-03-05 20:00 截止，作品不再计入。');
    expect(run.out.filter((o) => o.type === 'dm' && !o.text.startsWith('完成新手任务')).map((o) => [o.user, o.text])).toEqual([['u2', expect.stringContaining('恭喜你在 翻唱大赛 中获得第 1 名！奖品：200 积分')]]);
  });
});

describe('simulate: a campaign made in chat, with review, moderators\' picks and featured entries', () => {
  it('given /campaign new with review and moderator-picked winners, then entries wait for review, the pick wins, featured entries are quoted as their authors allow, and members see their entries', async () => {
    const dir = contentWithCampaigns({});
    const db = tempDb();
    const run = await runSim(
      db,
      [
        msg(at(2, '08:00'), 'g1', 'u1', 'hi', { name: 'Alice', lang: 'en' }),
        msg(at(2, '08:01'), 'g1', 'u2', 'hi', { name: 'Bob', lang: 'en' }),
        staff(at(2, '08:59'), 'mod', '/help'),
        staff(at(2, '09:00'), 'op', '/campaign new tea-time #teatime 3d points=5 cap=2 winners=moderators:1 prize=30 review=yes Afternoon tea'),
        msg(at(2, '10:00'), 'g1', 'u1', '#teatime Oolong with osmanthus biscuits', { id: 't1' }),
        msg(at(2, '10:30'), 'g1', 'u2', '#teatime Earl grey and a good book', { id: 't2' }),
        staff(at(2, '11:00'), 'mod', '/entries'),
        staff(at(2, '11:01'), 'mod', '/entry approve 1'),
        staff(at(2, '11:02'), 'mod', '/entry approve 1'),
        staff(at(2, '11:03'), 'mod', '/entry approve 2'),
        msg(at(2, '12:00'), 'g1', 'u1', '/showcase name'),
        msg(at(2, '12:01'), 'g1', 'u2', '/showcase off'),
        staff(at(2, '12:05'), 'op', '/campaign tea-time feature 1'),
        staff(at(2, '12:06'), 'op', '/campaign tea-time feature 2'),
        msg(at(2, '12:10'), 'g1', 'u2', '/campaign'),
        msg(at(2, '12:11'), 'g1', 'u2', '/entry pick 1'),
        staff(at(2, '12:15'), 'op', '/campaign tea-time close'),
        staff(at(2, '12:20'), 'mod', '/entry pick 1'),
        staff(at(2, '12:21'), 'op', '/campaign tea-time entries'),
        tick(at(5, '09:30')),
        staff(at(5, '10:00'), 'op', '/campaign tea-time close'),
        staff(at(5, '10:01'), 'op', '/campaign tea-time results'),
      ],
      dir,
    );
    const at2 = (time: string) => run.out.filter((o) => o.at === utc(2, time));
    const announce = at2('09:00').filter((o) => o.type === 'send');
    expect(announce.map((o) => o.chat).sort()).toEqual(['advanced', 'core', 'g1']);
    expect(announce[0]!.text).toContain('📣 Afternoon tea');
    expect(announce[0]!.text).toContain('#teatime');
    expect(at2('09:00').find((o) => o.chat === 'staff' && o.type === 'reply')!.text).toBe('Campaign tea-time (“Afternoon tea”) runs until 2026-03-05 08:59; announced in 3 groups.');

    // The member hears in their language; the staff chat reads the community's.
    expect(at2('10:00').map((o) => [o.chat, o.text])).toEqual(
      expect.arrayContaining([
        ['g1', '📝 Afternoon tea: entry #1 received; it counts once a moderator has reviewed it.'],
        ['staff', '📝 活动 tea-time：Alice 的作品 #1 待审核：\n#teatime Oolong with osmanthus biscuits\n/entry approve 1 或 /entry reject 1'],
      ]),
    );
    expect(at2('11:00')[0]!.text).toContain('#1 (tea-time) Alice: #teatime Oolong');
    expect(at2('11:01')[0]!.text).toBe('Entry #1 by Alice approved: +5 points.');
    expect(at2('11:02')[0]!.text).toBe('Entry #1 was already reviewed.');
    // Featuring quotes Alice by name in her group; Bob said no.
    expect(at2('12:05').map((o) => [o.chat, o.text])).toEqual([
      ['staff', 'Entry #1 by Alice is featured.'],
      ['g1', '🌟 精选作品 · Afternoon tea\n“#teatime Oolong with osmanthus biscuits”——Alice'],
    ]);
    expect(at2('12:06').map((o) => o.text)).toEqual(['The author of entry #2 does not allow their entries to be quoted.']);
    const mine = at2('12:10')[0]!.text;
    expect(mine).toContain('• Afternoon tea: 1/2 counted, 5 points');
    expect(mine).toContain('Quoting your entries: never');
    expect(at2('12:11')[0]!.text).toBe('That command is for moderators only.');
    expect(at2('12:15').map((o) => o.text)).toEqual(['Pick the winners of tea-time first: /campaign tea-time entries, then /entry pick <entry>.']);
    expect(at2('12:20')[0]!.text).toBe('Entry #1 by Alice is picked as a winner of tea-time.');
    expect(at2('12:21')[0]!.text).toContain('#2 Bob · counted · ♥0 · #teatime Earl grey and a good book');

    // At the end the staff chat is asked to close it; nothing is published until an operator does.
    const ended = run.out.filter((o) => o.at === utc(5, '09:00'));
    expect(ended.map((o) => [o.chat, o.text])).toEqual([['staff', expect.stringContaining('（tea-time）已结束，共 2 份作品')]]);
    const closing = run.out.filter((o) => o.at === utc(5, '10:00'));
    const results = closing.filter((o) => o.type === 'send' && o.chat !== 'staff');
    expect(results.map((o) => o.chat).sort()).toEqual(['advanced', 'core', 'g1']);
    expect(results[0]!.text).toContain('获奖名单：\n1. Alice');
    expect(results[0]!.text).toContain('“#teatime Oolong with osmanthus biscuits”——Alice');
    expect(results[0]!.text).not.toContain('Earl grey');
    expect(closing.filter((o) => o.type === 'dm').map((o) => o.user)).toEqual(['u1']);
    const state = exportState(db, dir);
    const alice = state.members.find((m) => m.name === 'Alice')!;
    expect(rows(state.ledger, 'campaign.entry').map((l) => l.delta)).toEqual([5, 5]);
    expect(rows(state.ledger, 'campaign.prize').map((l) => [l.member, l.delta])).toEqual([[alice.id, 30]]);
    expect(state.audit.map((a) => (a as { action: string }).action).filter((a) => a.startsWith('campaign.'))).toEqual([
      'campaign.create',
      'campaign.entry_approve',
      'campaign.entry_approve',
      'campaign.feature',
      'campaign.pick',
      'campaign.end',
      'campaign.close',
    ]);
    expect(run.out.at(-1)!.text).toContain('Entries 2 · participants 2 (new 0)');
  });
});

describe('simulate: a campaign pack added after its end', () => {
  it('given a campaign whose window passed before the bot first saw it, then it is closed without an announcement or results', async () => {
    const dir = contentWithCampaigns({ 'coffee.md': coffee });
    const db = tempDb();
    const run = await runSim(db, [msg(at(10, '09:00'), 'g1', 'u1', 'hi', { name: 'Alice' }), tick(at(10, '12:00'))], dir);
    expect(run.out.filter((o) => o.type === 'send' && o.chat !== 'staff')).toEqual([]);
    const state = exportState(db, dir);
    expect((state.campaigns.campaigns as { status: string }[]).map((c) => c.status)).toEqual(['closed']);
    expect(rows(state.ledger, 'campaign.prize')).toEqual([]);
  });
});

const topic = campaignFile(
  {
    id: 'weekend-plans',
    kind: 'topic',
    title: { 'zh-CN': '周末计划', en: 'Weekend plans' },
    start: '2026-03-02 09:00',
    end: '2026-03-03',
    targets: { tiers: ['basic'] },
    entry: { reply: true },
    points: 3,
    perMember: 2,
    winners: { by: 'draw', count: 1, seed: 'weekend' },
  },
  '回复这条消息，说说你周末的计划。',
);

describe('simulate: a discussion where replying to the announcement is the entry', () => {
  it('given the announcement in two groups, when members reply to it (once redelivered), to another bot message, or to the other group’s announcement, then only replies to that group’s own announcement count, once each', async () => {
    const dir = contentWithCampaigns({ 'topic.md': topic });
    const db = tempDb();
    const first = await runSim(
      db,
      [
        msg(at(1, '20:00'), 'g1', 'u1', 'hi', { name: 'Alice', lang: 'en' }),
        msg(at(1, '20:01'), 'g2', 'u3', '大家好', { name: 'Carol' }),
        tick(at(2, '09:30')),
        msg(at(2, '09:40'), 'g1', 'u1', '/checkin'),
      ],
      dir,
    );
    const announcement = (chat: string) => first.out.find((o) => o.type === 'send' && o.chat === chat && o.text.includes('周末计划'))!;
    expect(announcement('g1').text).toContain('2026-03-03 23:59 前回复这条消息');
    const [g1, g2] = [announcement('g1').id!, announcement('g2').id!];
    const checkinReply = first.out.find((o) => o.at === utc(2, '09:40') && o.type === 'reply')!.id!;
    expect(new Set([g1, g2, checkinReply]).size).toBe(3);

    const second = await runSim(
      db,
      [
        msg(at(2, '10:00'), 'g1', 'u1', '去山里徒步，顺便拍点照片', { id: 'r1', replyTo: g1 }),
        msg(at(2, '10:00'), 'g1', 'u1', '去山里徒步，顺便拍点照片', { id: 'r1', replyTo: g1 }),
        msg(at(2, '10:05'), 'g1', 'u1', '在家看一整天的书', { id: 'r2', replyTo: checkinReply }),
        msg(at(2, '10:10'), 'g1', 'u2', '和朋友去吃火锅', { id: 'r3', name: 'Bob', replyTo: g2 }),
        msg(at(2, '10:15'), 'g2', 'u3', '带孩子去科技馆看展览', { id: 'r4', replyTo: g2 }),
        msg(at(2, '10:20'), 'g2', 'u3', '没有回复任何消息的普通聊天'),
        msg(at(4, '09:00'), 'g2', 'u3', '周末去海边', { id: 'r5', replyTo: g2 }),
        tick(at(4, '12:00')),
      ],
      dir,
    );
    const state = exportState(db, dir);
    expect((state.campaigns.entries as { chat: string; status: string }[]).map((e) => [e.chat, e.status])).toEqual([
      ['local:g1', 'accepted'],
      ['local:g2', 'accepted'],
    ]);
    expect(rows(state.ledger, 'campaign.entry').map((l) => [l.member, l.delta])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    const replies = second.out.filter((o) => o.type === 'reply' && /Weekend plans|周末计划/.test(o.text)).map((o) => [o.at, o.text]);
    expect(replies).toEqual([
      [utc(2, '10:00'), '✅ Weekend plans: entry #1 counted, +3 points (1/2).'],
      [utc(2, '10:15'), '✅ 周末计划：作品 #2 已计入，+3 积分（1/2）。'],
      [utc(4, '09:00'), '周末计划 已于 2026-03-03 23:59 截止，作品不再计入。'],
    ]);

    // The analytics report carries the campaign's figures: the JSON (as `export` has them), the table, the CSV and /report.
    const figures = (state.campaigns.campaigns as { figures: Record<string, unknown> }[])[0]!.figures;
    // In g1 and g2 during 2–3 March: the check-in, r1 (once), r2, r3, r4 and the plain message; the 2 greetings before.
    expect(figures).toMatchObject({ entries: 2, participants: 2, newParticipants: 0, ugc: 6, ugcBefore: 2, ugcLift: 2 });
    const json = JSON.parse(reportCommand({ dbPath: db, contentDir: dir, format: 'json', from: '2026-03-01', to: '2026-03-04' })) as { campaigns: Record<string, unknown>[]; weekly: unknown[] };
    expect(json.weekly.length).toBeGreaterThan(0);
    expect(json.campaigns).toEqual([{ id: 'weekend-plans', title: '周末计划', kind: 'topic', status: 'closed', start: utc(2, '09:00'), end: utc(4, '00:00'), ...figures }]);
    expect(JSON.parse(reportCommand({ dbPath: db, contentDir: dir, format: 'json', from: '2026-03-05', to: '2026-03-06' })).campaigns).toEqual([]);
    const table = reportCommand({ dbPath: db, contentDir: dir, format: 'table', from: '2026-03-01', to: '2026-03-04', locale: 'en' });
    expect(table).toMatch(new RegExp(`weekend-plans +closed +2026-03-02T01:00 +2026-03-03T16:00 +2 +2 +0 +6 +2 +\\+200%`));
    const csv = reportCommand({ dbPath: db, contentDir: dir, format: 'csv', from: '2026-03-01', to: '2026-03-04' }).split('\n');
    expect(csv).toContain('campaign,kind,status,start,end,entries,participants,newParticipants,pointsPaid,ugc,ugcBefore,ugcLift');
    expect(csv.find((l) => l.startsWith('weekend-plans,'))).toBe(`weekend-plans,topic,closed,${utc(2, '09:00')},${utc(4, '00:00')},2,2,0,6,6,2,2`);
    const asked = await runSim(db, [staff(at(4, '12:30'), 'op', '/report 2026-03-04'), staff(at(4, '12:31'), 'op', '/report 2026-03-10')], dir);
    const [in4, in10] = asked.out.filter((o) => o.chat === 'staff').map((o) => o.text);
    expect(in4).toContain(`Campaign Weekend plans: 2 entries from 2 members (0 new); members' posts and shares 6 against 2 before (+200%)`);
    // A week after it ended, the summary no longer lists it.
    expect(in10).toContain('2026-03-10');
    expect(in10).not.toContain('Weekend plans');
  });
});
