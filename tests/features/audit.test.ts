import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/command.ts';
import { contentWith, harness, type Harness } from '../helpers/harness.ts';
import { TestAdapter } from '../helpers/test-adapter.ts';

let h: Harness;
afterEach(() => h?.close());

type AuditRow = { action: string; actor: number | null; target: number | null };
const rows = (): AuditRow[] => h.app.db.sqlite.prepare('SELECT action, actor_member_id AS actor, target_member_id AS target FROM audit_log ORDER BY id').all() as AuditRow[];
const tx = <T>(fn: () => T): T => h.app.db.transaction(fn);

describe('every state-changing service call writes its own audit row, whoever calls it', () => {
  it('given each service called directly with an actor (no chat, no handler), then each staff action writes one audit row naming that actor (a redemption by a member is its own row, not an audit row)', async () => {
    h = await harness({ content: contentWith((c) => ((c.earning as { share: { review: boolean } }).share.review = true)) });
    // Members 1..4 exist: 1 is the acting operator, 2..4 go quiet, 2 also shares a link for review.
    for (const u of ['op', 'q1', 'q2', 'q3']) await h.say(u, u === 'q1' ? 'https://brand.example/x' : 'hello there', { name: u });
    const op = 1;
    const s = h.app.services;
    const now = () => h.clock.now();
    const actor: Actor = { memberId: op, user: { platform: 'local', userId: 'op' }, name: 'op', role: 'operator', locale: 'en', tier: 'advanced' };
    const expected: [string, number | null][] = [];
    const expect1 = (action: string, target: number | null = null) => expected.push([action, target]);

    tx(() => s.points.adjust({ actorMemberId: op, memberId: 2, kind: 'award', amount: 1000, note: 'seed', sourceKey: 'direct:1', at: now() }));
    expect1('points.award', 2);
    tx(() => s.points.adjust({ actorMemberId: op, memberId: 1, kind: 'award', amount: 1000, note: null, sourceKey: 'direct:2', at: now() }));
    expect1('points.award', 1);
    tx(() => s.points.adjust({ actorMemberId: op, memberId: 2, kind: 'deduct', amount: 10, note: 'typo', sourceKey: 'direct:3', at: now() }));
    expect1('points.deduct', 2);
    tx(() => s.members.setRole(1, 'moderator', op, now()));
    expect1('role.set', 1);
    tx(() => s.groups.bind('local:g1', 'advanced', op, now()));
    expect1('group.bind');
    const post = s.content.pack.posts[0]!;
    tx(() => s.content.setPaused(post.id, true, op, now()));
    expect1('content.pause');
    tx(() => s.content.setPaused(post.id, false, op, now()));
    expect1('content.resume');
    tx(() => s.content.sendNow(post, op, now()));
    expect1('content.send');
    s.content.reload(op, now());
    expect1('content.reload');
    tx(() => s.earning.reviewClaim(1, true, op, now()));
    expect1('share.approve', 2);
    tx(() => s.earning.startBoost(2, 24, null, op, now()));
    expect1('boost.start');
    tx(() => s.earning.endBoosts(null, op, now()));
    expect1('boost.end');
    tx(() => s.shop.adjustStock('tote-bag', 5, op, now()));
    expect1('stock.adjust');
    tx(() => s.shop.importCodes('coupon-10', ['A1', 'A2'], op, now()));
    expect1('codes.import');
    const bag = tx(() => s.shop.redeem({ actor, sku: 'tote-bag', qty: 1, chatKey: 'local:g1', timeZone: 'Asia/Shanghai', at: now(), eventKey: 'direct:r1' }));
    tx(() => s.shop.fulfil(bag.id, op, now()));
    expect1('redemption.fulfil', op);
    const second = tx(() => s.shop.redeem({ actor, sku: 'coupon-10', qty: 1, chatKey: 'local:g1', timeZone: 'Asia/Shanghai', at: now(), eventKey: 'direct:r2' }));
    expect(second.codes).toEqual(['A1']);
    h.clock.advance(10 * 86_400_000);
    tx(() => s.quiet.scan(now()));
    const mod = { memberId: op, locale: 'en' as const };
    tx(() => s.quiet.recall(1, mod, now()));
    expect1('flag.recall', s.quiet.get(1)!.memberId);
    tx(() => s.quiet.snooze(2, mod, 3, now()));
    expect1('flag.snooze', s.quiet.get(2)!.memberId);
    tx(() => s.quiet.dismiss(3, mod, 'on holiday', now()));
    expect1('flag.dismiss', s.quiet.get(3)!.memberId);

    expect(rows()).toEqual(expected.map(([action, target]) => ({ action, actor: op, target })));
  });

  it('given a manual redemption rejected directly, then the refund and its audit row are written by the service', async () => {
    h = await harness();
    await h.say('op', 'hi');
    const s = h.app.services;
    const actor: Actor = { memberId: 1, user: { platform: 'local', userId: 'op' }, name: 'op', role: 'operator', locale: 'en', tier: 'advanced' };
    tx(() => s.points.adjust({ actorMemberId: null, memberId: 1, kind: 'award', amount: 600, note: null, sourceKey: 'cli:1', at: h.clock.now() }));
    const r = tx(() => s.shop.redeem({ actor, sku: 'tote-bag', qty: 1, chatKey: 'local:g1', timeZone: 'Asia/Shanghai', at: h.clock.now(), eventKey: 'x' }));
    tx(() => s.shop.reject(r.id, 1, h.clock.now(), 'out of bags'));
    expect(rows().map((x) => [x.action, x.actor])).toEqual([
      ['points.award', null],
      ['redemption.reject', 1],
    ]);
    expect(s.points.standing(1).balance).toBe(600);
  });

  it('given the same award from a chat command, a button and a direct call, then each surface leaves the same audit row', async () => {
    h = await harness({ content: contentWith((c) => ((c.roles as Record<string, unknown>).operators = ['local:op', 'discord:op'])) });
    const d = new TestAdapter('discord', new Set(['interactions', 'buttons', 'ephemeral']));
    h.app.router.register(d);
    await d.start(h.app.dispatcher.sink);
    await h.say('u2', 'hi');
    await h.say('op', '/award @u2 5 chat');
    await d.deliver(d.message({ user: 'op', chat: 'c1', text: 'hi', at: h.clock.now() }));
    await d.deliver(d.action({ user: 'op', chat: 'c1', actionId: 'award', value: '#1 5 button', at: h.clock.now() }));
    tx(() => h.app.services.points.adjust({ actorMemberId: 2, memberId: 1, kind: 'award', amount: 5, note: 'direct', sourceKey: 'dashboard:1', at: h.clock.now() }));
    const audit = h.app.exportState().audit as { action: string; actor: number; target: number; reason: string }[];
    expect(audit.map(({ action, actor, target, reason }) => ({ action, actor, target, reason }))).toEqual([
      { action: 'points.award', actor: 2, target: 1, reason: 'chat' },
      { action: 'points.award', actor: 3, target: 1, reason: 'button' },
      { action: 'points.award', actor: 2, target: 1, reason: 'direct' },
    ]);
    expect(h.app.services.points.standing(1).balance).toBe(15);
  });

  it('given a member pressing an operator-only award button, then nothing is paid and nothing is audited', async () => {
    h = await harness();
    const d = new TestAdapter('discord', new Set(['interactions', 'buttons', 'ephemeral']));
    h.app.router.register(d);
    await d.start(h.app.dispatcher.sink);
    await d.deliver(d.action({ user: 'cheat', chat: 'c1', actionId: 'award', value: '#1 1000', at: h.clock.now() }));
    expect(rows()).toEqual([]);
    expect(h.app.exportState().ledger).toEqual([]);
  });
});
