import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/core/i18n.ts';
import { seg } from '../../src/core/outbound.ts';

const tr = new Translator({ en: { hi: 'Hi {who}, you have **{n}** points\nbye', plain: 'x' }, 'zh-CN': { hi: '{who} 你好，你有 **{n}** 积分\n再见', plain: 'x' } });

describe('Translator', () => {
  it('given a mention parameter, then it is inserted as a segment in the locale word order', () => {
    const body = tr.t('zh-CN', 'hi', { who: seg.mention({ platform: 'local', userId: 'u1' }, 'Ann'), n: 5 });
    expect(body[0]).toEqual({ type: 'mention', user: { platform: 'local', userId: 'u1' }, name: 'Ann' });
    expect(body).toContainEqual({ type: 'bold', text: '5' });
    expect(body).toContainEqual({ type: 'br' });
  });
  it('given an unknown key, then the key itself shows so the gap is visible', () => {
    expect(tr.text('en', 'nope')).toBe('nope');
  });
});
