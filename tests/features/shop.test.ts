import { afterEach, describe, expect, it, vi } from 'vitest';
import { localMessageEvent } from '../../adapters/local/local-events.ts';
import type { Content } from '../../src/config/load.ts';
import { rewardsSchema } from '../../src/config/schema.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import { parseCodesCsv, ShopService } from '../../src/features/shop/index.ts';
import { contentWith, harness, ledgerMismatches, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => {
  vi.restoreAllMocks();
  h?.close();
});

const DAY = 86_400_000;

/** The shipped content with a test catalogue. */
function shopContent(rewards: unknown[], lowStock = 3): Content {
  return { ...contentWith(), rewards: rewardsSchema.parse({ lowStock, rewards }) };
}

const mug = { sku: 'mug', name: { 'zh-CN': '马克杯', en: 'Mug' }, cost: 50, stock: 1, kind: 'manual' };
const coupon = { sku: 'coupon', name: 'Coupon', cost: 20, kind: 'code', limit: { count: 2, period: 'week' } };

/** Gives a member points through the operator's audited /award. */
async function fund(user: string, amount: number, name = user): Promise<void> {
  await h.say(user, 'hi', { name, lang: 'en' });
  await h.say('op', `/award @${user} ${amount}`);
}

function state() {
  return h.app.exportState();
}

function stock(sku: string): number | null {
  return h.app.services.shop.stockOf(sku);
}

