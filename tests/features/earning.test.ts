import { afterEach, describe, expect, it } from 'vitest';
import { localMemberEvent } from '../../adapters/local/local-events.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import { allowedDomain } from '../../src/features/earning/index.ts';
import { fingerprint, similarity } from '../../src/features/earning/similarity.ts';
import { contentDirWith } from '../helpers/posts.ts';
import { loadContent, ConfigError } from '../../src/config/load.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const MIN = 60_000;
const DAY = 86_400_000;

/** Ledger rows of one member grouped by reason: `{post: 2, 'task.first-post': 5}`. */
function earnedBy(memberId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of h.app.exportState().ledger.filter((r) => r.member === memberId)) out[l.reason] = (out[l.reason] ?? 0) + l.delta;
  return out;
}

function count(reason: string): number {
  return h.app.exportState().ledger.filter((l) => l.reason === reason).length;
}

describe('near-duplicate filter', () => {
  it('given text that differs only in case, spaces, punctuation or emoji, then it is the same fingerprint', () => {
    expect(fingerprint('Great product, love it!! 😍')).toBe(fingerprint('great  product love it'));
  });
  it('given a small edit, then the similarity stays high; unrelated text is low', () => {
    expect(similarity(fingerprint('the new flavour is amazing'), fingerprint('the new flavour is amazing!!1'))).toBeGreaterThan(0.85);
    expect(similarity(fingerprint('the new flavour is amazing'), fingerprint('where do I pick up my order'))).toBeLessThan(0.3);
  });
});

describe('post points', () => {
  it('given 20 identical messages in one minute, then at most one post pays', async () => {
    h = await harness();
    for (let i = 0; i < 20; i++) {
      await h.say('u1', 'Loving the new spring collection!');
      h.clock.advance(3_000);
    }
    expect(count('post')).toBe(1);
    expect(earnedBy(1)).toEqual({ post: 2, 'task.first-post': 5 });
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a near-duplicate after the cooldown, then it still earns nothing within 24 hours, and pays again after', async () => {
    h = await harness();
    await h.say('u1', 'Loving the new spring collection!');
    h.clock.advance(10 * MIN);
    await h.say('u1', 'loving the new spring collection');
    expect(count('post')).toBe(1);
    h.clock.advance(DAY);
    await h.say('u1', 'loving the new spring collection');
    expect(count('post')).toBe(2);
  });

  it('given a short message, a command or a direct chat, then no post points', async () => {
    h = await harness();
    await h.say('u1', 'ok 👍');
    await h.say('u1', '/points and a long tail of words');
    await h.say('u1', 'a long message in a direct chat', { chat: null });
    expect(count('post')).toBe(0);
  });

  it('given a photo without a caption, then it counts as a post', async () => {
    h = await harness();
    await h.say('u1', '', { kind: 'image' });
    expect(count('post')).toBe(1);
  });

  it('given posts inside the cooldown, then only the first of them pays', async () => {
    h = await harness();
    await h.say('u1', 'first thought about the launch');
    h.clock.advance(30_000);
    await h.say('u1', 'another different remark on pricing');
    expect(count('post')).toBe(1);
    h.clock.advance(MIN);
    await h.say('u1', 'a third, unrelated message here');
    expect(count('post')).toBe(2);
  });

  it('given a member posting all day, then the daily cap holds over the local day and resets the next', async () => {
    h = await harness({ start: '2026-03-02T00:10:00+08:00' });
    for (let i = 0; i < 40; i++) {
      await h.say('u1', `message number ${i} about topic ${i * 7919}`);
      h.clock.advance(30 * MIN);
    }
    // 40 posts half an hour apart span 00:10 → 19:40 on one Shanghai day.
    expect(count('post')).toBe(10);
    h.clock.set('2026-03-03T08:00:00+08:00');
    await h.say('u1', 'good morning everyone, new day');
    expect(count('post')).toBe(11);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a group bound to the core tier, then the tier multiplier applies to post points', async () => {
    h = await harness();
    await h.say('u1', 'hello core members, nice to meet', { chat: 'core' });
    expect(earnedBy(1).post).toBe(3);
  });
});

