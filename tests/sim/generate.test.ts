import { describe, expect, it } from 'vitest';
import { parseSimLine } from '../../adapters/local/simulation.ts';
import { generateCommunity, type GeneratedLine } from '../../src/sim/generate.ts';
import { cli } from '../helpers/sim.ts';

const options = { members: 300, days: 20, seed: 'unit', timeZone: 'Asia/Shanghai' };
const generate = (o: Partial<typeof options> = {}): GeneratedLine[] => [...generateCommunity({ ...options, ...o })];

describe('community generator', () => {
  const lines = generate();

  it('given the same seed, then the lines are identical; given another seed, then they differ', () => {
    expect(generate()).toEqual(lines);
    expect(generate({ seed: 'other' })).not.toEqual(lines);
  });

  it('given a generated community, then every line is valid simulate input, in time order, on the community offset', () => {
    let last = 0;
    lines.forEach((line, i) => {
      const step = parseSimLine(JSON.stringify(line), i + 1);
      expect(step.at.getTime()).toBeGreaterThanOrEqual(last);
      last = step.at.getTime();
      expect(line.at).toMatch(/\+08:00$/);
    });
    expect(lines.filter((l) => l.type === 'tick')).toHaveLength(options.days);
  });

  it('given a generated community, then it has joins over time, leaves, check-ins, shares with links, redemptions and operator awards', () => {
    const joinDays = new Set(lines.filter((l) => l.type === 'member.joined').map((l) => l.at.slice(0, 10)));
    expect(joinDays.size).toBeGreaterThan(options.days / 2);
    expect(lines.some((l) => l.type === 'member.left')).toBe(true);
    const texts = lines.flatMap((l) => (l.type === 'message' ? [l] : []));
    expect(texts.filter((l) => l.text === '/checkin' || l.text === '签到').length).toBeGreaterThan(100);
    expect(texts.some((l) => l.links?.[0]?.startsWith('https://'))).toBe(true);
    expect(texts.some((l) => l.text.startsWith('/redeem '))).toBe(true);
    expect(texts.some((l) => l.user === 'op' && /^\/award @u\d+ \d+/.test(l.text))).toBe(true);
  });

  it('given a generated community, then activity is heavy-tailed: a few regulars with long streaks, a long tail of occasional members', () => {
    const perUser = new Map<string, number>();
    const checkinDays = new Map<string, Set<string>>();
    for (const l of lines) {
      if (l.type !== 'message' && l.type !== 'reaction') continue;
      if (l.user === 'op') continue;
      perUser.set(l.user, (perUser.get(l.user) ?? 0) + 1);
      if (l.type === 'message' && (l.text === '/checkin' || l.text === '签到')) {
        const days = checkinDays.get(l.user) ?? new Set<string>();
        days.add(l.at.slice(0, 10));
        checkinDays.set(l.user, days);
      }
    }
    const counts = [...perUser.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const top5 = counts.slice(0, Math.ceil(options.members * 0.05)).reduce((a, b) => a + b, 0);
    expect(top5 / total).toBeGreaterThan(0.3);
    expect(counts[Math.floor(counts.length / 2)]!).toBeLessThanOrEqual(4);
    const longestRun = (days: Set<string>) => {
      const sorted = [...days].sort();
      let best = 1;
      let run = 1;
      for (let i = 1; i < sorted.length; i++) {
        run = Date.parse(sorted[i]!) - Date.parse(sorted[i - 1]!) === 86_400_000 ? run + 1 : 1;
        best = Math.max(best, run);
      }
      return best;
    };
    expect(Math.max(...[...checkinDays.values()].map(longestRun))).toBeGreaterThanOrEqual(7);
  });

  it('given `generate` on the CLI, then it prints the same lines as the module for the community zone', () => {
    const r = cli(['generate', '--members', '20', '--days', '3', '--seed', 'cli']);
    expect(r.status).toBe(0);
    const printed = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as GeneratedLine);
    expect(printed).toEqual(generate({ members: 20, days: 3, seed: 'cli' }));
  });
});

describe('the generated operator', () => {
  it('given a generated community, then the operator states no language of their own, so the demo answers them in the community’s', () => {
    const lines = [...generateCommunity({ members: 50, days: 3, seed: 'op-lang', timeZone: 'Asia/Shanghai' })];
    const op = lines.filter((l) => l.type === 'message' && l.user === 'op');
    expect(op.length).toBeGreaterThan(0);
    expect(op.every((l) => !('lang' in l))).toBe(true);
  });
});
