import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportedState } from '../../src/app.ts';
import { exportState, importCodes } from '../../src/main.ts';
import { FakeClock } from '../../src/core/clock.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';
import { cli, runSim, tempDb } from '../helpers/sim.ts';

const msg = (at: string, user: string, text: string, extra: object = {}) => ({ at, type: 'message', chat: 'g1', user, text, ...extra });

/** Members whose exported balance differs from the sum of their exported ledger rows. */
function mismatches(state: ExportedState): number[] {
  return state.members.filter((m) => m.balance !== state.ledger.filter((l) => l.member === m.id).reduce((s, l) => s + l.delta, 0)).map((m) => m.id);
}

describe('simulate: the points economy and the shop', () => {
  it('given a week of joins, posts, spam, shares and a coupon redemption, then export shows redemptions, audit and books that agree', async () => {
    const db = tempDb();
    const csv = join(dirname(db), 'codes.csv');
    writeFileSync(csv, 'code\nHEARTH-A\nHEARTH-B\n');
    expect(importCodes({ dbPath: db, contentDir: CONTENT_DIR, sku: 'coupon-10', file: csv, clock: new FakeClock('2026-03-01T12:00:00+08:00') })).toEqual({ added: 2, skipped: 0, stock: 2 });
    const spam = Array.from({ length: 20 }, (_, i) => msg(`2026-03-02T09:10:${String(i * 2).padStart(2, '0')}+08:00`, 'bob', 'free points please!!'));
    const run = await runSim(db, [
      msg('2026-03-02T09:00:00+08:00', 'alice', '/checkin', { name: 'Alice', lang: 'en' }),
      { at: '2026-03-02T09:05:00+08:00', type: 'member.joined', chat: 'g1', user: 'bob', name: 'Bob', inviter: 'alice' },
      msg('2026-03-02T09:06:00+08:00', 'bob', '/checkin', { lang: 'en' }),
      ...spam,
      msg('2026-03-02T09:20:00+08:00', 'alice', 'new post: https://brand.example/p/1'),
      msg('2026-03-02T09:30:00+08:00', 'op', '/award @alice 100 launch helper', { name: 'Op' }),
      msg('2026-03-02T09:31:00+08:00', 'alice', '/redeem coupon-10'),
      { at: '2026-03-10T10:00:00+08:00', type: 'tick' },
    ]);
    expect(run.errors).toEqual([]);
    const texts = run.out.map((o) => `${o.type}:${o.user ?? o.chat}:${o.text}`);
    expect(texts).toContain('dm:bob:New-member task done — first post: +5 points.');
    expect(texts.filter((t) => t.startsWith('reply:g1:New-member task'))).toEqual([]);
    expect(texts).toContain('dm:alice:Your 10-yuan coupon:\nHEARTH-A\nDM me /codes to see it again.');
    expect(texts).toContain('dm:alice:Bob, whom you invited, has settled in: +50 referral points. Thank you!');
    expect(run.out.filter((o) => o.type !== 'dm').map((o) => o.text).join('\n')).not.toContain('HEARTH-A');
    const state = exportState(db, CONTENT_DIR);
    expect(state.redemptions).toMatchObject([{ id: 1, member: 1, sku: 'coupon-10', status: 'fulfilled', code: 'HEARTH-A' }]);
    expect(state.audit).toMatchObject([
      { action: 'codes.import', actor: null, detail: { sku: 'coupon-10', added: 2 } },
      { action: 'points.award', target: 1, reason: 'launch helper' },
    ]);
    const bob = state.members.find((m) => m.name === 'Bob')!;
    expect(state.ledger.filter((l) => l.member === bob.id && l.reason === 'post')).toHaveLength(1);
    expect(state.ledger.filter((l) => l.reason === 'referral')).toMatchObject([{ member: 1, delta: 50 }]);
    expect(mismatches(state)).toEqual([]);
  });

  it('given a manual redemption rejected twice (redelivered, then resent), then it refunds once', async () => {
    const db = tempDb();
    const reject = msg('2026-03-02T10:05:00+08:00', 'mod', '/reject 1 out of stock', { id: 'reject-1', lang: 'en' });
    const run = await runSim(db, [
      msg('2026-03-02T10:00:00+08:00', 'carol', 'hello everyone in here', { chat: 'advanced', name: 'Carol', lang: 'en' }),
      msg('2026-03-02T10:01:00+08:00', 'op', '/award @carol 600', { lang: 'en' }),
      msg('2026-03-02T10:02:00+08:00', 'carol', '/redeem tote-bag', { chat: 'advanced' }),
      reject,
      reject,
      { ...reject, id: 'reject-2', at: '2026-03-02T10:06:00+08:00' },
    ]);
    expect(run.out.filter((o) => o.user === undefined && o.chat !== 'staff').map((o) => o.text)).toEqual([
      'Gave @Carol 600 points. Balance 608.',
      "Redeemed Brand tote bag for 500 points. I've sent you a direct message asking for your recipient's name, postal address, phone number; a moderator sends it once they arrive. Balance 108. (#1)",
      'Redemption #1 for Carol rejected; 500 points refunded.',
      'Redemption #1 was already decided (rejected).',
    ]);
    expect(run.out.filter((o) => o.chat === 'staff').map((o) => o.text)).toEqual(['新兑换 #1 待寄出：Carol — 品牌帆布袋（tote-bag）×1，500 积分。寄出后 /fulfil 1，或 /reject 1 <原因>。\n已私信 Carol 索取：收件人姓名、收货地址、手机号。']);
    const state = exportState(db, CONTENT_DIR);
    expect(state.ledger.filter((l) => l.reason === 'refund')).toHaveLength(1);
    expect(state.redemptions).toMatchObject([{ sku: 'tote-bag', status: 'rejected', code: null }]);
    expect(state.members.find((m) => m.name === 'Carol')!.balance).toBe(608);
    expect(mismatches(state)).toEqual([]);
  });

  it('given a member posting and sharing all through one simulated day, then both daily caps hold and the next day pays again', async () => {
    const db = tempDb();
    const at = (h: number, m: number) => `2026-03-02T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
    const posts = Array.from({ length: 30 }, (_, i) => msg(at(8 + Math.floor(i / 2), (i % 2) * 30), 'dan', `thought ${i}: ${'abcdefghij'.slice(i % 10)} ${i * 7919}`));
    const shares = Array.from({ length: 6 }, (_, i) => msg(at(9, 15 + i), 'dan', `https://brand.example/p/${i}`));
    await runSim(db, [...posts, ...shares, msg('2026-03-03T08:00:00+08:00', 'dan', 'a brand new day of chatting'), msg('2026-03-03T08:01:00+08:00', 'dan', 'https://brand.example/p/new')]);
    const state = exportState(db, CONTENT_DIR);
    const byDay = (reason: string) => state.ledger.filter((l) => l.reason === reason).map((l) => l.at.slice(0, 10));
    expect(byDay('post')).toEqual([...Array(10).fill('2026-03-02'), '2026-03-03']);
    expect(byDay('share')).toEqual([...Array(3).fill('2026-03-02'), '2026-03-03']);
    expect(mismatches(state)).toEqual([]);
  });

  it('given the import-codes CLI, then codes are added once at the given time, a second import skips the known ones, and a non-code sku is refused in words', () => {
    const db = tempDb();
    const csv = join(dirname(db), 'codes.csv');
    writeFileSync(csv, 'X-1\nX-2\nX-3\n');
    const first = cli(['import-codes', '--db', db, '--sku', 'coupon-10', '--file', csv, '--content', CONTENT_DIR, '--at', '2026-03-01T12:00:00+08:00']);
    expect(first).toMatchObject({ status: 0, stdout: 'coupon-10: 3 codes added, 0 already in the pool\n' });
    writeFileSync(csv, 'X-3\nX-4\n');
    const second = cli(['import-codes', '--db', db, '--sku', 'coupon-10', '--file', csv, '--content', CONTENT_DIR]);
    expect(second).toMatchObject({ status: 0, stdout: 'coupon-10: 1 codes added, 1 already in the pool\n' });
    const wrong = cli(['import-codes', '--db', db, '--sku', 'tote-bag', '--file', csv, '--content', CONTENT_DIR]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toBe('tote-bag 不是兑换码类奖励。\n');
    expect(exportState(db, CONTENT_DIR).audit[0]).toMatchObject({ action: 'codes.import', at: '2026-03-01T04:00:00.000Z' });
  }, 90_000);
});

