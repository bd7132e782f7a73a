import { describe, expect, it } from 'vitest';
import type { Capability } from '../../src/core/adapter.ts';
import { adapterEnabled, readAdapterEnv, type AdapterDescriptor } from '../../src/core/adapter-env.ts';
import { decodeAction, encodeAction } from '../../src/core/action-id.ts';
import { buildCatalog } from '../../src/core/catalog.ts';
import { seg } from '../../src/core/outbound.ts';
import { answer, fitToPlatform, type AnswerTarget } from '../../src/core/private-reply.ts';
import { harness } from '../helpers/harness.ts';

const target = (caps: Capability[], over: Partial<AnswerTarget> = {}): AnswerTarget => ({
  chat: { platform: 'discord', chatId: 'c' },
  chatKind: 'group',
  replyTo: 'i1',
  surface: 'command',
  capabilities: new Set(caps),
  user: { platform: 'discord', userId: 'u' },
  name: 'Ann',
  ...over,
});
const body = [seg.text('x')];

describe('private answers', () => {
  it('given an interaction on an ephemeral platform, then an ephemeral reply', () => expect(answer(target(['ephemeral', 'dm']), body, true)).toEqual({ type: 'reply', chat: target([]).chat, replyTo: 'i1', body, private: true }));
  it('given no ephemeral but dm, then a DM falling back to the group', () =>
    expect(answer(target(['dm']), body, true)).toEqual({ type: 'dm', user: target([]).user, name: 'Ann', body, fallbackChat: target([]).chat }));
  it('given neither, then the group', () => expect(answer(target([]), body, true)).toEqual({ type: 'reply', chat: target([]).chat, replyTo: 'i1', body }));
  it('given typed text or a direct chat, then a plain reply where it was asked', () => {
    expect(answer(target(['ephemeral', 'dm'], { surface: 'text' }), body, true)).toEqual({ type: 'reply', chat: target([]).chat, replyTo: 'i1', body });
    expect(answer(target(['ephemeral', 'dm'], { chatKind: 'direct' }), body, true)).toEqual({ type: 'reply', chat: target([]).chat, replyTo: 'i1', body });
  });
  it('given a public answer, then never private', () => expect(answer(target(['ephemeral']), body, false)).not.toHaveProperty('private'));
  it('given buttons on a platform without them, then they are left out; with them, kept', () => {
    const out = { type: 'send' as const, chat: target([]).chat, body: [seg.text('a'), seg.action('Go', 'shop', '')] };
    expect(fitToPlatform(out, new Set()).body).toEqual([seg.text('a')]);
    expect(fitToPlatform(out, new Set(['buttons']))).toBe(out);
  });
});

describe('action ids', () => {
  it('given an action, then it round-trips through a custom id, and foreign ids are not ours', () => {
    expect(decodeAction(encodeAction({ command: 'flag', args: '42 recall' }))).toEqual({ command: 'flag', args: '42 recall' });
    expect(decodeAction('other:thing')).toBeUndefined();
    expect(() => encodeAction({ command: 'x', args: 'y'.repeat(120) })).toThrow(/100/);
  });
});

describe('adapter environment', () => {
  const d: AdapterDescriptor = { platform: 'discord', enabledBy: 'X_TOKEN', env: { X_TOKEN: { description: 'token', required: true, secret: true, pattern: /^t-/ }, X_PORT: { description: 'port', default: '80' } } };
  it('given the enabling variable, then the adapter is enabled and defaults apply', () => {
    expect(adapterEnabled(d, {})).toBe(false);
    expect(readAdapterEnv(d, { X_TOKEN: ' t-1 ' })).toEqual({ X_TOKEN: 't-1', X_PORT: '80' });
  });
  it('given a bad value, then the error names the variable and hides a secret', () => {
    expect(() => readAdapterEnv(d, { X_TOKEN: 'nope' })).toThrow(/X_TOKEN: the value does not match/);
  });
});

describe('the command catalog', () => {
  it('given the command table, then each locale lists every command with role, scope, privacy and typed arguments with localised choices', async () => {
    const h = await harness();
    const c = buildCatalog(h.app.commands, h.app.translator, 'zh-CN');
    const rank = c.byLocale['zh-CN'].find((e) => e.name === 'rank')!;
    expect(rank.args[0]).toMatchObject({ name: 'period', type: 'choice', required: false, choices: [{ value: 'week', label: '本周' }, { value: 'month', label: '本月' }, { value: 'all', label: '总榜' }] });
    expect(c.byLocale.en.find((e) => e.name === 'points')).toMatchObject({ role: 'member', private: true, scope: 'any' });
    expect(c.byLocale.en.find((e) => e.name === 'award')!.args.map((a) => [a.name, a.type, a.required, a.min, a.max])).toEqual([
      ['member', 'member', true, undefined, undefined],
      ['amount', 'integer', true, 1, 1_000_000],
      ['reason', 'text', false, undefined, undefined],
    ]);
    expect(c.byLocale['zh-CN'].find((e) => e.name === 'redeem')!.args[0]!.choices).toContainEqual({ value: 'streak-repair', label: '补签卡' });
    h.close();
  });
});
