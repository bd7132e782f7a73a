import { afterEach, describe, expect, it } from 'vitest';
import { renderPlain } from '../../src/core/outbound.ts';
import { harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';
import { onPlatforms, withoutSendGaps } from '../helpers/platforms.ts';

let h: Harness;
afterEach(() => h?.close());

const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);
const SECRET_POST = 'my grandmother’s sourdough recipe uses rye flour and patience';
const TICKET = 'Where is the parcel for Flat 9 Quarry Lane';
/** Everything that would identify Zebulon: names, handles, ids, what he wrote. */
const TRACES = ['Zebulon', 'Quarry', 'zed-4417', 'zq-9031', 'sourdough', 'grandmother', 'Flat 9'];

const zed = (text: string, o: { chat?: string; platform?: 'telegram' | 'discord' } = {}) =>
  o.platform === 'discord'
    ? h.say('zq-9031', text, { platform: 'discord', name: 'ZQuarry', lang: 'en', chat: o.chat ?? null })
    : h.say('zed-4417', text, { platform: 'telegram', name: 'Zebulon Quarry', lang: 'en', chat: o.chat ?? null });

/** Every text value in every table that contains one of `needles` (case-insensitive). */
function grepDatabase(needles: readonly string[]): string[] {
  const s = h.app.db.sqlite;
  const found: string[] = [];
  for (const { name } of s.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
    for (const row of s.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value !== 'string') continue;
        const hit = needles.find((n) => value.toLowerCase().includes(n.toLowerCase()));
        if (hit) found.push(`${name}.${column}: ${hit} in ${value.slice(0, 120)}`);
      }
    }
  }
  return found;
}

const totals = () =>
  h.app.db.sqlite
    .prepare('SELECT (SELECT SUM(messages) FROM activity_days) AS messages, (SELECT SUM(checkins) FROM activity_days) AS checkins, (SELECT SUM(delta) FROM ledger) AS ledger, (SELECT COUNT(*) FROM members) AS members, (SELECT COUNT(*) FROM redemptions) AS redemptions')
    .get();

/** A linked member (Telegram + Discord) with check-ins, a paid post, a redemption, an operator's note and a ticket, beside Bob. */
async function community(): Promise<{ zedId: number; bobId: number }> {
  h = await harness({ start: at(2).toISOString(), content: withoutSendGaps() });
  await onPlatforms(h, ['telegram', 'discord']);
  h.app.db.transaction(() => h.app.services.shop.importCodes('coupon-10', ['C-1', 'C-2'], null, at(2)));
  for (let d = 2; d <= 6; d++) {
    h.clock.set(at(d));
    await zed('/checkin', { chat: 'tg-group' });
    await h.say('bob', '/checkin', { name: 'Bob', lang: 'en' });
  }
  await zed(SECRET_POST, { chat: 'tg-group' });
  await h.say('bob', 'Zebulon Quarry posted a great recipe today, thanks!', { name: 'Bob', lang: 'en' });
  await zed('/checkin', { platform: 'discord', chat: 'dc-group' });
  const [code] = await zed('/link');
  await zed(`/link ${/[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(code!)![0]}`, { platform: 'discord' });
  await zed('/link confirm', { platform: 'discord' });
  const zedId = h.app.services.members.findByIdentity({ platform: 'telegram', userId: 'zed-4417' })!;
  await h.say('op', `/award #${zedId} 100 for Zebulon's photo`, { lang: 'en' });
  await zed('/redeem coupon-10', { chat: 'tg-group' });
  await zed(`/feedback question ${TICKET}`);
  await zed('/birthday 05-17');
  await h.app.outbox.drain();
  return { zedId, bobId: h.app.services.members.findByIdentity({ platform: 'local', userId: 'bob' })! };
}

describe('/forget', () => {
  it('given a linked member with history, when they confirm /forget, then no name, identity or text of theirs is left in any table, other balances and the totals are unchanged, and it is audited without personal data', async () => {
    const { zedId, bobId } = await community();
    expect(grepDatabase(TRACES).length).toBeGreaterThan(10);
    const birthdays = () => (h.app.db.sqlite.prepare('SELECT COUNT(*) AS n FROM birthdays').get() as { n: number }).n;
    expect(birthdays()).toBe(1);
    const bobBefore = h.app.services.points.standing(bobId);
    const before = totals();

    const [prompt] = await zed('/forget');
    const code = /\/forget (\d{6})/.exec(prompt!)![1];
    expect(await zed('/forget 000000'.replace('000000', code === '000000' ? '111111' : '000000'))).toEqual(['That confirmation code is wrong. Send /forget to get a new one.']);
    expect(await zed(`/forget ${code}`)).toEqual(['Done: your personal data is erased. If you write to me again, I will see you as a new member.']);
    await h.app.outbox.drain();

    expect(grepDatabase(TRACES)).toEqual([]);
    expect(h.app.services.points.standing(bobId)).toEqual(bobBefore);
    expect(totals()).toEqual(before);
    expect(ledgerMismatches(h.app)).toEqual([]);
    expect(birthdays()).toBe(0);
    const audit = h.app.exportState().audit as { action: string; target: number; detail: unknown }[];
    expect(audit).toContainEqual(expect.objectContaining({ action: 'member.forget', target: zedId, detail: { members: 2 } }));
    expect(h.app.services.members.findByIdentity({ platform: 'discord', userId: 'zq-9031' })).toBeUndefined();

    // Idempotent: a second erasure changes nothing.
    const after = grepDatabase(['[erased]']).length;
    expect(h.app.services.memberData.erase(zedId, { at: at(7), actorMemberId: null })).toEqual({ erased: false });
    expect(grepDatabase(['[erased]']).length).toBe(after);
    expect(totals()).toEqual(before);
  });

  it('given /forget in a group, then it is refused there and nothing is erased', async () => {
    await community();
    expect(await zed('/forget', { chat: 'tg-group' })).toEqual(['That command works in a direct chat with the bot.']);
    expect(grepDatabase(['Zebulon']).length).toBeGreaterThan(0);
  });
});

