import { afterEach, describe, expect, it } from 'vitest';
import { localReactionEvent } from '../../adapters/local/local-events.ts';
import { loadContent } from '../../src/config/load.ts';
import { parseNewCampaign } from '../../src/features/campaigns/index.ts';
import { ArgError } from '../../src/core/errors.ts';
import { campaignFile, contentWithCampaigns } from '../helpers/campaigns.ts';
import { harness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

const at = (day: number, time = '09:00') => new Date(`2026-03-${String(day).padStart(2, '0')}T${time}:00+08:00`);

const contest = campaignFile({
  id: 'photo-contest',
  kind: 'contest',
  title: 'Photo contest',
  start: '2026-03-02 09:00',
  end: '2026-03-04',
  targets: { groups: ['local:g1'] },
  entry: { hashtag: '#photo' },
  points: 5,
  perMember: 1,
  winners: { by: 'reactions', count: 1 },
  prize: { points: 100 },
});

describe('campaign figures and member data', () => {
  it('given the winner’s two identities are merged after the close, when the campaign is closed again, then the prize is not paid twice and the person’s export lists the entry and the win', async () => {
    h = await harness({ start: at(2).toISOString(), content: loadContent(contentWithCampaigns({ 'contest.md': contest })) });
    const app = h.app;
    await h.scheduler.advanceTo(at(2, '09:30'));
    await h.say('u1', 'hello', { chat: 'g1', name: 'Ann', lang: 'en' });
    await h.say('u1', '#photo sunrise over the harbour', { chat: 'g1', id: 'p1' });
    await h.say('u2', '#photo my cat asleep on the keyboard', { chat: 'g1', name: 'Ann (work)', lang: 'en', id: 'p2' });
    await h.say('u3', 'nice', { chat: 'g1', name: 'Cy' });
    for (const [i, u] of ['u1', 'u3'].entries()) {
      await app.dispatcher.dispatch(localReactionEvent({ chat: 'g1', user: u, id: `r${i}`, at: h.clock.now(), messageId: 'p2', emoji: '👍' }));
    }
    await h.scheduler.advanceTo(at(5, '09:00'));
    const ann = app.services.members.findByIdentity({ platform: 'local', userId: 'u1' })!;
    const work = app.services.members.findByIdentity({ platform: 'local', userId: 'u2' })!;
    const prizes = () => app.exportState().ledger.filter((l) => l.reason === 'campaign.prize');
    expect(prizes().map((l) => [l.member, l.delta])).toEqual([[work, 100]]);

    app.db.transaction(() => app.services.memberData.merge(work, ann, { at: at(5, '10:00'), key: 'test-merge', actorMemberId: null, via: 'test' }));
    const again = app.db.transaction(() => app.services.campaigns.close('photo-contest', null, at(5, '10:05')));
    expect(again).toMatchObject({ alreadyClosed: true, paidNow: 0, outs: [] });
    expect(prizes()).toHaveLength(1);
    const exported = app.services.memberData.exportMember(ann, at(5, '11:00')) as unknown as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain('my cat asleep on the keyboard');
    expect(app.services.campaigns.repo.winners('photo-contest').map((w) => w.memberId)).toEqual([ann]);

    app.services.memberData.erase(ann, { at: at(5, '12:00'), actorMemberId: null });
    expect(app.services.campaigns.repo.entries('photo-contest', 10).filter((e) => e.memberId === ann).map((e) => e.text)).toEqual(['[erased]', '[erased]']);
  });
});

const talk = campaignFile({
  id: 'weekend-talk',
  kind: 'topic',
  title: 'Weekend talk',
  start: '2026-03-04',
  end: '2026-03-05',
  targets: { groups: ['local:g1'] },
  entry: { hashtag: '#weekend' },
});

describe('campaign UGC lift', () => {
  it('given the operator and a moderator write more than members do, when the figures are read, then the UGC in the campaign and in the two days before counts members only', async () => {
    h = await harness({ start: at(2).toISOString(), content: loadContent(contentWithCampaigns({ 'talk.md': talk })) });
    const burst = async (user: string, n: number, day: number, name: string) => {
      for (let i = 0; i < n; i++) {
        h!.clock.set(at(day, `10:0${i}`));
        await h!.say(user, `${name} says hello number ${i}`, { chat: 'g1', name });
      }
    };
    // Before (the two days before the 4th: the 2nd and the 3rd): members write 2, staff 9.
    await burst('u1', 1, 2, 'Ann');
    await burst('u2', 1, 3, 'Bo');
    await burst('op', 5, 2, 'Op');
    await burst('mod', 4, 3, 'Mod');
    await h.scheduler.advanceTo(at(4, '00:30'));
    // During (the 4th and 5th): members write 3, staff 8.
    await burst('u1', 2, 4, 'Ann');
    await burst('u2', 1, 5, 'Bo');
    await burst('op', 8, 5, 'Op');
    const f = h.app.services.campaigns.figures('weekend-talk', at(5, '18:00'));
    expect(f).toMatchObject({ ugc: 3, ugcBefore: 2, ugcLift: 0.5 });
  });
});

describe('campaign figures as of a day', () => {
  it('given entries on the 4th and the 5th of a running campaign, when the figures are read as of the 4th, then only the 4th’s entry and author count', async () => {
    h = await harness({ start: at(2).toISOString(), content: loadContent(contentWithCampaigns({ 'talk.md': talk })) });
    await h.scheduler.advanceTo(at(4, '10:00'));
    await h.say('u1', '#weekend hiking by the lake', { chat: 'g1', name: 'Ann', id: 'w1' });
    h.clock.set(at(5, '10:00'));
    await h.say('u2', '#weekend baking bread at home', { chat: 'g1', name: 'Bo', id: 'w2' });
    expect(h.app.services.campaigns.figures('weekend-talk', at(4, '23:59'))).toMatchObject({ entries: 1, participants: 1 });
    expect(h.app.services.campaigns.figures('weekend-talk', at(5, '18:00'))).toMatchObject({ entries: 2, participants: 2 });
  });
});

describe('/campaign new options', () => {
  it('given options in any order, then they are read and the other words are the title; an unknown option or no entry rule is refused', () => {
    expect(parseNewCampaign('tea-time 48h #teatime points=5 Afternoon cap=2 tea winners=draw:3 prize=mug review=yes')).toEqual({
      id: 'tea-time',
      title: 'Afternoon tea',
      hours: 48,
      entry: { by: 'hashtag', tag: '#teatime' },
      points: 5,
      perMember: 2,
      winners: { by: 'draw', count: 3 },
      prize: { points: 0, reward: 'mug' },
      review: true,
    });
    expect(parseNewCampaign('weekend reply 2d Weekend plans')).toMatchObject({ id: 'weekend', entry: { by: 'reply' }, hours: 48, title: 'Weekend plans' });
    expect(() => parseNewCampaign('Tea #t title')).toThrow(ArgError);
    expect(() => parseNewCampaign('tea colour=red #t title')).toThrow(ArgError);
    expect(() => parseNewCampaign('tea title only')).toThrow(ArgError);
  });
});
