import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/core/errors.ts';
import { seg } from '../../../src/core/outbound.ts';
import { toAdapterError } from '../../../adapters/telegram/errors.ts';
import { renderChunks, renderHtml } from '../../../adapters/telegram/render.ts';
import { OutboundThrottle } from '../../../adapters/telegram/throttle.ts';
import { parseTelegramHtml } from './fake-bot-api.ts';
import { lane } from './lane.ts';
import { fakeTiming } from './timing.ts';

const group = { platform: 'telegram' as const, chatId: '-1001234' };
const alice = { platform: 'telegram' as const, userId: '42' };


describe('telegram outbound rendering', () => {
  it('given mentions, links and bold, when rendered, then they become Telegram HTML with every text escaped', () => {
    const html = renderHtml([seg.mention(alice, 'A<l>ice'), seg.text(' got '), seg.bold('5 & more'), seg.br(), seg.link('https://x.example/?a=1&b="2"', 'shop'), seg.text(' '), seg.link('https://y.example')]);
    expect(html).toBe('<a href="tg://user?id=42">A&lt;l&gt;ice</a> got <b>5 &amp; more</b>\n<a href="https://x.example/?a=1&amp;b=&quot;2&quot;">shop</a> https://y.example');
    expect(parseTelegramHtml(html)).toBe('A<l>ice got 5 & more\nshop https://y.example');
  });

  it('given one long text of emoji and markup characters, when chunked small, then no chunk breaks an escape, a tag or a surrogate pair', () => {
    const text = '😀<&>'.repeat(40);
    const chunks = renderChunks([seg.bold(text)], 50);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(50);
      expect(c).toMatch(/^<b>.*<\/b>$/s);
      expect(parseTelegramHtml(c)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    expect(chunks.map(parseTelegramHtml).join('')).toBe(text);
  });
});

describe('telegram outbound sending (recording transformer)', () => {
  it('given a reply, then sendMessage uses HTML, no link preview, and reply_parameters that tolerate a deleted original', async () => {
    const l = lane();
    await l.adapter.send({ type: 'reply', chat: group, replyTo: '17', body: [seg.text('ok')] });
    expect(l.calls.find((c) => c.method === 'sendMessage')?.payload).toMatchObject({
      chat_id: '-1001234',
      text: 'ok',
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      reply_parameters: { message_id: 17, allow_sending_without_reply: true },
    });
  });

  it('given a tier invite, then a one-person link that expires is created for the target group and sent to the member by DM', async () => {
    const t = fakeTiming(Date.parse('2026-03-02T09:00:00Z'));
    const l = lane({ options: { timing: t.timing, inviteTtlSeconds: 3600 } });
    await l.adapter.send({ type: 'invite', user: alice, door: { kind: 'chat', chat: { platform: 'telegram', chatId: '-100999' } }, body: [seg.text('Welcome to Core!')] });
    expect(l.calls.map((c) => c.method)).toEqual(['createChatInviteLink', 'sendMessage']);
    expect(l.calls[0]!.payload).toMatchObject({ chat_id: '-100999', member_limit: 1, expire_date: Date.parse('2026-03-02T10:00:00Z') / 1000 });
    expect(l.calls[1]!.payload).toMatchObject({ chat_id: '42', text: 'Welcome to Core!\nhttps://t.me/+lane' });
  });

  it('given a long body whose second chunk is refused, when the router sends it again, then the first chunk is not repeated', async () => {
    const l = lane();
    let refused = false;
    l.adapter.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === 'sendMessage' && !refused && l.calls.filter((c) => c.method === 'sendMessage').length === 1) {
        refused = true;
        return { ok: false, error_code: 400, description: 'Bad Request: flaky' } as never;
      }
      return prev(method, payload, signal);
    });
    const out = { type: 'send' as const, chat: group, body: [seg.text('a'.repeat(4000)), seg.br(), seg.text('b'.repeat(4000))] };
    await expect(l.adapter.send(out)).rejects.toBeInstanceOf(AdapterError);
    await l.adapter.send(out);
    const texts = l.calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text)[0]);
    expect(texts).toEqual(['a', 'b']);
  });

  it('given the command catalog, then each language gets a members list (default scope) and an admins list, plus the community language as the fallback without language; invalid names are left out', async () => {
    const l = lane();
    const entry = (name: string, description: string, role: 'member' | 'operator' | 'owner', inMenu: boolean) =>
      ({ name, description, role, inMenu, aliases: [], bare: [], scope: 'any', private: false, args: [] }) as const;
    await l.adapter.publishCatalog!({
      defaultLocale: 'zh-CN',
      byLocale: {
        'zh-CN': [entry('checkin', '每日签到', 'member', true), entry('签到', 'x', 'member', true), entry('lang', '语言', 'member', false), entry('award', '发积分', 'operator', false), entry('owneronly', 'x', 'owner', false)],
        en: [entry('checkin', 'daily check-in', 'member', true), entry('award', 'give points', 'operator', false)],
      },
    });
    const calls = l.calls.filter((c) => c.method === 'setMyCommands').map((c) => [c.payload.language_code ?? '-', (c.payload.scope as { type: string }).type, (c.payload.commands as { command: string; description: string }[]).map((x) => `${x.command}:${x.description}`).join()]);
    expect(calls).toEqual([
      ['zh', 'default', 'checkin:每日签到'],
      ['zh', 'all_chat_administrators', 'checkin:每日签到,award:发积分'],
      ['en', 'default', 'checkin:daily check-in'],
      ['en', 'all_chat_administrators', 'checkin:daily check-in,award:give points'],
      ['-', 'default', 'checkin:每日签到'],
      ['-', 'all_chat_administrators', 'checkin:每日签到,award:发积分'],
    ]);
  });

  it('given Bot API failures, then each becomes the AdapterError the router acts on', () => {
    const err = (code: number, description: string, parameters = {}) => new GrammyError('x', { ok: false, error_code: code, description, parameters }, 'sendMessage', {});
    expect(toAdapterError(err(429, 'Too Many Requests', { retry_after: 7 }))).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000 });
    expect(toAdapterError(err(403, "Forbidden: bot can't initiate conversation with a user")).code).toBe('forbidden');
    expect(toAdapterError(err(400, 'Bad Request: chat not found')).code).toBe('not_found');
    expect(toAdapterError(err(502, 'Bad Gateway')).code).toBe('network');
    expect(toAdapterError(err(400, "Bad Request: can't parse entities")).code).toBe('unknown');
    expect(toAdapterError(new HttpError('Network request failed', new Error('ECONNRESET'))).code).toBe('network');
  });
});

describe('telegram outbound throttle', () => {
  it('given 25 messages for one group at once, then 20 go out in the first minute and the rest wait, in order, never more than 20 a minute', async () => {
    const t = fakeTiming();
    const throttle = new OutboundThrottle(t.timing);
    const times: number[] = [];
    await Promise.all(Array.from({ length: 25 }, (_, i) => throttle.acquire('-100', true).then(() => (times[i] = t.at()))));
    expect(times.slice(0, 20).every((x) => x < 1000)).toBe(true);
    expect(times[20]).toBeGreaterThanOrEqual(60_000);
    for (let i = 20; i < 25; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(60_000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('given messages to 40 different members, then at most 30 go out in any second', async () => {
    const t = fakeTiming();
    const throttle = new OutboundThrottle(t.timing);
    const times = await Promise.all(Array.from({ length: 40 }, (_, i) => throttle.acquire(String(1000 + i), false).then(() => t.at())));
    expect(times.filter((x) => x < 1000)).toHaveLength(30);
    expect(Math.min(...times.filter((x) => x >= 1000))).toBe(1000);
  });
});
