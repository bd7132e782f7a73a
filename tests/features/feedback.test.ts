import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, splitText } from '../../src/features/feedback/index.ts';
import { localMessageEvent } from '../../adapters/local/local-events.ts';
import { contentWith, harness } from '../helpers/harness.ts';

const weekdays = { start: '09:00', end: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[] };
const NY = 'America/New_York';

describe('business hours', () => {
  it('given 09:00–18:00 on weekdays in New York, when a 2 h question comes on the Friday before daylight saving starts at 17:30, then it is due Monday 10:30 local (EDT)', () => {
    // 2026-03-08 is the spring-forward Sunday in New York: Friday is EST (-05:00), Monday EDT (-04:00).
    const due = addBusinessMinutes(new Date('2026-03-06T17:30:00-05:00'), 120, weekdays, NY);
    expect(due.toISOString()).toBe(new Date('2026-03-09T10:30:00-04:00').toISOString());
    expect(businessMinutesBetween(new Date('2026-03-06T17:30:00-05:00'), due, weekdays, NY)).toBe(120);
  });

  it('given a message at 20:00 on a weekday, then the clock starts at 09:00 the next morning', () => {
    expect(addBusinessMinutes(new Date('2026-03-03T20:00:00+08:00'), 0, weekdays, 'Asia/Shanghai').toISOString()).toBe(new Date('2026-03-04T09:00:00+08:00').toISOString());
  });

  it('given no business hours, then targets count around the clock', () => {
    expect(addBusinessMinutes(new Date('2026-03-07T23:00:00Z'), 120, undefined, NY).toISOString()).toBe('2026-03-08T01:00:00.000Z');
  });
});

describe('splitting long text', () => {
  it('given emoji with modifiers and joiners at a cut, then no grapheme is broken and nothing is lost', () => {
    const text = '👨‍👩‍👧'.repeat(500);
    const parts = splitText(text, 100);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(100);
      expect(p.length % '👨‍👩‍👧'.length).toBe(0);
    }
  });
});

describe('the feedback box through the dispatcher', () => {
  it('given /feedback without a kind in a group, then the text is kept, and /feedback 2 files it as a suggestion with the thanks-by-name hint', async () => {
    const h = await harness({ start: '2026-03-02T10:00:00+08:00' });
    expect(await h.say('u1', '/feedback 夜间模式会很好', { lang: 'en' })).toEqual([expect.stringContaining('Send /feedback 1 for a question or /feedback 2 for a suggestion')]);
    const filed = await h.say('u1', '/feedback 2', { lang: 'en' });
    expect(filed[0]).toContain('Your suggestion is ticket #1');
    expect(filed[0]).toContain('/mytickets 1 name');
    expect(h.app.exportState().feedback.tickets).toMatchObject([{ id: 1, kind: 'suggestion', text: '夜间模式会很好', chat: 'local:g1' }]);
    h.close();
  });

  it('given the same message delivered twice, then one ticket is filed', async () => {
    const h = await harness({ start: '2026-03-02T10:00:00+08:00' });
    const event = localMessageEvent({ user: 'u1', chat: 'g1', text: '问题 发货要多久？', id: 'same', at: h.clock.now() });
    await h.app.dispatcher.dispatch(event);
    await h.app.dispatcher.dispatch(event);
    expect(h.app.exportState().feedback.tickets).toHaveLength(1);
    h.close();
  });

  it('given a ticket over the configured maximum, then the member is told in their language and nothing is filed', async () => {
    const h = await harness({ content: contentWith((cfg) => ((cfg.feedback as Record<string, unknown>).maxLength = 100)) });
    expect(await h.say('u1', `/ask ${'a'.repeat(150)}`, { lang: 'en' })).toEqual(['That is 150 characters; the most a ticket takes is 100. Please shorten it or split it in two.']);
    expect(await h.say('u2', `问题 ${'好'.repeat(150)}`)).toEqual(['内容共 150 字，工单最多 100 字。请精简或分成两条。']);
    expect(h.app.exportState().feedback.tickets).toEqual([]);
    h.close();
  });

  it('given staff commands, then assign takes only moderators, tags and reopen work, lists filter, and tickets are never shown in a community group', async () => {
    const h = await harness({ start: '2026-03-02T10:00:00+08:00' });
    await h.say('mod', '/help', { chat: 'staff', lang: 'en' });
    await h.say('u1', '/ask where is my parcel?', { lang: 'en' });
    const s = (text: string) => h.say('mod', text, { chat: 'staff', lang: 'en' });
    expect(await h.say('mod', '/tickets', { lang: 'en' })).toEqual(["Tickets are for the staff chat or a direct chat with me, not a community group."]);
    expect(await s('/ticket 1 assign @u1')).toEqual(['u1 is not a moderator.']);
    expect(await s('/ticket 1 assign @mod')).toEqual(['Ticket #1 assigned to mod.']);
    expect(await s('/ticket 1 tag Shipping')).toEqual(['Ticket #1 tagged shipping.']);
    expect((await s('/tickets mine'))[0]).toContain('#1 question · open');
    expect(await s('/tickets overdue')).toEqual(['No overdue tickets.']);
    h.clock.set('2026-03-02T13:00:00+08:00');
    expect((await s('/tickets overdue'))[0]).toContain('⚠ overdue since 2026-03-02 12:00');
    expect(await s('/ticket 1 close')).toEqual(['Ticket #1 closed.']);
    expect(await s('/reply 1 hello')).toEqual(['Ticket #1 is closed; reopen it first (/ticket 1 reopen).']);
    expect(await s('/ticket 1 reopen')).toEqual(['Ticket #1 reopened.']);
    const card = await s('/ticket 1');
    expect(card[0]).toContain('Assigned to @mod');
    expect(card[0]).toContain('Tags: shipping');
    expect(card.join('\n')).toContain('closed');
    expect(h.app.exportState().audit.map((a) => (a as { action: string }).action).filter((a) => a.startsWith('ticket.'))).toEqual(['ticket.create', 'ticket.assign', 'ticket.tag', 'ticket.close', 'ticket.reopen']);
    h.close();
  });
});
