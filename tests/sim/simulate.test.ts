import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { exportState, simulate } from '../../src/main.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { cli, jsonl, runSim, tempDb } from '../helpers/sim.ts';

const msg = (at: string, user: string, text: string, extra: object = {}) => ({ at, type: 'message', chat: 'g1', user, text, ...extra });

describe('simulate: the public test surface', () => {
  it('given two /checkins on one local day, then it pays once; next day streak 2; after a skipped day streak 1', async () => {
    const db = tempDb();
    const run = await runSim(db, [
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { name: 'Alice' }),
      msg('2026-03-02T21:00:00+08:00', 'u1', '/checkin'),
      msg('2026-03-03T08:00:00+08:00', 'u1', '/checkin'),
      msg('2026-03-05T08:00:00+08:00', 'u1', '/checkin'),
    ]);
    // Replies only: the scheduled daily reminder also goes out at 08:30 on the days the clock passes.
    expect(run.out.filter((o) => o.type === 'reply').map((o) => o.text)).toEqual([
      '@Alice 签到成功：+10 积分，连续签到 1 天，当前积分 10。你是今天第 1 个签到的！',
      '@Alice，你今天已经签到过了（连续 1 天，积分 10），明天再来吧！',
      '@Alice 签到成功：+12 积分，连续签到 2 天，当前积分 22。你是今天第 1 个签到的！',
      '@Alice 签到成功：+10 积分，连续签到 1 天，当前积分 32。你是今天第 1 个签到的！',
    ]);
    expect(run.out.find((o) => o.type === 'reply')).toMatchObject({ at: '2026-03-02T01:00:00.000Z', local: '2026-03-02 09:00', type: 'reply', chat: 'g1' });
    expect(run.out.filter((o) => o.type === 'send' && o.chat === 'g1').map((o) => o.at)).toEqual(['2026-03-03T00:30:00.000Z', '2026-03-04T00:30:00.000Z']);
    const state = exportState(db, CONTENT_DIR);
    expect(state.members).toEqual([
      { id: 1, name: 'Alice', identities: ['local:u1'], balance: 32, lifetime: 32, tier: 'basic', streak: 1, lastActiveAt: '2026-03-05T00:00:00.000Z' },
    ]);
    expect(state.ledger.map((l) => [l.delta, l.reason])).toEqual([[10, 'checkin'], [12, 'checkin'], [10, 'checkin']]);
  });

  it('given 签到, then it works like /checkin', async () => {
    const run = await runSim(tempDb(), [msg('2026-03-02T09:00:00+08:00', 'u1', '签到', { name: 'Alice', lang: 'en' })]);
    expect(run.out[0]!.text).toBe('@Alice checked in: +10 points, streak 1 day. Balance 10. You are #1 today.');
  });

  it('given the same event id replayed, then it pays nothing and says nothing', async () => {
    const db = tempDb();
    const line = msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { id: 'm-42' });
    const run = await runSim(db, [line, line, { ...line, at: '2026-03-03T09:00:00+08:00' }]);
    expect(run.out.filter((o) => o.type === 'reply')).toHaveLength(1);
    expect(exportState(db, CONTENT_DIR).ledger).toHaveLength(1);
    // A restart replaying the same stream into the same database pays nothing either.
    const again = await runSim(db, [line]);
    expect(again.out).toEqual([]);
  });

  it("given a member's /award, then it is refused and changes nothing; /award @u1 abc gets a usage line", async () => {
    const db = tempDb();
    const run = await runSim(db, [
      msg('2026-03-02T09:00:00+08:00', 'u1', 'hello'),
      msg('2026-03-02T09:01:00+08:00', 'u2', '/award @u1 100', { lang: 'en' }),
      msg('2026-03-02T09:02:00+08:00', 'op', '/award @u1 abc', { lang: 'en' }),
    ]);
    expect(run.out.map((o) => o.text)).toEqual([
      'That command is for operators only.',
      'amount must be a whole number, not “abc”.\nUsage: /award <@member> <amount> [reason…]\nFor example: /award @alice 50',
    ]);
    const state = exportState(db, CONTENT_DIR);
    expect(state.ledger).toEqual([]);
    expect(state.audit).toEqual([]);
  });

  it('given a malformed JSON line, then it is reported with its line number and the rest still runs', async () => {
    const run = await runSim(tempDb(), [
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin'),
      '{"at": "2026-03-02T09:01:00+08:00", "type": "message", ',
      { at: 'yesterday', type: 'message', user: 'u2', text: 'x' },
      msg('2026-03-02T09:02:00+08:00', 'u2', '/checkin'),
    ]);
    expect(run.errors).toHaveLength(2);
    expect(run.errors[0]).toMatch(/^line 2: invalid JSON/);
    expect(run.errors[1]).toMatch(/^line 3: at: /);
    expect(run.out).toHaveLength(2);
    expect(run.summary).toMatchObject({ lines: 4, events: 2, badLines: 2 });
  });

  it('given a line stamped 9999-12-31 or year 0000 among normal lines, then it is refused with its number and no job runs for the years in between', async () => {
    const run = await runSim(tempDb(), [
      { at: '0000-01-01T00:00:00Z', type: 'tick' },
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('9999-12-31T23:59:00+08:00', 'u1', 'hello from the far future'),
      { at: '9999-12-31T23:59:59Z', type: 'tick' },
      msg('2026-03-03T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
    ]);
    expect(run.errors).toEqual([
      expect.stringMatching(/^line 1: at: .* is outside the times a stream may use \(2000-01-01 to 2100-01-01\)$/),
      expect.stringMatching(/^line 3: at: 9999-12-31T15:59:00.000Z is outside the times/),
      expect.stringMatching(/^line 4: at: 9999-12-31T23:59:59.000Z is outside the times/),
    ]);
    expect(run.summary).toMatchObject({ lines: 5, events: 2, badLines: 3 });
    // A day of jobs, not millennia: the last output is the second check-in's reply.
    expect(run.out.every((o) => o.at < '2026-03-04')).toBe(true);
    expect(run.out.at(-1)?.text).toMatch(/streak 2 days/);
  });

  it('given a line more than --max-gap-days after the stream, then it is refused; within the gap it is taken', async () => {
    const run = await runSim(tempDb(), [
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('2028-03-02T09:00:00+08:00', 'u1', '/points'),
      msg('2026-04-02T09:00:00+08:00', 'u1', '/points'),
    ]);
    expect(run.errors).toEqual([expect.stringMatching(/^line 2: at: 2028-03-02T01:00:00.000Z is 731 days after the stream's time 2026-03-02T01:00:00.000Z; a jump of more than 366 days is refused/)]);
    expect(run.summary).toMatchObject({ events: 2, badLines: 1 });
  });

  it('given a wrong date on the first line, then that line alone is refused and the good lines after it run', async () => {
    const run = await runSim(tempDb(), [
      msg('2001-01-01T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('2026-03-03T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('2026-03-03T10:00:00+08:00', 'u2', '/checkin', { lang: 'en' }),
    ]);
    expect(run.errors).toEqual([expect.stringMatching(/^line 1: at: 2001-01-01T01:00:00.000Z is \d+ days before the lines around it \(median 2026-03-0\dT\S+\); more than 366 days is refused/)]);
    expect(run.summary).toMatchObject({ lines: 4, events: 3, badLines: 1 });
    expect(run.out.filter((o) => o.type === 'reply').map((o) => o.text)).toEqual([
      expect.stringMatching(/streak 1 day\./),
      expect.stringMatching(/streak 2 days/),
      expect.stringMatching(/^@u2 checked in/),
    ]);
  });

  it('given one line stamped years late in the middle of a stream, then only it is refused', async () => {
    const run = await runSim(tempDb(), [
      msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
      msg('2026-03-02T10:00:00+08:00', 'u2', '/checkin', { lang: 'en' }),
      msg('2023-03-02T10:30:00+08:00', 'u3', '/checkin', { lang: 'en' }),
      msg('2026-03-03T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }),
    ]);
    expect(run.errors).toEqual([expect.stringMatching(/^line 3: at: 2023-03-02T02:30:00.000Z is \d+ days before the lines around it/)]);
    expect(run.summary).toMatchObject({ events: 3, badLines: 1 });
  });

  it('given a tick half a year ahead, then the skip of older missed slots is reported per job on the tick line', async () => {
    const output = new PassThrough();
    const errors = new PassThrough();
    const errText: string[] = [];
    errors.on('data', (c: Buffer) => errText.push(c.toString()));
    output.resume();
    const lines = jsonl([msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin'), { at: '2026-09-02T09:00:00+08:00', type: 'tick' }]);
    await simulate({ dbPath: tempDb(), contentDir: CONTENT_DIR, input: Readable.from([lines]), output, errors, maxSlotsPerJump: 5 });
    const reports = errText.join('').split('\n').filter(Boolean);
    expect(reports.every((r) => /^line 2: the clock jumped past more slots of \S+ than a jump replays; its slots from \S+ to before \S+ were skipped$/.test(r))).toBe(true);
    expect(reports.find((r) => r.includes(' quiet.scan '))).toMatch(/from 2026-03-02T02:00:00.000Z to before 2026-08-28T02:00:00.000Z/);
  });

  it('given a DM line (no chat), then the reply goes to the direct chat', async () => {
    const run = await runSim(tempDb(), [{ at: '2026-03-02T09:00:00+08:00', type: 'message', user: 'u1', text: '/points', lang: 'en' }]);
    expect(run.out[0]).toMatchObject({ type: 'reply', chat: 'dm:u1', text: '@u1: balance 0. Check in to start earning!' });
  });
});

describe('the CLI', { timeout: 90_000 }, () => {
  it('given `simulate` then `export`, then the JSON lines and the state come out of the real command', () => {
    const db = tempDb();
    const sim = cli(['simulate', '--db', db], `${jsonl([msg('2026-03-02T09:00:00+08:00', 'u1', '/checkin', { lang: 'en' }), 'oops'])}\n`);
    expect(sim.status).toBe(0);
    expect(JSON.parse(sim.stdout.trim())).toMatchObject({ type: 'reply', chat: 'g1', text: expect.stringContaining('+10 points') });
    expect(sim.stderr).toContain('line 2: invalid JSON');
    const exp = cli(['export', '--db', db]);
    expect(JSON.parse(exp.stdout)).toMatchObject({ members: [{ identities: ['local:u1'], balance: 10, streak: 1 }], redemptions: [], flags: [] });
  });

  it('given a broken community.yaml, then check-config names the file and field and exits 1', async () => {
    const { mkdtempSync, cpSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'hearth-cc-'));
    cpSync(CONTENT_DIR, dir, { recursive: true });
    const f = join(dir, 'community.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('base: 10', 'base: ten'));
    const r = cli(['check-config', '--content', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('community.yaml');
    expect(r.stderr).toContain('earning.checkin.base');
    expect(cli(['check-config']).stdout).toMatch(/ok \(3 tiers/);
  });
});
