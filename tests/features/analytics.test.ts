import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { localMemberEvent } from '../../adapters/local/local-events.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import { MIGRATIONS_DIR } from '../../src/db/open.ts';
import { renderTable, summaryBody } from '../../src/features/analytics/index.ts';
import { contentWith, harness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

/** A bot whose community lives in `timeZone`. */
async function community(timeZone: string, start: string): Promise<Harness> {
  h = await harness({
    start,
    content: contentWith((c) => {
      (c.community as Record<string, unknown>).timezone = timeZone;
      (c.earning as { referral: { links: Record<string, string> } }).referral.links = { spring: 'local:alice' };
    }),
  });
  return h;
}

const names = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('retention analytics in a daylight-saving zone (America/New_York, across 2026-03-08)', () => {
  /**
   * Ten members join on Saturday 2026-03-07 at 23:30 EST; seven speak on Sunday 2026-03-08, the
   * day clocks spring forward, at 23:30 EDT (already 03:30 UTC on the 9th); m10 leaves on the 9th;
   * five speak on 2026-03-15, in their second week.
   */
  async function dstCommunity(): Promise<Harness> {
    const b = await community('America/New_York', '2026-03-07T23:30:00-05:00');
    for (const u of names(10)) await b.join(u);
    b.clock.set('2026-03-08T23:30:00-04:00');
    for (const u of names(7)) await b.say(u, 'good evening everyone, lovely sunday');
    b.clock.set('2026-03-09T12:00:00-04:00');
    await b.leave('m10');
    b.clock.set('2026-03-15T10:00:00-04:00');
    for (const u of names(5)) await b.say(u, '/checkin');
    // The operator talks in the group too: staff are left out of every figure.
    await b.say('op', 'operators are not members of a cohort');
    return b;
  }

  it('given 10 joiners and 7 active the next local day, when reporting as of 2026-03-10, then d1 = 0.7 and the open windows are null', async () => {
    const b = await dstCommunity();
    const r = b.app.services.analytics.report({ cohort: 'day', to: '2026-03-10' });
    expect(r.cohorts).toEqual([
      { cohort: '2026-03-07', segment: 'all', size: 10, d1: 0.7, d7: null, d30: null, d90: null, stayed1: 1, stayed7: null, stayed30: null, stayed90: null },
    ]);
  });

  it('given 5 active in days 7–13 and one who left on day 2, when reporting as of 2026-03-20, then d7 = 0.5 and stayed7 = 0.9', async () => {
    const b = await dstCommunity();
    const r = b.app.services.analytics.report({ cohort: 'day', to: '2026-03-20' });
    expect(r.cohorts[0]).toMatchObject({ size: 10, d1: 0.7, d7: 0.5, stayed1: 1, stayed7: 0.9, d30: null, stayed30: null });
  });

  it('given the same community, then weekly membership counts the leaver in the week they left and not after', async () => {
    const b = await dstCommunity();
    const r = b.app.services.analytics.report({ to: '2026-03-22' });
    expect(r.weekly.map((w) => [w.week, w.members, w.active, w.interactionRate, w.partial])).toEqual([
      ['2026-03-02', 10, 7, 0.7, false],
      ['2026-03-09', 10, 5, 0.5, false],
      ['2026-03-16', 9, 0, 0, false],
    ]);
    expect(r.weekly[0]!.posts).toBe(7);
  });

  it('given a report as of a past day, then it does not count what happened later', async () => {
    const b = await dstCommunity();
    const later = b.app.services.analytics.report({ cohort: 'day', to: '2026-03-20' });
    const past = b.app.services.analytics.report({ cohort: 'day', to: '2026-03-08' });
    expect(past.cohorts[0]).toMatchObject({ d1: 0.7, stayed1: 1, d7: null });
    expect(past.weekly).toHaveLength(1);
    expect(later.points.issued).toBeGreaterThan(past.points.issued);
    expect(past.points.byReason.map((x) => x.reason)).not.toContain('checkin');
    expect(later.points.byReason.map((x) => x.reason)).toContain('checkin');
  });

  it('given days not over yet, when reporting twice, then the second report is the same and nothing was rolled up for them', async () => {
    const b = await dstCommunity();
    const a = b.app.services.analytics;
    const first = a.report({ to: '2026-03-20' });
    expect(a.rolledThrough()).toBe('2026-03-14');
    expect(a.report({ to: '2026-03-20' })).toEqual(first);
  });
  it('given the dashboard reads, then each answers with the report\'s own numbers for its section, and the curves read d1/d7 off the closed windows', async () => {
    const b = await dstCommunity();
    const a = b.app.services.analytics;
    const q = { from: '2026-03-07', to: '2026-03-22' } as const;
    const r = a.report({ ...q, cohort: 'day' });
    const table = a.cohortTable({ ...q, cohort: 'day' });
    expect(table).toMatchObject({ from: '2026-03-07', to: '2026-03-22', timeZone: 'America/New_York', cohortBy: 'day', segmentBy: 'all', total: 1, truncated: false });
    expect(table.rows).toEqual(r.cohorts);
    expect(a.retentionCurves(q).curves).toEqual([
      {
        segment: 'all',
        size: 10,
        points: [
          { day: 1, active: 0.7, stayed: 1, closed: 10 },
          { day: 7, active: 0.5, stayed: 0.9, closed: 10 },
          { day: 30, active: null, stayed: null, closed: 0 },
          { day: 90, active: null, stayed: null, closed: 0 },
        ],
      },
    ]);
    expect(a.weeklyInteraction(q)).toMatchObject({ weeks: r.weekly, target: 0.45 });
    expect(a.ugc({ ...q, period: 'month' }).rows).toEqual([{ start: '2026-03-01', partial: true, posts: 7, shares: 0, paidPosts: 7, paidShares: 0, ugcGrowth: null }]);
    expect(a.ugc(q).rows.map((w) => [w.start, w.posts])).toEqual(r.weekly.map((w) => [w.week, w.posts]));
    expect(a.pointsLiability(q)).toMatchObject(r.points);
    expect(a.referrals(q)).toMatchObject(r.referral);
    expect(a.tierMovement(q)).toMatchObject(r.tiers);
    expect(a.recall()).toEqual(r.recall);
  });

  it('given the retention page\'s one-pass read, then it answers exactly what the four separate reads do, whole and split, over a range and from the first day', async () => {
    const b = await dstCommunity();
    const a = b.app.services.analytics;
    for (const q of [{ from: '2026-03-07', to: '2026-03-22' }, { to: '2026-03-20' }, {}] as const) {
      for (const split of [{}, { by: 'group' }, { by: 'tier' }] as const) {
        const view = a.retentionView({ ...q, ...split, cohort: 'week' });
        expect(view.table).toEqual(a.cohortTable({ ...q, ...split, cohort: 'week' }));
        expect(view.curves).toEqual(a.retentionCurves({ ...q, ...split }));
        expect(view.weekly).toEqual(a.weeklyInteraction(q));
        expect(view.ugc).toEqual(a.ugc({ ...q, period: 'week' }));
      }
    }
  });

  it('given dashboard reads out of bounds, then each is refused with a clear reason and a default range stays within two years', async () => {
    const b = await dstCommunity();
    const a = b.app.services.analytics;
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'answered';
    };
    expect(code(() => a.cohortTable({ to: '2026-02-30' }))).toBe('analytics.bad_day');
    expect(code(() => a.weeklyInteraction({ from: '2026-03-20', to: '2026-03-10' }))).toBe('analytics.bad_range');
    expect(code(() => a.ugc({ from: '2020-01-01', to: '2026-03-10' }))).toBe('analytics.range_too_long');
    expect(code(() => a.cohortTable({ limit: 501 }))).toBe('analytics.bad_limit');
    expect(a.cohortTable({ cohort: 'day', by: 'group', limit: 1, to: '2026-03-20' })).toMatchObject({ total: 1, truncated: false, segmentBy: 'group' });
    const far = a.weeklyInteraction({ to: '2029-01-01' });
    expect(far.from).toBe('2027-01-02');
    expect(far.weeks.length).toBeLessThanOrEqual(106);
  });
});