describe('redemption', () => {
  it('given two members racing for the last item, then exactly one gets it, the other is told it is out of stock, and the books agree', async () => {
    h = await harness({ content: shopContent([mug]) });
    await fund('a', 100, 'Ann');
    await fund('b', 100, 'Bo');
    const before = h.sent.length;
    await Promise.all([
      h.app.dispatcher.dispatch(localMessageEvent({ user: 'a', chat: 'g1', text: '/redeem mug', id: 'ra', at: h.clock.now() })),
      h.app.dispatcher.dispatch(localMessageEvent({ user: 'b', chat: 'g1', text: '/redeem mug', id: 'rb', at: h.clock.now() })),
    ]);
    const replies = h.sent.slice(before).map((o) => renderPlain(o.body));
    expect(replies.filter((r) => r.startsWith('Redeemed Mug for 50 points'))).toHaveLength(1);
    expect(replies.filter((r) => r === 'Sorry, mug is out of stock.')).toHaveLength(1);
    expect(stock('mug')).toBe(0);
    const s = state();
    expect(s.redemptions).toHaveLength(1);
    expect(s.ledger.filter((l) => l.reason === 'redeem')).toHaveLength(1);
    expect(s.members.map((m) => m.balance).sort((x, y) => x - y)).toEqual([0, 50, 100]);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given an error thrown in the middle of a redemption, then stock, balance, ledger and redemptions are unchanged', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]) });
    await fund('a', 100);
    const { points } = h.app.services;
    const spend = points.spend.bind(points);
    vi.spyOn(points, 'spend').mockImplementation((entry) => {
      spend(entry);
      throw new Error('disk on fire');
    });
    const [reply] = await h.say('a', '/redeem mug');
    expect(reply).toBe('Sorry, something went wrong. The team has been told; please try again later.');
    expect(stock('mug')).toBe(5);
    expect(points.standing(1).balance).toBe(100);
    expect(state().ledger.map((l) => l.reason)).toEqual(['award']);
    expect(state().redemptions).toEqual([]);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given too few points, then the member is told and nothing changes', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]) });
    await fund('a', 30);
    const [reply] = await h.say('a', '/redeem mug');
    expect(reply).toBe('Not enough points: that needs 50, and the balance is 30.');
    expect(stock('mug')).toBe(5);
    expect(state().redemptions).toEqual([]);
  });

  it('given a per-member limit per week, then the third redemption that week is refused and the next week is open again', async () => {
    h = await harness({ content: shopContent([coupon]) });
    h.app.services.shop.importCodes('coupon', ['C1', 'C2', 'C3', 'C4'], null, h.clock.now());
    await fund('a', 200);
    await h.say('a', '/redeem coupon 2');
    const [third] = await h.say('a', '/redeem coupon');
    expect(third).toBe('You can redeem that 2 times a week, and you already have 2.');
    h.clock.advance(7 * DAY);
    const next = await h.say('a', '/redeem coupon');
    expect(next.filter((r) => r.startsWith('Redeemed Coupon for 20 points'))).toHaveLength(1);
  });

  it('given a code reward, then the code goes by DM only, never to the group, and /codes shows it again in a direct chat', async () => {
    h = await harness({ content: shopContent([coupon]) });
    const added = h.app.services.shop.importCodes('coupon', parseCodesCsv('code\nSPRING-1\n"SPRING-2",x\nSPRING-1\n'), null, h.clock.now());
    expect(added).toMatchObject({ added: 2, skipped: 0 });
    await fund('a', 100);
    const before = h.sent.length;
    await h.say('a', '/redeem coupon');
    const out = h.sent.slice(before);
    expect(out.filter((o) => o.type !== 'dm').map((o) => renderPlain(o.body)).join()).not.toContain('SPRING');
    const dm = out.find((o) => o.type === 'dm')!;
    expect(dm).toMatchObject({ user: { userId: 'a' } });
    expect(dm).not.toHaveProperty('fallbackChat');
    expect(renderPlain(dm.body)).toContain('SPRING-1');
    const [codes] = await h.say('a', '/codes', { chat: null });
    expect(codes).toBe('Your codes\ncoupon: SPRING-1');
    await h.say('a', '/redeem coupon');
    const [none] = await h.say('a', '/redeem coupon');
    expect(none).toBe('You can redeem that 2 times a week, and you already have 2.');
    expect(state().redemptions.map((r) => [r.sku, r.status, r.code])).toEqual([
      ['coupon', 'fulfilled', 'SPRING-1'],
      ['coupon', 'fulfilled', 'SPRING-2'],
    ]);
    expect(stock('coupon')).toBe(0);
  });

  it('given a code pool that runs dry, then the member is told it is out of stock and keeps their points', async () => {
    h = await harness({ content: shopContent([{ ...coupon, limit: undefined }]) });
    h.app.services.shop.importCodes('coupon', ['ONLY'], null, h.clock.now());
    await fund('a', 100);
    await fund('b', 100);
    await h.say('a', '/redeem coupon');
    const [reply] = await h.say('b', '/redeem coupon');
    expect(reply).toBe('Sorry, coupon is out of stock.');
    expect(h.app.services.points.standing(3).balance).toBe(100);
  });

  it('given a reward for a higher tier, then a basic member does not see it and cannot redeem it', async () => {
    h = await harness({ content: shopContent([coupon, { ...mug, sku: 'bag', name: 'Bag', minTier: 'advanced', stock: 3 }]) });
    await fund('a', 100);
    const [shop] = await h.say('a', '/shop');
    expect(shop).toBe('Reward shop — your balance: 100\n• Coupon (coupon) — 20 points, sold out\n✓ = you can afford it. Redeem with /redeem <sku>.');
    const [refused] = await h.say('a', '/redeem bag');
    expect(refused).toBe('That reward is for Advanced members and above.');
    await h.say('op', '/tier @a advanced', { chat: 'staff' });
    const [ok] = await h.say('a', '/redeem bag');
    expect(ok).toMatch(/^Redeemed Bag for 50 points\. A moderator will confirm/);
  });
});

