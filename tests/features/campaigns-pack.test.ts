import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadContent } from '../../src/config/load.ts';
import { loadCampaignPack, parseLocalMoment } from '../../src/features/campaigns/index.ts';
import { campaignFile, contentWithCampaigns } from '../helpers/campaigns.ts';
import { cli } from '../helpers/sim.ts';

const valid = {
  id: 'coffee-moment',
  title: { 'zh-CN': '我的咖啡时刻', en: 'My coffee moment' },
  start: '2026-03-02 09:00',
  end: '2026-03-08',
  targets: { tiers: ['basic'] },
  entry: { hashtag: '#我的咖啡时刻' },
  reminders: ['2026-03-06 20:00'],
};

function load(dir: string) {
  const content = loadContent(dir);
  return loadCampaignPack(dir, {
    tiers: content.community.tiers.map((t) => t.id),
    defaultLocale: content.community.community.locale,
    timeZone: 'America/New_York',
    rewards: content.rewards.rewards.map((r) => r.sku),
  });
}

function refusal(fm: Record<string, unknown>): ConfigError {
  const dir = contentWithCampaigns({ 'ok.md': campaignFile(valid), 'bad.md': campaignFile({ ...valid, id: 'bad-one', ...fm }) });
  try {
    load(dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the pack was accepted');
}

describe('campaign packs', () => {
  it('given a one-week call in America/New_York across the spring-forward Sunday, then its window runs from 09:00 EST on Monday to midnight EDT after Sunday', () => {
    const [c] = load(contentWithCampaigns({ 'coffee.md': campaignFile(valid) }));
    expect(new Date(c!.start).toISOString()).toBe('2026-03-02T14:00:00.000Z');
    // 2026-03-08 is the spring-forward day: the day ends at midnight EDT (UTC-4), not EST.
    expect(new Date(c!.end).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(new Date(c!.reminders[0]!).toISOString()).toBe('2026-03-07T01:00:00.000Z');
    expect(c).toMatchObject({ kind: 'ugc', entry: { by: 'hashtag', tag: '#我的咖啡时刻' }, points: 10, perMember: 3, review: false, winners: { by: 'moderators', count: 1 } });
  });

  it('given an impossible start date, then the pack is refused naming the file and start', () => {
    const err = refusal({ start: '2026-02-30' });
    expect(err.file.endsWith(join('campaigns', 'bad.md'))).toBe(true);
    expect(err.problems).toEqual([{ path: 'start', message: expect.stringContaining('2026-02-30') }]);
  });

  it('given an end written as a sentence, then the pack is refused naming end', () => {
    expect(refusal({ end: 'next friday' }).problems[0]!.path).toBe('end');
  });

  it('given an end before the start, then the pack is refused naming end', () => {
    expect(refusal({ end: '2026-03-01' }).problems).toEqual([{ path: 'end', message: 'end is not after start' }]);
  });

  it('given an unknown tier, then the pack is refused naming targets.tiers[0] and the known tiers', () => {
    const err = refusal({ targets: { tiers: ['vip'] } });
    expect(err.file.endsWith('bad.md')).toBe(true);
    expect(err.problems).toEqual([{ path: 'targets.tiers[0]', message: 'unknown tier "vip" (tiers: basic, advanced, core)' }]);
  });

  it('given an empty title, or a title with an empty translation, then the pack is refused naming title', () => {
    expect(refusal({ title: '  ' }).problems.map((p) => p.path)).toContain('title');
    expect(refusal({ title: { en: '' } }).problems.map((p) => p.path).some((p) => p.startsWith('title'))).toBe(true);
  });

  it('given a reminder outside the window or a prize that is not in the shop, then the pack is refused naming the field', () => {
    expect(refusal({ reminders: ['2026-03-10 20:00'] }).problems[0]!.path).toBe('reminders[0]');
    expect(refusal({ prize: { reward: 'no-such-sku' } }).problems[0]!.path).toBe('prize.reward');
    expect(refusal({ entry: { hashtag: '#a', media: true } }).problems[0]!.path).toBe('entry');
  });

  it('given a bad campaign file, then check-config fails naming the file and the field', () => {
    const dir = contentWithCampaigns({ 'bad.md': campaignFile({ ...valid, targets: { tiers: ['gold'] } }) });
    const r = cli(['check-config', '--content', dir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(join('campaigns', 'bad.md'));
    expect(r.stderr).toContain('targets.tiers[0]');
  });

  it('given local moments, then dates that do not exist are refused and a bare end date means the end of that day', () => {
    expect(parseLocalMoment('2026-13-01', 'Asia/Shanghai')).toBeUndefined();
    expect(parseLocalMoment('2026-03-02 24:00', 'Asia/Shanghai')).toBeUndefined();
    expect(new Date(parseLocalMoment('2026-03-08', 'Asia/Shanghai', true)!).toISOString()).toBe('2026-03-08T16:00:00.000Z');
  });
});