describe('retention analytics in Asia/Shanghai', () => {
  it('given joins at 00:30 local time (the UTC day before) and activity at 23:50 the next local day, then both fall on their local days', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T00:30:00+08:00');
    for (const u of names(4)) await b.join(u);
    b.clock.set('2026-05-05T23:50:00+08:00');
    await b.say('m1', '/checkin');
    await b.say('m2', '👍 nice');
    b.clock.set('2026-05-06T00:10:00+08:00');
    await b.say('m3', 'a day too late for d1');
    const r = b.app.services.analytics.report({ cohort: 'day', to: '2026-05-06' });
    expect(r.cohorts).toEqual([{ cohort: '2026-05-04', segment: 'all', size: 4, d1: 0.5, d7: null, d30: null, d90: null, stayed1: 1, stayed7: null, stayed30: null, stayed90: null }]);
  });

  it('given joins through an invite link, an inviter and none, when split by source, then each source has its own cohort row and referrals count them', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    await b.say('alice', 'hello, I was here first');
    const dispatch = (user: string, extra: { invite?: string; inviter?: string }) =>
      b.app.dispatcher.dispatch(localMemberEvent('member.joined', { chat: 'g1', user, id: `j-${user}`, at: b.clock.now(), ...extra }));
    await dispatch('n1', { invite: 'spring' });
    await dispatch('n2', { invite: 'spring' });
    await dispatch('n3', { inviter: 'alice' });
    await dispatch('n4', {});
    const r = b.app.services.analytics.report({ cohort: 'week', by: 'source', to: '2026-05-20' });
    expect(r.cohorts.map((c) => [c.segment, c.size])).toEqual([
      ['first-seen', 1],
      ['invite-link', 2],
      ['invited', 1],
      ['joined', 1],
    ]);
    expect(r.referral).toMatchObject({ invitesUsed: 3, referredJoiners: 3, referrers: 1, propagation: 3, stayed7: 1 });
    expect(r.referral.byCode).toEqual([{ code: 'spring', joiners: 2 }]);
  });

  it('given a member who left the community and came back, then stayed counts them away only between the two', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    await b.join('m1');
    await b.join('m2');
    b.clock.set('2026-05-05T10:00:00+08:00');
    await b.leave('m2');
    b.clock.set('2026-05-10T10:00:00+08:00');
    await b.join('m2');
    const r = b.app.services.analytics.report({ cohort: 'day', to: '2026-05-12' });
    expect(r.cohorts[0]).toMatchObject({ size: 2, stayed1: 0.5, stayed7: 1 });
  });
});