describe('manual approval', () => {
  it('given a rejected manual redemption, then it refunds exactly once, whether the command is redelivered or sent again', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 4 }]) });
    await fund('a', 100, 'Ann');
    await h.say('a', '/redeem mug');
    expect(stock('mug')).toBe(3);
    const [pending] = await h.say('mod', '/redemptions', { lang: 'en' });
    expect(pending).toMatch(/^Redemptions waiting\n#1 Ann: mug ×1 \(2026-03-0\d\)$/);
    const reject = localMessageEvent({ user: 'mod', chat: 'g1', text: '/reject 1 sold out in your size', id: 'rej-1', at: h.clock.now() });
    expect(await h.app.dispatcher.dispatch(reject)).toBe('handled');
    expect(await h.app.dispatcher.dispatch(reject)).toBe('duplicate');
    const [again] = await h.say('mod', '/reject 1 sold out');
    expect(again).toBe('Redemption #1 was already decided (rejected).');
    const [fulfil] = await h.say('mod', '/fulfil 1');
    expect(fulfil).toBe('Redemption #1 was already decided (rejected).');
    await h.say('mod', '/lang zh');
    expect(await h.say('mod', '/fulfil 1')).toEqual(['兑换 #1 已处理过（已拒绝）。']);
    const s = state();
    expect(s.ledger.filter((l) => l.reason === 'refund').map((l) => [l.member, l.delta])).toEqual([[1, 50]]);
    expect(h.app.services.points.standing(1)).toMatchObject({ balance: 100, lifetime: 100 });
    expect(stock('mug')).toBe(4);
    expect(s.redemptions).toMatchObject([{ id: 1, member: 1, sku: 'mug', status: 'rejected', code: null, reason: 'sold out in your size' }]);
    expect(s.audit.filter((a) => (a as { action: string }).action === 'redemption.reject')).toHaveLength(1);
    expect(h.sent.filter((o) => o.type === 'dm' && renderPlain(o.body).includes('was declined'))).toHaveLength(1);
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given a pending redemption, when a moderator fulfils it, then the member is told and the action is audited', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 4 }]) });
    await fund('a', 100, 'Ann');
    await h.say('a', '/redeem mug');
    const [done] = await h.say('mod', '/fulfil 1', { lang: 'en' });
    expect(done).toBe('Redemption #1 (mug) for Ann marked as sent.');
    expect(state().redemptions).toMatchObject([{ status: 'fulfilled' }]);
    expect(state().audit).toMatchObject([{ action: 'points.award' }, { action: 'redemption.fulfil', target: 1 }]);
    const [member] = await h.say('a', '/fulfil 1');
    expect(member).toBe('That command is for moderators only.');
  });
});

describe('stock and alerts', () => {
  it('given /stock +N and -N, then stock moves, a change below zero is refused, and each change is audited', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 2 }]) });
    const [up] = await h.say('op', '/stock mug +10', { lang: 'en' });
    expect(up).toBe('Stock of mug is now 12.');
    const [below] = await h.say('op', '/stock mug -50');
    expect(below).toBe('mug has 12 in stock, so -50 would take it below zero. Nothing was changed.');
    const [down] = await h.say('op', '/stock mug -12');
    expect(down).toBe('Stock of mug is now 0.');
    const [bad] = await h.say('op', '/stock mug lots');
    expect(bad).toBe('“lots” is not a stock change — use +N or -N.');
    expect(state().audit).toMatchObject([
      { action: 'stock.adjust', detail: { sku: 'mug', delta: 10, stock: 12 } },
      { action: 'stock.adjust', detail: { sku: 'mug', delta: -12, stock: 0 } },
    ]);
  });

  it('given a restart with rewards.yaml changed, then counts stay in the database but a switch to or from unlimited takes effect', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 2 }]) });
    await h.say('op', '/stock mug +5');
    const restart = (rewards: unknown[]) =>
      new ShopService({ ...h.app.services, db: h.app.db, catalogue: rewardsSchema.parse({ rewards }), checkins: h.app.services.checkins, translator: h.app.translator, staffLocale: 'en' });
    expect(restart([{ ...mug, stock: 100 }]).stockOf('mug')).toBe(7);
    expect(restart([{ ...mug, stock: undefined }]).stockOf('mug')).toBeNull();
    expect(restart([{ ...mug, stock: 3 }]).stockOf('mug')).toBe(3);
  });

  it('given stock falling through the low-stock line and then to zero, then staff are alerted once at the line and once at zero, not on every sale', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 4, cost: 10 }], 2) });
    await fund('a', 100);
    const before = h.sent.length;
    for (let i = 0; i < 5; i++) await h.say('a', '/redeem mug');
    expect(stockAlerts(before)).toEqual(['库存告急：马克杯（mug）只剩 2 件（提醒线 2）。补货：/stock mug +数量。', '已兑完：马克杯（mug）库存为 0，成员看到的是“已兑完”，直到补货：/stock mug +数量。']);
  });

  it('given a sold-out reward restocked above the line and sold down again, then each new crossing is announced again', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 1, cost: 10 }], 1) });
    await fund('a', 100);
    const before = h.sent.length;
    await h.say('a', '/redeem mug');
    await h.say('op', '/stock mug +3');
    for (let i = 0; i < 3; i++) await h.say('a', '/redeem mug');
    expect(stockAlerts(before).map((t) => t.slice(0, 4))).toEqual(['已兑完：', '库存告急', '已兑完：']);
  });

  it('given a stock jump straight from above the line to zero by /stock, then one sold-out alert and no low-stock alert', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 10 }], 3) });
    const before = h.sent.length;
    await h.say('op', '/stock mug -10');
    expect(staffAlerts(before).map((t) => t.slice(0, 4))).toEqual(['已兑完：']);
  });

  it('given an import of fewer codes than the low-stock line, then staff are told the pool is low at once, and the sale that empties it says sold out', async () => {
    h = await harness({ content: shopContent([{ ...coupon, limit: undefined }], 3) });
    const before = h.sent.length;
    const imported = h.app.db.transaction(() => h.app.services.shop.importCodes('coupon', ['A', 'B'], null, h.clock.now()));
    expect(imported).toMatchObject({ added: 2, skipped: 0, stock: 2 });
    expect(imported.alerts.map((o) => renderPlain(o.body))).toEqual(['库存告急：Coupon（coupon）只剩 2 个兑换码（提醒线 3）。用 import-codes --sku coupon 导入更多。']);
    await fund('a', 100);
    await h.say('a', '/redeem coupon');
    await h.say('a', '/redeem coupon');
    expect(staffAlerts(before)).toEqual(['已兑完：Coupon（coupon）的兑换码已用完，成员看到的是“已兑完”，直到用 import-codes --sku coupon 导入更多。']);
  });

  it('given a rejected redemption that lifts stock back above the line, then the next fall to the line is announced again', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 2, cost: 10 }], 1) });
    await fund('a', 100);
    const before = h.sent.length;
    await h.say('a', '/redeem mug');
    await h.say('mod', '/reject 1 broken');
    await h.say('a', '/redeem mug');
    expect(stockAlerts(before).map((t) => t.slice(0, 4))).toEqual(['库存告急', '库存告急']);
  });
});