describe('share points', () => {
  const branded = () => contentWith((c) => ((c.earning as { share: { domains: string[] } }).share.domains = ['brand.example']));

  it('given configured domains, when a link to another domain is shared, then it earns nothing at all', async () => {
    h = await harness({ content: branded() });
    await h.say('u1', 'look https://evil.example/p/1 what a deal');
    expect(h.app.exportState().ledger).toEqual([]);
    await h.say('u1', 'look https://shop.brand.example/p/1');
    expect(earnedBy(1)).toEqual({ share: 5, 'task.first-share': 5 });
  });

  it('given allowedDomain, then subdomains match and look-alike hosts do not', () => {
    expect(allowedDomain('https://m.brand.example/x', ['brand.example'])).toBe(true);
    expect(allowedDomain('https://notbrand.example/x', ['brand.example'])).toBe(false);
    expect(allowedDomain('not a url', ['brand.example'])).toBe(false);
    expect(allowedDomain('https://any.example', [])).toBe(true);
  });

  it('given many shares in a day, then the share cap holds and the same link twice pays once', async () => {
    h = await harness();
    await h.say('u1', 'https://brand.example/a');
    await h.say('u1', 'again https://brand.example/a');
    for (const p of ['b', 'c', 'd', 'e']) await h.say('u1', `https://brand.example/${p}`);
    await h.say('u1', 'forwarded', { forwarded: true });
    expect(count('share')).toBe(3);
    expect(h.app.db.sqlite.prepare('SELECT SUM(shares) AS n FROM activity_days').get()).toEqual({ n: 7 });
  });

  it('given review mode, then a share waits for a moderator, pays once on approval, and a second decision is refused', async () => {
    h = await harness({ content: contentWith((c) => ((c.earning as { share: { review: boolean } }).share.review = true)) });
    const [queued] = await h.say('u1', 'https://brand.example/a', { name: 'Ann', lang: 'en' });
    expect(queued).toBe('Thanks for sharing! A moderator will review it before the points arrive.');
    expect(h.sent.filter((o) => o.type === 'send' && o.chat.chatId === 'staff').map((o) => renderPlain(o.body))).toEqual([
      '待审核分享 #1（Ann）：https://brand.example/a（g1，2026-03-02 09:00） — /claim approve 1 或 /claim reject 1 <原因>',
    ]);
    await h.say('u2', 'https://brand.example/b', { name: 'Bo' });
    expect(count('share')).toBe(0);
    const [list] = await h.say('mod', '/claims', { lang: 'en' });
    expect(list).toBe('Shares waiting for review\n#1 Ann: https://brand.example/a (in g1, 2026-03-02 09:00)\n#2 Bo: https://brand.example/b (in g1, 2026-03-02 09:00)');
    const before = h.sent.length;
    const [ok] = await h.say('mod', '/claim approve 1');
    expect(ok).toBe('Share claim #1 by Ann approved: +5 points.');
    expect(h.sent.slice(before).find((o) => o.type === 'dm')).toMatchObject({ type: 'dm', user: { userId: 'u1' } });
    const [again] = await h.say('mod', '/claim approve 1');
    expect(again).toBe('Share claim #1 was already decided (approved).');
    await h.say('mod', '/lang zh');
    expect(await h.say('mod', '/claim reject 1')).toEqual(['分享 #1 已处理过（已通过）。']);
    await h.say('mod', '/claim reject 2');
    expect(earnedBy(1)).toEqual({ share: 5, 'task.first-share': 5 });
    expect(earnedBy(2)).toEqual({});
    expect(h.app.exportState().audit.map((a) => (a as { action: string }).action)).toEqual(['share.approve', 'share.reject']);
    const [member] = await h.say('u1', '/claims');
    expect(member).toBe('That command is for moderators only.');
  });
});

