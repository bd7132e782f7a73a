import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/harness.ts';

let h: Harness;
afterEach(() => h?.close());

describe('/lang', () => {
  it('given a Chinese-speaking member, when they choose English, then the confirmation is already in English', async () => {
    h = await harness();
    expect(await h.say('u1', '/lang en', { lang: 'zh-CN' })).toEqual(["I'll speak English with you."]);
    expect(await h.say('u1', '/lang zh')).toEqual(['好的，之后用中文和你交流。']);
  });

  it('given the locale tags and names members actually type, then each is accepted', async () => {
    h = await harness();
    for (const [tag, reply] of [
      ['zh-CN', '好的，之后用中文和你交流。'],
      ['en-US', "I'll speak English with you."],
      ['zh_Hans', '好的，之后用中文和你交流。'],
      ['EN', "I'll speak English with you."],
      ['中文', '好的，之后用中文和你交流。'],
      ['English', "I'll speak English with you."],
    ] as const) {
      expect(await h.say('u1', `/lang ${tag}`)).toEqual([reply]);
    }
  });

  it('given a language Hearth has no messages for, then it is refused with the choices', async () => {
    h = await harness();
    expect(await h.say('u1', '/lang fr', { lang: 'en' })).toEqual(['language must be one of: zh | en.\nUsage: /lang <zh|en>\nFor example: /lang en']);
  });
});