/** The staff chat's stock alerts since `from` (not the announcements of new redemptions). */
function stockAlerts(from: number): string[] {
  return staffAlerts(from).filter((t) => !t.startsWith('新兑换'));
}

/** What the staff chat was told since `from`, as text. */
function staffAlerts(from: number): string[] {
  return h.sent.slice(from).flatMap((o) => (o.type === 'send' && o.chat.chatId === 'staff' ? [renderPlain(o.body)] : []));
}

describe('the shipped starter catalogue', () => {
  it('given the shipped rewards and no codes imported, when a basic member with 100 points opens /shop, then a reward is affordable and in stock, and redeeming it works', async () => {
    h = await harness();
    await fund('a', 100);
    const [shop] = await h.say('a', '/shop');
    const affordable = shop!.split('\n').filter((l) => l.endsWith('✓'));
    expect(affordable.length).toBeGreaterThan(0);
    const sku = /\(([a-z0-9-]+)\)/.exec(affordable[0]!)![1]!;
    const [reply] = await h.say('a', `/redeem ${sku}`);
    expect(reply).toMatch(/^Redeemed /);
    expect(state().redemptions).toMatchObject([{ sku, member: 1 }]);
  });

  it('given a code reward with an empty pool, then members see it sold out and operators are told the pool is empty and how to fill it', async () => {
    h = await harness({ content: shopContent([coupon]) });
    await fund('a', 100);
    const [member] = await h.say('a', '/shop');
    expect(member).toContain('• Coupon (coupon) — 20 points, sold out');
    expect(member).not.toContain('pool');
    const [operator] = await h.say('op', '/shop', { lang: 'en' });
    expect(operator).toContain('• Coupon (coupon) — 20 points — code pool empty, so members see it as sold out. Import codes with import-codes --sku coupon.');
    h.app.services.shop.importCodes('coupon', ['X'], null, h.clock.now());
    const [filled] = await h.say('op', '/shop', { lang: 'en' });
    expect(filled).toContain('• Coupon (coupon) — 20 points, left: 1');
  });
});

