import { describe, expect, it } from 'vitest';
import { loadContent, ConfigError } from '../../src/config/load.ts';
import type { PlatformAdapter } from '../../src/core/adapter.ts';
import { AdapterError } from '../../src/core/errors.ts';
import { renderPlain, type Outbound } from '../../src/core/outbound.ts';
import { loadPack } from '../../src/features/content/index.ts';
import { CONTENT_DIR, harness } from '../helpers/harness.ts';
import { contentDirWith, post, writePosts } from '../helpers/posts.ts';

const opts = { tiers: ['basic', 'advanced', 'core'], defaultLocale: 'en' as const };
const sends = (sent: Outbound[]) => sent.filter((o) => o.type === 'send').map((o) => [o.type === 'send' ? o.chat.chatId : '', renderPlain(o.body)]);

function refusal(posts: Record<string, string>): ConfigError {
  try {
    loadPack(contentDirWith(posts), opts);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the pack was accepted');
}

describe('content packs', () => {
  it('given the shipped pack, then it loads with holiday dates taken from holidays.yaml', () => {
    const pack = loadPack(CONTENT_DIR, opts);
    expect(pack.posts.map((p) => p.id).sort()).toEqual(['daily-checkin', 'mid-autumn', 'spring-festival', 'weekly-leaderboard', 'weekly-lesson']);
    expect([...pack.byId.get('spring-festival')!.days!]).toContain('2027-02-06');
    expect(pack.byId.get('daily-checkin')!.bodies.en).toContain('{{checkins_today}}');
  });

  it('given a post with a bad cron expression, then the pack is refused naming the file and the cron field', () => {
    const err = refusal({ 'ok.md': post({ id: 'ok', cron: '0 9 * * *' }), 'bad.md': post({ id: 'bad', cron: '61 9 * * *' }) });
    expect(err.file).toMatch(/posts\/bad\.md$/);
    expect(err.problems[0]!.path).toBe('cron');
  });

  it('given a post targeting an unknown tier, then the pack is refused naming the file and targets.tiers[1]', () => {
    const err = refusal({ 'vip.md': post({ id: 'vip', cron: '0 9 * * *', targets: { tiers: ['core', 'platinum'] } }) });
    expect(err.file).toMatch(/posts\/vip\.md$/);
    expect(err.problems).toEqual([{ path: 'targets.tiers[1]', message: expect.stringContaining('unknown tier "platinum"') }]);
  });

  it('given an unknown holiday, an unknown live value or a duplicate id, then each is refused with its field', () => {
    expect(refusal({ 'h.md': post({ id: 'h', holiday: 'easter', time: '09:00' }) }).problems[0]!.path).toBe('holiday');
    expect(refusal({ 'v.md': post({ id: 'v', cron: '0 9 * * *' }, 'Hi {{weather}}') }).problems[0]!.path).toBe('body');
    expect(refusal({ 'a.md': post({ id: 'same', cron: '0 9 * * *' }), 'b.md': post({ id: 'same', cron: '0 9 * * *' }) }).problems[0]!.path).toBe('id');
  });
});

describe('scheduled posts', () => {
  it('given a post at 02:30 America/New_York, when the clock crosses spring-forward and fall-back, then it runs once each day and never twice', async () => {
    const dir = contentDirWith({ 'ny.md': post({ id: 'ny', cron: '30 2 * * *', timezone: 'America/New_York', targets: { groups: ['local:core'] } }) });
    const h = await harness({ start: '2026-03-07T00:00:00-05:00', content: loadContent(dir) });
    await h.scheduler.advanceTo(new Date('2026-03-09T12:00:00-04:00'));
    await h.scheduler.advanceTo(new Date('2026-03-09T12:00:00-04:00'));
    const runs = h.app.services.content.runs('ny').map((r) => new Date(r.slot).toISOString());
    // 02:30 does not exist on 8 March: it runs once, at 03:30 EDT.
    expect(runs).toEqual(['2026-03-09T06:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-07T07:30:00.000Z']);
    // 01:30 happens twice on 1 November (EDT, then EST): the post runs at the first one only.
    const fallDir = contentDirWith({ 'ny.md': post({ id: 'ny', cron: '30 1 * * *', timezone: 'America/New_York', targets: { groups: ['local:core'] } }) });
    const fall = await harness({ start: '2026-10-31T12:00:00-04:00', content: loadContent(fallDir) });
    await fall.scheduler.advanceTo(new Date('2026-11-01T12:00:00-05:00'));
    await fall.app.services.content.catchUp(new Date('2026-11-01T01:35:00-05:00'));
    expect(fall.app.services.content.runs('ny').map((r) => new Date(r.slot).toISOString())).toEqual(['2026-11-01T05:30:00.000Z']);
    expect(sends(fall.sent)).toHaveLength(1);
    h.close();
    fall.close();
  });

  it('given a group with its own time zone, then the post runs at the local time there', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '30 8 * * *' }, 'Morning') }, (cfg) => {
      (cfg.groups as Record<string, unknown>[]).push({ chat: 'local:ny', tier: 'basic', timezone: 'America/New_York' });
    });
    const h = await harness({ start: '2026-03-02T00:00:00Z', content: loadContent(dir) });
    await h.scheduler.advanceTo(new Date('2026-03-03T00:00:00Z'));
    const at = (chat: string) => h.app.services.content.runs('r').filter((r) => r.chatKey === chat).map((r) => new Date(r.slot).toISOString());
    expect(at('local:ny')).toEqual(['2026-03-02T13:30:00.000Z']);
    expect(at('local:core')).toEqual(['2026-03-02T00:30:00.000Z']);
    h.close();
  });

  it('given a group whose posts locale is en, then it gets the en variant and other groups the body', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *', locale: 'zh-CN', variants: { en: 'Good morning' } }, '早上好') }, (cfg) => {
      cfg.posts = { groupLocales: { 'local:advanced': 'en' } };
    });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    await h.scheduler.advanceTo(new Date('2026-03-02T09:01:00+08:00'));
    expect(sends(h.sent)).toEqual([
      ['advanced', 'Good morning'],
      ['core', '早上好'],
    ]);
    h.close();
  });

  it('given the same slot run twice and a catch-up after it, then each group gets the post once', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *' }, 'Hi') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    const slot = new Date('2026-03-02T09:00:00+08:00');
    const content = h.app.services.content;
    h.clock.set(slot);
    expect(await content.runSlot('r', 'Asia/Shanghai', slot, 'scheduled')).toBe(2);
    expect(await content.runSlot('r', 'Asia/Shanghai', new Date(slot.getTime() + 30_000), 'scheduled')).toBe(0);
    expect(await content.catchUp(new Date('2026-03-02T09:05:00+08:00'))).toBe(0);
    expect(sends(h.sent)).toEqual([
      ['advanced', 'Hi'],
      ['core', 'Hi'],
    ]);
    h.close();
  });

  it('given one group whose platform keeps failing, then the others still get the post and the outbox retries it with backoff until the platform takes it', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *' }, 'Hi') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    await h.say('u1', 'hello', { chat: 'g1' });
    let down = true;
    let flaky = 0;
    const delivered: string[] = [];
    const adapter: PlatformAdapter = {
      platform: 'local',
      capabilities: new Set(),
      start: async () => {},
      stop: async () => {},
      send: async (out) => {
        const chat = out.type === 'send' ? out.chat.chatId : '';
        if (chat === 'advanced' && down) throw new AdapterError('local', 'network', 'timeout');
        if (chat === 'core' && flaky++ < 2) throw new AdapterError('local', 'rate_limited', 'slow down', 10);
        delivered.push(chat);
      },
    };
    h.app.router.register(adapter);
    const at = async (time: string) => {
      h.clock.set(`2026-03-02T${time}+08:00`);
      await h.app.outbox.drain();
    };
    await h.scheduler.advanceTo(new Date('2026-03-02T09:00:00+08:00'));
    // g1 does not wait while core and advanced wait for their retries: lanes are per chat.
    expect(delivered).toEqual(['g1']);
    // A sent mark commits with the next transaction or at the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const status = () => Object.fromEntries(h.app.services.content.runs('r').map((r) => [r.chatKey, `${r.status}/${r.attempts}`]));
    expect(status()).toEqual({ 'local:advanced': 'pending/0', 'local:core': 'pending/0', 'local:g1': 'sent/1' });
    // Backoff 1 s, then 2 s: nothing goes before its time.
    await at('09:00:00.500');
    expect(delivered).toEqual(['g1']);
    await at('09:00:01');
    await at('09:00:03');
    expect(delivered).toEqual(['g1', 'core']);
    expect(status()).toEqual({ 'local:advanced': 'pending/0', 'local:core': 'sent/3', 'local:g1': 'sent/1' });
    expect(h.app.services.outbox.stats().oldestPending).toMatchObject({ lane: 'local:advanced', attempts: 3, error: 'local network: timeout' });
    down = false;
    await at('09:10:00');
    expect(status()).toEqual({ 'local:advanced': 'sent/4', 'local:core': 'sent/3', 'local:g1': 'sent/1' });
    expect(delivered).toEqual(['g1', 'core', 'advanced']);
    h.close();
  });

  it('given a platform down for longer than a broadcast may wait, then the post is marked expired, not sent three hours late', async () => {
    const dir = contentDirWith({ 'm.md': post({ id: 'm', cron: '0 8 * * *', targets: { groups: ['local:core'] } }, 'Good morning') });
    const h = await harness({ start: '2026-03-02T07:00:00+08:00', content: loadContent(dir) });
    const delivered: string[] = [];
    let down = true;
    h.app.router.register({
      platform: 'local',
      capabilities: new Set(),
      start: async () => {},
      stop: async () => {},
      send: async (out) => {
        if (down) throw new AdapterError('local', 'network', 'timeout');
        delivered.push(renderPlain(out.body));
      },
    });
    await h.scheduler.advanceTo(new Date('2026-03-02T08:00:00+08:00'));
    down = false;
    h.clock.set('2026-03-02T11:01:00+08:00');
    await h.app.outbox.drain();
    expect(delivered).toEqual([]);
    expect(h.app.services.content.runs('m').map((r) => r.status)).toEqual(['expired']);
    expect(h.app.services.outbox.stats().platforms.local).toMatchObject({ pending: 0, expired: 1 });
    h.close();
  });

  it('given skipIfQuiet, when nobody spoke in a group since the last post, then that group is skipped until someone does', async () => {
    const dir = contentDirWith({ 'q.md': post({ id: 'q', cron: '0 20 * * *', skipIfQuiet: true, targets: { groups: ['local:core', 'local:advanced'] } }, 'Lesson') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    await h.scheduler.advanceTo(new Date('2026-03-02T21:00:00+08:00'));
    h.clock.set('2026-03-03T10:00:00+08:00');
    await h.say('u1', 'a question', { chat: 'core' });
    await h.scheduler.advanceTo(new Date('2026-03-03T21:00:00+08:00'));
    expect(sends(h.sent)).toEqual([
      ['advanced', 'Lesson'],
      ['core', 'Lesson'],
      ['core', 'Lesson'],
    ]);
    expect(h.app.services.content.runs('q').find((r) => r.chatKey === 'local:advanced' && r.status === 'skipped')).toBeDefined();
    h.close();
  });
});