describe('/mydata', () => {
  it('given a linked member, then a DM brings a readable summary and the whole copy as JSON: identities, balance, ledger, check-ins, redemptions with codes, tickets', async () => {
    await community();
    const before = h.sent.length;
    await zed('/mydata');
    const [out] = h.sent.slice(before);
    const text = renderPlain(out!.body);
    expect(text).toContain('Accounts: telegram:zed-4417 (Zebulon Quarry), discord:zq-9031 (ZQuarry)');
    expect(text).toMatch(/Check-ins: 6 · redemptions: 1/);
    expect(text).toContain('Tier: basic · birthday (month-day): 05-17');
    expect(text).toMatch(/Quiet-member flags about you: 0 \(recalls sent: 0\) · tickets: 1/);
    // The local platform cannot send files and no dashboard runs here: the member is told, and the
    // JSON follows the summary as text (Telegram sends a document; with the dashboard, a download link).
    expect(text).toContain('the dashboard is not running, so there is no download link');
    const name = 'hearth-mydata-2026-03-06.json\n';
    expect(text).toContain(name);
    const data = JSON.parse(text.slice(text.indexOf(name) + name.length));
    expect(data.sections.members.identities.map((i: { userId: string }) => i.userId).sort()).toEqual(['zed-4417', 'zq-9031']);
    expect(data.sections.points.balance).toBe(h.app.services.points.balance(data.member));
    expect(data.sections.points.ledger.map((l: { reason: string }) => l.reason)).toEqual(expect.arrayContaining(['checkin', 'merge', 'award', 'redeem']));
    // Six rows: the day both identities checked in stays on each (both were paid before the link).
    expect(data.sections.checkin).toHaveLength(6);
    expect(data.sections.shop[0]).toMatchObject({ sku: 'coupon-10', code: ['C-1'] });
    expect(data.sections.feedback.tickets[0].text).toBe(TICKET);
    // Once delivered, the outbox keeps no copy of the export.
    await h.app.outbox.drain();
    const kept = h.app.db.sqlite.prepare("SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%hearth-mydata%'").get() as { n: number };
    expect(kept.n).toBe(0);
  });
});

describe('export-member and forget-member (requests by other channels)', () => {
  it('given a simulated community on disk, then export-member prints the member and forget-member erases them once, saying so the second time', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Readable, Writable } = await import('node:stream');
    const { exportMember, forgetMember, simulate } = await import('../../src/main.ts');
    const { CONTENT_DIR } = await import('../helpers/harness.ts');
    const dbPath = join(mkdtempSync(join(tmpdir(), 'hearth-privacy-')), 'c.db');
    const lines = [
      { at: '2026-03-02T09:00:00+08:00', type: 'message', chat: 'g1', user: 'zed77', name: 'Zebulon Quarry', text: '/checkin' },
      { at: '2026-03-02T09:01:00+08:00', type: 'message', chat: 'g1', user: 'bob', name: 'Bob', text: '/checkin' },
    ];
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await simulate({ dbPath, contentDir: CONTENT_DIR, input: Readable.from(lines.map((l) => `${JSON.stringify(l)}\n`)), output: sink, errors: sink });
    const copy = exportMember({ dbPath, contentDir: CONTENT_DIR, member: 'local:zed77', at: new Date('2026-03-03T00:00:00Z') }) as { sections: { members: { profile: { name: string } } } };
    expect(copy.sections.members.profile.name).toBe('Zebulon Quarry');
    expect(forgetMember({ dbPath, contentDir: CONTENT_DIR, member: 'local:zed77' })).toEqual({ member: 1, erased: true });
    expect(forgetMember({ dbPath, contentDir: CONTENT_DIR, member: '#1' })).toEqual({ member: 1, erased: false });
    expect(() => exportMember({ dbPath, contentDir: CONTENT_DIR, member: 'local:zed77' })).toThrow(/no member/);
  });
});

describe('retention of message texts', () => {
  it('given posts on March 2 and March 8, when the daily purge runs on March 10, then the older text is blanked and the newer kept, and the near-duplicate filter still works', async () => {
    h = await harness({ start: at(2).toISOString() });
    await h.say('ann', 'the first long post about our tote bags', { name: 'Ann', lang: 'en' });
    await h.scheduler.advanceTo(at(8));
    await h.say('ann', 'another long post about the new coupons', { name: 'Ann', lang: 'en' });
    const texts = () => (h.app.db.sqlite.prepare('SELECT day, fingerprint FROM earn_posts ORDER BY id').all() as { day: string; fingerprint: string }[]).map((r) => [r.day, r.fingerprint]);
    expect(texts()).toEqual([
      ['2026-03-02', 'thefirstlongpostaboutourtotebags'],
      ['2026-03-08', 'anotherlongpostaboutthenewcoupons'],
    ]);
    await h.scheduler.advanceTo(at(10, '04:00'));
    expect(texts()).toEqual([
      ['2026-03-02', ''],
      ['2026-03-08', 'anotherlongpostaboutthenewcoupons'],
    ]);
    await h.scheduler.advanceTo(at(10, '09:00'));
    const before = h.app.services.points.balance(1);
    await h.say('ann', 'a fresh long post about rewards today', { name: 'Ann', lang: 'en' });
    h.clock.advance(120_000);
    await h.say('ann', 'a fresh long post about rewards today!', { name: 'Ann', lang: 'en' });
    expect(h.app.services.points.balance(1) - before).toBe(2);
  });
});
