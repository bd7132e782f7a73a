import { afterEach, describe, expect, it } from 'vitest';
import { Translator } from '../../src/core/i18n.ts';
import { harness, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

describe('plural rules', () => {
  it('given a first check-in in English, then the streak reads “1 day”, and “2 days” the next day', async () => {
    h = await harness();
    const [first] = await h.say('u1', '/checkin', { lang: 'en' });
    expect(first).toContain('streak 1 day.');
    h.clock.advance(86_400_000);
    const [second] = await h.say('u1', '/checkin');
    expect(second).toContain('streak 2 days.');
  });

  it('given an ICU plural form, then one, other and an exact =0 form are chosen by the locale’s rules', () => {
    const tr = new Translator({ en: { k: 'Ended {n, plural, =0 {nothing} one {# boost} other {# boosts}}.' }, 'zh-CN': { k: '结束了 {n} 个' } });
    expect([0, 1, 2].map((n) => tr.text('en', 'k', { n }))).toEqual(['Ended nothing.', 'Ended 1 boost.', 'Ended 2 boosts.']);
    expect(tr.text('zh-CN', 'k', { n: 2 })).toBe('结束了 2 个');
  });
});

describe('/stock below zero', () => {
  it('given 20 tote bags, when an operator takes 100 away, then it is refused with the current stock and nothing changes', async () => {
    h = await harness();
    expect(await h.say('op', '/stock tote-bag -100', { lang: 'en' })).toEqual(['tote-bag has 20 in stock, so -100 would take it below zero. Nothing was changed.']);
    expect(h.app.services.shop.stockOf('tote-bag')).toBe(20);
    expect(h.app.exportState().audit).toEqual([]);
    expect(await h.say('op', '/stock tote-bag -20')).toEqual(['Stock of tote-bag is now 0.', '已兑完：品牌帆布袋（tote-bag）库存为 0，成员看到的是“已兑完”，直到补货：/stock tote-bag +数量。']);
  });
});

describe('unknown commands', () => {
  it('given an unknown /foo in a direct chat, then the member is pointed to /help; in a group the bot stays silent', async () => {
    h = await harness();
    expect(await h.say('u1', '/foo bar', { chat: null, lang: 'en' })).toEqual(["I don't know /foo. Send /help to see what you can do."]);
    expect(await h.say('u1', '/foo bar')).toEqual([]);
  });
});