describe('manual redemptions: staff announcement and shipping details', () => {
  const bag = { sku: 'bag', name: { 'zh-CN': '帆布袋', en: 'Tote bag' }, cost: 50, stock: 10, kind: 'manual', collect: ['name', 'address', 'phone'] };

  it('given a manual reward that collects an address, when a member redeems it, then the staff chat is told and the member is asked by DM, never in the group', async () => {
    h = await harness({ content: shopContent([bag]) });
    await fund('a', 100, 'Ann');
    const before = h.sent.length;
    const [reply] = await h.say('a', '/redeem bag');
    expect(reply).toBe("Redeemed Tote bag for 50 points. I've sent you a direct message asking for your recipient's name, postal address, phone number; a moderator sends it once they arrive. Balance 50. (#1)");
    const out = h.sent.slice(before);
    const dm = out.find((o) => o.type === 'dm');
    expect(dm).toMatchObject({ user: { userId: 'a' } });
    expect(dm).not.toHaveProperty('fallbackChat');
    expect(renderPlain(dm!.body)).toBe(
      "To send your Tote bag (#1) we need your recipient's name, postal address, phone number. Reply here with /ship 1 followed by them, e.g. /ship 1 Ann Lee, 1 Main St, Springfield, 555-0100",
    );
    expect(staffAlerts(before)).toEqual(['新兑换 #1 待寄出：Ann — 帆布袋（bag）×1，50 积分。寄出后 /fulfil 1，或 /reject 1 <原因>。\n已私信 Ann 索取：收件人姓名、收货地址、手机号。']);
  });

  it('given the member answers with /ship in a DM, then the details are stored, audited, shown to moderators and sent to the staff chat; another member cannot set them', async () => {
    h = await harness({ content: shopContent([bag]) });
    await fund('a', 100, 'Ann');
    await fund('b', 100, 'Bo');
    await h.say('a', '/redeem bag');
    const [waiting] = await h.say('mod', '/redemptions', { lang: 'en' });
    expect(waiting).toBe("Redemptions waiting\n#1 Ann: bag ×1 (2026-03-02)\n   waiting for the member's recipient's name, postal address, phone number");
    expect(await h.say('b', '/ship 1 Bo, somewhere', { chat: null })).toEqual(['There is no redemption #1.']);
    const before = h.sent.length;
    const [saved] = await h.say('a', '/ship 1 Ann Lee, 1 Main St, Springfield, 555-0100', { chat: null });
    expect(saved).toBe('Thanks — your details for #1 (bag) are saved, and a moderator will send it soon. To correct them, send /ship 1 again.');
    expect(staffAlerts(before)).toEqual(['#1 的收货信息（Ann，帆布袋 ×1）：Ann Lee, 1 Main St, Springfield, 555-0100 — 寄出后 /fulfil 1。']);
    const [listed] = await h.say('mod', '/redemptions');
    expect(listed).toBe('Redemptions waiting\n#1 Ann: bag ×1 (2026-03-02)\n   details: Ann Lee, 1 Main St, Springfield, 555-0100');
    expect(state().audit).toContainEqual(expect.objectContaining({ action: 'redemption.details', detail: { redemption: 1, sku: 'bag' } }));
    await h.say('mod', '/fulfil 1');
    expect(await h.say('a', '/ship 1 new address', { chat: null })).toEqual(['Redemption #1 was already decided (sent).']);
  });

  it('given a manual reward that collects nothing, then the staff chat is still told, and no DM asks for details', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]) });
    await fund('a', 100, 'Ann');
    const before = h.sent.length;
    await h.say('a', '/redeem mug');
    expect(h.sent.slice(before).filter((o) => o.type === 'dm')).toEqual([]);
    expect(staffAlerts(before)).toEqual(['新兑换 #1 待寄出：Ann — 马克杯（mug）×1，50 积分。寄出后 /fulfil 1，或 /reject 1 <原因>。']);
    expect(await h.say('a', '/ship 1 somewhere', { chat: null })).toEqual(['Redemption #1 needs no shipping details.']);
  });
});