describe('share review', () => {
  const review = () => contentWith((c) => ((c.earning as { share: { review: boolean } }).share.review = true));

  it('given a forwarded message and a share card in review mode, then the staff chat and /claims show what they are, where and when, not "-"', async () => {
    h = await harness({ content: review() });
    await h.say('u1', 'Our spring launch is live, come and see the new colours in store', { name: 'Ann', forwarded: true });
    await h.say('u2', '', { name: 'Bo', forwarded: true, kind: 'image' });
    await h.say('u3', 'look', { name: 'Cy', card: { title: 'Spring collection', url: 'https://brand.example/spring' } });
    const staff = h.sent.filter((o) => o.type === 'send' && o.chat.chatId === 'staff').map((o) => renderPlain(o.body));
    expect(staff[0]).toBe('待审核分享 #1（Ann）：转发的消息「Our spring launch is live, come and see the new colours in store」（g1，2026-03-02 09:00） — /claim approve 1 或 /claim reject 1 <原因>');
    const [list] = await h.say('mod', '/claims', { lang: 'en' });
    expect(list).toBe(
      [
        'Shares waiting for review',
        '#1 Ann: forwarded message “Our spring launch is live, come and see the new colours in store” (in g1, 2026-03-02 09:00)',
        '#2 Bo: forwarded message without text (in g1, 2026-03-02 09:00)',
        '#3 Cy: share card “Spring collection” https://brand.example/spring (in g1, 2026-03-02 09:00)',
      ].join('\n'),
    );
    expect(list).not.toMatch(/: -$/m);
  });

  it('given a rejection with a reason, then the member is told the reason by DM in their language, and it is stored and audited', async () => {
    h = await harness({ content: review() });
    await h.say('u1', 'https://other.example/x', { name: 'Ann', lang: 'en' });
    const before = h.sent.length;
    const [reply] = await h.say('mod', '/claim reject 1 not a link to our brand', { lang: 'en' });
    expect(reply).toBe('Share claim #1 by Ann rejected: not a link to our brand.');
    const dm = h.sent.slice(before).find((o) => o.type === 'dm');
    expect(dm).toMatchObject({ user: { userId: 'u1' } });
    expect(renderPlain(dm!.body)).toBe('Your share of 2026-03-02 09:00 was not approved this time: not a link to our brand. It earned no points.');
    expect(h.app.db.sqlite.prepare('SELECT status, reason FROM share_claims').all()).toEqual([{ status: 'rejected', reason: 'not a link to our brand' }]);
    expect(h.app.exportState().audit).toMatchObject([{ action: 'share.reject', reason: 'not a link to our brand' }]);
  });
});

describe('referrals', () => {
  const join = async (user: string, inviter?: string, invite?: string) => {
    await h.app.dispatcher.dispatch(
      localMemberEvent('member.joined', { chat: 'g1', user, id: `j-${user}`, at: h.clock.now(), ...(inviter ? { inviter } : {}), ...(invite ? { invite } : {}) }),
    );
  };

  it('given an invited newcomer who stays 7 days and checks in, then the inviter is paid once, by the daily job', async () => {
    h = await harness();
    await h.say('alice', 'hi', { name: 'Alice' });
    await join('bob', 'alice');
    await h.say('bob', '/checkin');
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 6 * DAY));
    expect(earnedBy(1).referral).toBeUndefined();
    const before = h.sent.length;
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 2 * DAY));
    expect(earnedBy(1).referral).toBe(50);
    // One DM to the inviter about the referral (Bob's own day-7 journey message is not about it).
    expect(h.sent.slice(before).filter((o) => o.type === 'dm' && o.user.userId === 'alice')).toMatchObject([{ type: 'dm', user: { userId: 'alice' } }]);
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 3 * DAY));
    expect(count('referral')).toBe(1);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a newcomer who never checks in, then nothing is paid until they do', async () => {
    h = await harness();
    await join('bob', 'alice');
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 10 * DAY));
    expect(count('referral')).toBe(0);
    await h.say('bob', '/checkin');
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + DAY));
    expect(count('referral')).toBe(1);
  });

  it('given a newcomer who checks in and leaves before 7 days, then the inviter is never paid, even if they rejoin', async () => {
    h = await harness();
    await join('bob', 'alice');
    await h.say('bob', '/checkin');
    h.clock.advance(2 * DAY);
    await h.leave('bob');
    h.clock.advance(DAY);
    await join('bob', 'alice');
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 14 * DAY));
    expect(count('referral')).toBe(0);
  });

  it('given a named invite link from config, then its owner is the inviter; a self-invite records nothing', async () => {
    h = await harness({ content: contentWith((c) => ((c.earning as { referral: { links: Record<string, string> } }).referral.links = { 'spring-poster': 'local:alice' })) });
    await join('bob', undefined, 'spring-poster');
    await join('carol', 'carol');
    await h.say('bob', '/checkin');
    await h.say('carol', '/checkin');
    await h.scheduler.advanceTo(new Date(h.clock.now().getTime() + 8 * DAY));
    const alice = h.app.exportState().members.find((m) => m.identities.includes('local:alice'))!;
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'referral').map((l) => l.member)).toEqual([alice.id]);
  });
});