describe('tier movement', () => {
  it('given operators moving members up and down and a review promotion, then each week counts its moves up and down, by hand apart, staff left out', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T08:00:00+08:00');
    for (const u of names(3)) await b.join(u);
    // m3 earns advanced the review's way: two recorded orders and seven active days.
    await b.say('op', '/purchase @m3 120', { chat: 'staff' });
    await b.say('op', '/purchase @m3 80', { chat: 'staff' });
    const review = b.app.jobs.find((j) => j.id === 'tiers.review')!;
    for (let day = 4; day <= 10; day++) {
      b.clock.set(`2026-05-${String(day).padStart(2, '0')}T09:00:00+08:00`);
      await b.say('m3', '/checkin');
    }
    b.clock.set('2026-05-05T10:00:00+08:00');
    await b.say('op', '/tier @m1 advanced', { chat: 'staff' });
    await b.say('op', '/tier @m2 core', { chat: 'staff' });
    // An operator's own tier is staff business, not the community's movement.
    await b.say('op', '/tier @op core', { chat: 'staff' });
    b.clock.set('2026-05-11T09:30:00+08:00');
    await review.run(new Date('2026-05-11T09:30:00+08:00'));
    b.clock.set('2026-05-12T10:00:00+08:00');
    await b.say('op', '/tier @m2 basic', { chat: 'staff' });

    const r = b.app.services.analytics.report({ to: '2026-05-17' });
    expect(r.tiers.movement).toEqual([
      { week: '2026-05-04', partial: false, promotions: 2, demotions: 0, manual: 2, moves: [{ from: 'basic', to: 'advanced', manual: true, members: 1 }, { from: 'basic', to: 'core', manual: true, members: 1 }] },
      {
        week: '2026-05-11',
        partial: false,
        promotions: 1,
        demotions: 1,
        manual: 1,
        moves: [{ from: 'basic', to: 'advanced', manual: false, members: 1 }, { from: 'core', to: 'basic', manual: true, members: 1 }],
      },
    ]);
    // The readable table and the digest line say the same.
    const summary = renderPlain(summaryBody(r, (k, p) => b.app.translator.t('en', k, p)));
    expect(summary).toMatch(/Tiers that week: 1 moved up, 1 moved down \(1 by an operator\)/);
    expect(renderTable(r, b.app.translator, 'en')).toMatch(/2026-05-11\s+1\s+1\s+1\s+basic→advanced 1, core→basic\(manual\) 1/);
  });
});