describe('make-up card', () => {
  const card = { sku: 'repair', name: 'Make-up card', cost: 30, kind: 'streak-repair' };

  it('given a missed yesterday, when the card is redeemed, then the streak carries on; a second card that week is refused', async () => {
    h = await harness({ content: shopContent([card]) });
    await h.say('u1', '/checkin', { lang: 'en' });
    h.clock.advance(DAY);
    await h.say('u1', '/checkin');
    await h.say('op', '/award @u1 100');
    h.clock.advance(2 * DAY);
    const [used] = await h.say('u1', '/redeem repair');
    expect(used).toMatch(/^Make-up card used: yesterday's check-in is restored/);
    const [checkin] = await h.say('u1', '/checkin');
    expect(checkin).toContain('streak 4 days');
    h.clock.advance(2 * DAY); // Saturday: Friday missed, same week as the first card
    const [second] = await h.say('u1', '/redeem repair');
    expect(second).toBe('You can use one make-up card a week; this week\'s is used.');
    expect(ledgerMismatches(h.app)).toEqual([]);
  });

  it('given nothing to restore, then the card is refused and costs nothing', async () => {
    h = await harness({ content: shopContent([card]) });
    await h.say('u1', '/checkin', { lang: 'en' });
    await h.say('op', '/award @u1 100');
    const [reply] = await h.say('u1', '/redeem repair');
    expect(reply).toMatch(/^There is no missed check-in to restore/);
    expect(h.app.services.points.standing(1).balance).toBe(110);
  });
});

describe('history, boards and audit', () => {
  it('given some earning and spending, then /history lists the latest rows with their reasons', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]) });
    await h.say('a', '/checkin', { lang: 'en' });
    await h.say('op', '/award @a 100');
    await h.say('a', '/redeem mug');
    const [shop] = await h.say('a', '/shop');
    expect(shop).toBe('Reward shop — your balance: 60\n• Mug (mug) — 50 points, left: 4 ✓\n✓ = you can afford it. Redeem with /redeem <sku>.');
    const [history] = await h.say('a', '/history');
    expect(history).toBe('Your latest points (balance 60)\n2026-03-02  -50  redemption\n2026-03-02  +100  award\n2026-03-02  +10  check-in');
  });

  it('given members in different tiers, then boards filter by period and tier, and spends do not count', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]), start: '2026-03-10T09:00:00+08:00' });
    await h.say('a', '/checkin', { name: 'Ann', lang: 'en' });
    await h.say('b', '/checkin', { name: 'Bo', chat: 'core' });
    h.clock.set('2026-04-01T09:00:00+08:00');
    await h.say('a', '/checkin');
    await h.say('op', '/award @a 100');
    await h.say('a', '/redeem mug');
    const [month] = await h.say('a', '/rank month');
    expect(month).toBe('This month\n1. Ann — 110');
    const [all] = await h.say('a', '/rank all core');
    expect(all).toBe('All time — Core\n1. Bo — 15');
    const [bad] = await h.say('a', '/rank week gold');
    expect(bad).toContain('gold');
  });

  it('given operator actions, then /audit lists them newest first, and members cannot read it', async () => {
    h = await harness({ content: shopContent([{ ...mug, stock: 5 }]) });
    await h.say('a', 'hi', { name: 'Ann' });
    await h.say('op', '/award @a 7 welcome', { name: 'Op', lang: 'en' });
    await h.say('op', '/stock mug +1');
    const [audit] = await h.say('op', '/audit');
    expect(audit!.split('\n')).toEqual([
      'Latest audited actions',
      '2026-03-02 09:00 Op: stock.adjust  {"sku":"mug","delta":1,"stock":6} ',
      '2026-03-02 09:00 Op: points.award Ann {"amount":7} welcome',
    ]);
    const [member] = await h.say('a', '/audit', { lang: 'en' });
    expect(member).toBe('That command is for operators only.');
  });
});

describe('/history', () => {
  it('given a comeback bonus in the ledger, then /history names the reason in the member’s language, never the raw reason', async () => {
    h = await harness();
    await h.say('u1', '/checkin', { lang: 'zh-CN' });
    h.app.db.transaction(() => h.app.services.points.credit({ memberId: 1, delta: 30, reason: 'comeback', sourceKey: 'flag:1', at: h.clock.now() }));
    const [zh] = await h.say('u1', '/history');
    expect(zh).toContain('+30  回归奖励');
    await h.say('u1', '/lang en');
    const [en] = await h.say('u1', '/history');
    expect(en).toContain('+30  comeback bonus');
    expect(en).not.toMatch(/\bcomeback$/m);
  });
});
