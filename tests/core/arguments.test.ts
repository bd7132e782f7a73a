import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

describe('argument errors', () => {
  it('given /rank with an unknown period, then the argument is named by what it is, with its choices and an example', async () => {
    h = await harness();
    expect(await h.say('u1', '/rank year', { lang: 'en' })).toEqual([
      'period must be one of: week | month | all.\nUsage: /rank [week|month|all] [tier]\nFor example: /rank week',
    ]);
    expect(await h.say('u2', '/rank year', { lang: 'zh-CN' })).toEqual(['时段只能是：week | month | all。\n用法：/rank [week|month|all] [等级]\n例如：/rank week']);
  });

  it('given /lang with nothing after it, then the member is told the language is missing, in their language, with an example', async () => {
    h = await harness();
    expect(await h.say('u1', '/lang', { lang: 'en' })).toEqual(['Missing language.\nUsage: /lang <zh|en>\nFor example: /lang en']);
    expect(await h.say('u2', '/lang', { lang: 'zh-CN' })).toEqual(['缺少语言。\n用法：/lang <zh|en>\n例如：/lang en']);
  });

  it('given /boost 3x without a duration, then the duration is named as missing, with an example', async () => {
    h = await harness();
    expect(await h.say('op', '/boost 3x', { lang: 'en' })).toEqual(['Missing duration.\nUsage: /boost <factor> [duration] [here|all]\nFor example: /boost 2x 48h here']);
    await h.say('op', '/lang zh');
    expect(await h.say('op', '/boost 3x soon')).toEqual([
      '“soon”不是有效时长，请用小时或天（最长 31d），例如 48h 或 2d。\n用法：/boost <倍数> [时长] [here|all]\n例如：/boost 2x 48h here',
    ]);
  });
});

describe('integer arguments', () => {
  it('given a quantity past the 64-bit float range, then the command’s own limit is named, not the platform’s', async () => {
    h = await harness();
    const [reply] = await h.say('u1', '/redeem tote-bag 99999999999999999999', { lang: 'en' });
    expect(reply).toMatch(/^quantity must be at most 10\.\n/);
    const [zh] = await h.say('op', '/award @u1 99999999999999999999', { lang: 'zh-CN' });
    expect(zh).toMatch(/^数量不能大于 1000000。\n/);
  });

  it('given hexadecimal, exponent or fractional amounts, then they are refused as not whole numbers and nothing is paid', async () => {
    h = await harness();
    await h.say('u1', 'hi');
    for (const amount of ['0x10', '1e6', '10.0', '5abc']) {
      const [reply] = await h.say('op', `/award @u1 ${amount}`, { lang: 'en' });
      expect(reply).toMatch(new RegExp(`^amount must be a whole number, not “${amount.replace('.', '\\.')}”\\.\\nUsage: /award <@member> <amount> \\[reason…\\]\\nFor example: /award @alice 50$`));
    }
    expect(h.app.exportState().ledger).toEqual([]);
  });

  it('given plain and full-width decimal digits, then they are accepted', async () => {
    h = await harness();
    await h.say('u1', 'hi');
    expect(await h.say('op', '/award @u1 16', { lang: 'en' })).toEqual(['Gave @u1 16 points. Balance 16.']);
    expect(await h.say('op', '/award @u1 １０', { lang: 'en' })).toEqual(['Gave @u1 10 points. Balance 26.']);
  });
});