describe('operator commands for posts', () => {
  it('given /post pause and /post resume, then paused slots are not posted and resumed ones are', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *', targets: { groups: ['local:core'] } }, 'Hi') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    expect(await h.say('op', '/post pause r', { chat: 'core', lang: 'en' })).toEqual(['Paused r: it will not run until /post resume r.']);
    await h.scheduler.advanceTo(new Date('2026-03-02T10:00:00+08:00'));
    expect(await h.say('op', '/post resume r', { chat: 'core', lang: 'en' })).toEqual(['Resumed r.']);
    await h.scheduler.advanceTo(new Date('2026-03-03T10:00:00+08:00'));
    expect(h.app.services.content.runs('r').map((r) => new Date(r.slot).toISOString())).toEqual(['2026-03-03T01:00:00.000Z']);
    expect(await h.say('u1', '/post pause r', { chat: 'core', lang: 'en' })).toEqual(['That command is for operators only.']);
    h.close();
  });

  it('given /post send and /post preview, then send posts once to every target and preview goes only to the operator', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *', targets: { tiers: ['core', 'advanced'] } }, '**News** for {{group}}: {{member_count}} members') });
    const h = await harness({ start: '2026-03-02T12:00:00+08:00', content: loadContent(dir) });
    await h.say('op', '/post preview r', { chat: 'core', lang: 'en' });
    expect(h.sent.at(-1)).toMatchObject({ type: 'dm', user: { userId: 'op' } });
    expect(renderPlain(h.sent.at(-1)!.body)).toBe('Preview of r in local:core:\nNews for local:core: 1 members');
    expect(sends(h.sent)).toEqual([]);
    expect(await h.say('op', '/post send r', { chat: 'core', lang: 'en' })).toContain('Posted r to 2 groups.');
    expect(sends(h.sent)).toEqual([
      ['advanced', 'News for local:advanced: 0 members'],
      ['core', 'News for local:core: 1 members'],
    ]);
    expect(h.app.services.content.runs('r').map((r) => `${r.kind}:${r.status}`)).toEqual(['manual:sent', 'manual:sent']);
    expect(await h.say('op', '/post send nope', { chat: 'core', lang: 'en' })).toEqual(['There is no post “nope”. Posts: r.']);
    h.close();
  });

  it('given /reload with a broken pack, then the error names file and field and the old pack keeps running; a fixed pack is scheduled', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *', targets: { groups: ['local:core'] } }, 'Old') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    writePosts(dir, { 'r.md': post({ id: 'r', cron: '0 9 * * *', targets: { tiers: ['gold'] } }, 'New') });
    const [reply] = await h.say('op', '/reload', { chat: 'core', lang: 'en' });
    expect(reply).toContain('The posts were not reloaded');
    expect(reply).toMatch(/posts\/r\.md:\n {2}- targets\.tiers\[0\]: unknown tier "gold"/);
    await h.scheduler.advanceTo(new Date('2026-03-02T09:30:00+08:00'));
    writePosts(dir, { 'r.md': post({ id: 'r', cron: '0 10 * * *', targets: { groups: ['local:core'] } }, 'New') });
    expect(await h.say('op', '/reload', { chat: 'core', lang: 'en' })).toEqual(['Reloaded the scheduled posts: 1 post.']);
    await h.scheduler.advanceTo(new Date('2026-03-02T10:30:00+08:00'));
    expect(sends(h.sent)).toEqual([
      ['core', 'Old'],
      ['core', 'New'],
    ]);
    const list = (await h.say('op', '/posts', { chat: 'core', lang: 'en' }))[0]!;
    expect(list).toContain('r — r (0 10 * * *, on)');
    expect(list).toContain('local:core: next 2026-03-03 10:00 Asia/Shanghai');
    h.close();
  });

  it('given 60 groups, when an operator runs /posts and /posts 3, then the answer comes in pages of 25 groups with the post named again and a pointer to the next page', async () => {
    const dir = contentDirWith({ 'r.md': post({ id: 'r', cron: '0 9 * * *' }, 'Hi') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    for (let i = 0; i < 60; i++) h.app.services.groups.ensure({ platform: 'local', chatId: `x${String(i).padStart(2, '0')}` }, h.clock.now());
    const known = h.app.services.content.targets(h.app.services.content.pack.byId.get('r')!).length;
    const first = (await h.say('op', '/posts', { chat: 'core', lang: 'en' }))[0]!.split('\n');
    const pages = Math.ceil(known / 25);
    expect(first[0]).toBe(`Scheduled posts (page 1/${pages})`);
    expect(first.filter((l) => l.includes(': next 2026-03-02 09:00 Asia/Shanghai'))).toHaveLength(25);
    expect(first.at(-1)).toBe('Next page: /posts 2');
    const last = (await h.say('op', `/posts ${pages}`, { chat: 'core', lang: 'en' }))[0]!.split('\n');
    expect(last[1]).toBe('r — r (0 9 * * *, on)');
    expect(last.filter((l) => l.startsWith('  '))).toHaveLength(known - 25 * (pages - 1));
    expect(last.at(-1)).not.toMatch(/Next page/);
    expect(await h.say('op', '/posts 99', { chat: 'core', lang: 'en' })).toEqual([`There is no page 99: /posts has ${pages} pages.`]);
    expect((await h.say('op', '/posts two', { chat: 'core', lang: 'en' }))[0]).toMatch(/page/);
    h.close();
  });

  it('given a daily post that starts two years from now, then /posts shows its first run on the start day, and a paused post shows none', async () => {
    const dir = contentDirWith({ 'later.md': post({ id: 'later', cron: '30 8 * * *', start: '2028-05-01', targets: { groups: ['local:core'] } }, 'Hi') });
    const h = await harness({ start: '2026-03-02T08:00:00+08:00', content: loadContent(dir) });
    const list = (await h.say('op', '/posts', { chat: 'core', lang: 'en' }))[0]!;
    expect(list).toContain('local:core: next 2028-05-01 08:30 Asia/Shanghai');
    await h.say('op', '/post pause later', { chat: 'core', lang: 'en' });
    expect((await h.say('op', '/posts', { chat: 'core', lang: 'en' }))[0]).toContain('local:core: next -');
    h.close();
  });
});