describe('new-member tasks and boosts', () => {
  it('given check-in, post and share done, then /tasks shows all done and the completion bonus is paid once', async () => {
    h = await harness();
    const [start] = await h.say('u1', '/tasks', { lang: 'en' });
    expect(start).toBe('New-member tasks\n⬜ first check-in\n⬜ first post\n⬜ first share\n0 of 3 done.');
    await h.say('u1', '/checkin');
    const [post] = await h.say('u1', 'happy to be here with you all');
    expect(post).toBe('New-member task done — first post: +5 points.');
    expect(h.sent.at(-1)).toMatchObject({ type: 'dm', user: { userId: 'u1' } });
    const [share] = await h.say('u1', 'https://brand.example/x');
    expect(share).toBe('New-member task done — first share: +5 points.\nAll new-member tasks done: +20 bonus points!');
    const [done] = await h.say('u1', '/tasks');
    expect(done).toBe('New-member tasks\n✅ first check-in\n✅ first post\n✅ first share\nAll 3 done — welcome aboard! (3/3)');
    expect(earnedBy(1)).toEqual({ checkin: 10, post: 2, share: 5, 'task.first-post': 5, 'task.first-share': 5, 'task.all': 20 });
  });

  it('given /boost 2x 48h in a group, then posts there earn double until it ends; other groups do not', async () => {
    h = await harness();
    const [on] = await h.say('op', '/boost 2x 48h', { lang: 'en' });
    expect(on).toBe('Boost on in this group: points ×2 for 48h (until 2026-03-04 09:00) on all earning — check-ins, posts, shares and new-member tasks.');
    await h.say('u1', 'warming up the conversation here');
    await h.say('u2', 'hello from the other group chat', { chat: 'g2' });
    h.clock.advance(49 * 3_600_000);
    await h.say('u1', 'and now the boost has finished');
    const posts = h.app.exportState().ledger.filter((l) => l.reason === 'post').map((l) => [l.member, l.delta]);
    expect(posts).toEqual([[2, 4], [3, 2], [2, 2]]);
    await h.say('op', '/boost 3x 2d');
    const [off] = await h.say('op', '/boost off');
    expect(off).toBe('Ended 1 running boost here. Boosts planned in community.yaml are not affected.');
    h.clock.advance(2 * 60_000);
    await h.say('u1', 'after the boost was ended early');
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'post').map((l) => l.delta)).toEqual([4, 2, 2, 2]);
    expect(h.app.exportState().audit).toMatchObject([
      { action: 'boost.start', detail: { factor: 2, hours: 48, chat: 'local:g1' } },
      { action: 'boost.start', detail: { factor: 3, hours: 48 } },
      { action: 'boost.end', detail: { chat: 'local:g1', ended: 1 } },
    ]);
    const [bad] = await h.say('op', '/boost 20x 1h');
    expect(bad).toContain('20x');
    const [member] = await h.say('u1', '/boost 2x 1h', { lang: 'en' });
    expect(member).toBe('That command is for operators only.');
  });

  it('given a boost scheduled in config, then it applies only inside its window', async () => {
    h = await harness({
      content: contentWith((c) => ((c.earning as { boosts: unknown[] }).boosts = [{ factor: 3, from: '2026-03-02T00:00:00+08:00', until: '2026-03-03T00:00:00+08:00' }])),
    });
    await h.say('u1', 'inside the scheduled window now');
    h.clock.set('2026-03-03T09:00:00+08:00');
    await h.say('u1', 'outside the window the next day');
    expect(h.app.exportState().ledger.filter((l) => l.reason === 'post').map((l) => l.delta)).toEqual([6, 2]);
  });
});