describe('linked identities', () => {
  it('given one person who joined on two accounts a day apart and spoke only on the second, when an operator links them, then the cohorts count one member from the first join, active on day 1', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    await b.join('a1');
    b.clock.set('2026-05-05T10:00:00+08:00');
    await b.join('a2', 'g2');
    await b.say('a2', 'hello from my other account', { chat: 'g2' });
    b.clock.set('2026-05-08T10:00:00+08:00');
    const a = b.app.services.analytics;
    expect(a.cohortTable({ cohort: 'day', to: '2026-05-08' }).rows.map((r) => [r.cohort, r.size, r.d1])).toEqual([
      ['2026-05-04', 1, 0],
      ['2026-05-05', 1, 0],
    ]);
    const id = (u: string) => b.app.services.members.findByIdentity({ platform: 'local', userId: u })!;
    const [done] = await b.say('op', `/link #${id('a1')} #${id('a2')}`, { chat: 'staff', lang: 'en' });
    expect(done).toMatch(/one member/);
    const after = a.cohortTable({ cohort: 'day', to: '2026-05-08' });
    expect(after.rows).toEqual([{ cohort: '2026-05-04', segment: 'all', size: 1, d1: 1, d7: null, d30: null, d90: null, stayed1: 1, stayed7: null, stayed30: null, stayed90: null }]);
    expect(b.app.services.memberData.exportMember(id('a1'), b.clock.now()).sections['analytics']).toMatchObject({ joinDay: '2026-05-04', source: 'joined', leaves: [] });
  });
});

describe('/report and the weekly digest', () => {
  it('given a member, then /report is refused; given an operator in a community group, then it points to the staff chat; in a DM, then it answers', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    await b.join('m1');
    expect((await b.say('m1', '/report', { chat: null, lang: 'en' })).join('\n')).toMatch(/operator/);
    expect((await b.say('op', '/report', { chat: 'g1', lang: 'en' })).join('\n')).toMatch(/staff chat/);
    expect((await b.say('op', '/report 2026-13-01', { chat: null, lang: 'en' })).join('\n')).toMatch(/YYYY-MM-DD/);
    const reply = (await b.say('op', '/report', { chat: null, lang: 'en' })).join('\n');
    expect(reply).toMatch(/Retention report/);
    expect(reply).toMatch(/New members \(1\)/);
  });

  it('given the digest slot fires twice, then the staff chat gets one digest of the week before', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    for (const u of names(3)) await b.join(u);
    await b.say('m1', '/checkin');
    const digest = b.app.jobs.find((j) => j.id === 'analytics.digest')!;
    b.clock.set('2026-05-11T09:00:00+08:00');
    const before = b.sent.length;
    await digest.run(new Date('2026-05-11T09:00:00+08:00'));
    await digest.run(new Date('2026-05-11T09:00:00+08:00'));
    const posted = b.sent.slice(before).filter((o) => o.type === 'send' && o.chat.chatId === 'staff');
    expect(posted).toHaveLength(1);
    expect(renderPlain(posted[0]!.body)).toMatch(/2026-05-04/);
    // The staff chat reads the community's language (zh-CN here): 1 of 3 members active.
    expect(renderPlain(posted[0]!.body)).toMatch(/3 名成员中 1 人活跃/);
  });
});

describe('the migration back-fill', () => {
  it('given memberships and referrals recorded before analytics, when the back-fill runs, then joins, sources and leaves are filled and days follow the zone', async () => {
    const b = await community('Asia/Shanghai', '2026-05-04T10:00:00+08:00');
    await b.join('m1');
    await b.say('m2', 'first seen speaking');
    b.app.db.sqlite.prepare("INSERT INTO groups (chat_key, platform, tier, tracking_started_at) VALUES ('local:g2', 'local', 'basic', 0)").run();
    await b.join('m3');
    b.clock.set('2026-05-05T23:30:00+08:00');
    await b.leave('m3');
    const s = b.app.db.sqlite;
    s.exec('DELETE FROM analytics_leaves; DELETE FROM analytics_members;');
    const sql = readFileSync(`${MIGRATIONS_DIR}/0011_retention_analytics.sql`, 'utf8');
    for (const statement of sql.slice(sql.indexOf('-- Back-fill')).split('--> statement-breakpoint')) s.exec(statement);
    const rows = s.prepare('SELECT m.name, a.source, a.join_day AS day, a.away FROM analytics_members a JOIN members m ON m.id = a.member_id ORDER BY m.name').all();
    expect(rows).toEqual([
      { name: 'm1', source: 'joined', day: null, away: 0 },
      { name: 'm2', source: 'first-seen', day: null, away: 0 },
      { name: 'm3', source: 'joined', day: null, away: 1 },
    ]);
    const r = b.app.services.analytics.report({ cohort: 'day', to: '2026-05-12' });
    expect(r.cohorts).toMatchObject([{ cohort: '2026-05-04', size: 3, stayed1: 2 / 3, stayed7: 2 / 3 }]);
  });
});