describe('boosts apply to all earning', () => {
  it('given /boost 10x 48h, then a check-in earns ten times its points like a post and the first-post task', async () => {
    h = await harness();
    await h.say('u1', '/checkin', { lang: 'en' });
    await h.say('op', '/boost 10x 48h', { lang: 'en' });
    h.clock.advance(86_400_000);
    const [checkin] = await h.say('u1', '/checkin');
    expect(checkin).toContain('+120 points');
    await h.say('u1', 'a long enough post for points');
    expect(earnedBy(1)).toMatchObject({ checkin: 10 + 120, post: 20, 'task.first-post': 50 });
  });
});

describe('task and milestone notices', () => {
  const where = (from: number) => h.sent.slice(from).map((o) => `${o.type}:${'user' in o ? o.user.userId : o.chat.chatId}:${renderPlain(o.body)}`);
  const withGroup = (chat: string, notices: Record<string, string>) =>
    contentWith((cfg) => {
      (cfg.groups as unknown[]).push({ chat, tier: 'basic', notices });
    });

  it('given the shipped config, when a new member posts for the first time, then the task notice goes by DM and the group hears nothing', async () => {
    h = await harness();
    const before = h.sent.length;
    await h.say('u1', 'happy to be here with you all', { lang: 'en' });
    expect(where(before)).toEqual(['dm:u1:New-member task done — first post: +5 points.']);
  });

  it('given a group with notices.tasks public and another silent, then the first is told in the group and the second not at all', async () => {
    h = await harness({ content: contentWith((cfg) => {
      (cfg.groups as unknown[]).push({ chat: 'local:g1', tier: 'basic', notices: { tasks: 'public' } }, { chat: 'local:g2', tier: 'basic', notices: { tasks: 'silent' } });
    }) });
    let before = h.sent.length;
    await h.say('u1', 'happy to be here with you all', { lang: 'en' });
    expect(where(before)).toEqual(['reply:g1:New-member task done — first post: +5 points.']);
    before = h.sent.length;
    await h.say('u2', 'happy to be here with you all too', { lang: 'en', chat: 'g2' });
    expect(where(before)).toEqual([]);
    expect(earnedBy(2)['task.first-post']).toBe(5);
  });

  it('given a streak milestone, then by default it is a DM, and in a group with notices.milestones public it is told there', async () => {
    h = await harness({ content: withGroup('local:g2', { milestones: 'public' }) });
    const milestone = (lines: string[]) => lines.filter((l) => l.includes(':🔥'));
    const streak = async (user: string, chat: string) => {
      const before = h.sent.length;
      for (let d = 0; d < 30; d++) {
        await h.say(user, '/checkin', { lang: 'en', chat });
        h.clock.set(new Date(h.clock.now().getTime() + DAY));
      }
      return milestone(where(before));
    };
    expect(await streak('u1', 'g1')).toEqual(['dm:u1:🔥 30 days in a row! Keep the streak going.']);
    h.clock.set(new Date('2026-03-02T09:00:00+08:00'));
    const told = await streak('u2', 'g2');
    expect(told).toEqual(['send:g2:🔥 @u2 已经连续签到 30 天！']);
  });

  it('given an invalid notice mode, then loading names community.yaml and the field', () => {
    const dir = contentDirWith({}, (cfg) => {
      cfg.notices = { tasks: 'loud' };
    });
    let err: unknown;
    try {
      loadContent(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toMatch(/community\.yaml$/);
    expect((err as ConfigError).message).toMatch(/notices\.tasks: .*public.*dm.*silent/);
  });
});
