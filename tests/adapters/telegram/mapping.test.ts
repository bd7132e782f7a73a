import type { ChatMember, ChatMemberUpdated, Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/logger.ts';
import { lane } from './lane.ts';
import { ALICE, BOT_INFO, DATE, GROUP, LI, message, textUpdate, user } from './updates.ts';

const BOB = user(99, 'Bob');
const SELF = user(BOT_INFO.id, 'Hearth', { is_bot: true, username: BOT_INFO.username });
const member = (u: typeof ALICE, status: 'member' | 'left' | 'kicked' | 'administrator' | 'creator'): ChatMember =>
  ({ user: u, status, ...(status === 'administrator' ? { can_be_edited: false, is_anonymous: false } : {}) }) as ChatMember;
const memberUpdate = (who: typeof ALICE, from: typeof ALICE, before: ChatMember['status'], after: ChatMember['status'], extra: Partial<ChatMemberUpdated> = {}): ChatMemberUpdated =>
  ({ chat: GROUP, from, date: DATE, old_chat_member: member(who, before as never), new_chat_member: member(who, after as never), ...extra }) as ChatMemberUpdated;

function recordingLogger() {
  const lines: { obj: Record<string, unknown>; msg?: string }[] = [];
  const log = (obj: object, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { lines, logger };
}

describe('telegram inbound mapping (handleUpdate lane)', () => {
  it('given a photo whose caption has a link, when it arrives, then it is an image event with the caption as text and the caption link', async () => {
    const l = lane();
    const caption = 'new drop https://brand.example/p/2';
    const [e] = await l.handle({
      message: message({ photo: [{ file_id: 'f', file_unique_id: 'u', width: 1, height: 1 }], caption, caption_entities: [{ type: 'url', offset: 9, length: 25 }] }),
    });
    expect(e).toMatchObject({ type: 'message', kind: 'image', text: caption, links: ['https://brand.example/p/2'], key: `telegram:${GROUP.id}:m:1` });
  });

  it.each([
    ['video', { video: { file_id: 'f', file_unique_id: 'u', width: 1, height: 1, duration: 1 } }],
    ['audio', { voice: { file_id: 'f', file_unique_id: 'u', duration: 1 } }],
    ['file', { document: { file_id: 'f', file_unique_id: 'u' } }],
    ['sticker', { sticker: { file_id: 'f', file_unique_id: 'u', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }],
    ['other', { location: { latitude: 1, longitude: 2 } }],
  ] as const)('given a message carrying %s media, then its kind says so', async (kind, fields) => {
    const [e] = await lane().handle({ message: message(fields as Partial<Message>) });
    expect(e).toMatchObject({ type: 'message', kind });
  });

  it('given a forwarded post with a text link, when it arrives, then it is a forwarded link message (a share)', async () => {
    const [e] = await lane().handle({
      message: message({
        text: 'read this',
        entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://brand.example/blog' }],
        forward_origin: { type: 'channel', chat: { id: -100777, type: 'channel', title: 'Brand news' }, message_id: 5, date: DATE },
      }),
    });
    expect(e).toMatchObject({ kind: 'link', links: ['https://brand.example/blog'], isForwarded: true });
  });

  it('given a reply that mentions a member without a username, then the reply target and the text mention are kept', async () => {
    const [e] = await lane().handle({
      message: message({
        text: 'thanks Bob and @carol',
        entities: [{ type: 'text_mention', offset: 7, length: 3, user: BOB }, { type: 'mention', offset: 15, length: 6 }],
        reply_to_message: message({ text: 'hi' }, GROUP, BOB, 7) as never,
      }),
    });
    expect(e).toMatchObject({ replyToMessageId: '7', mentions: [{ user: { platform: 'telegram', userId: '99' }, text: 'Bob', name: 'Bob' }] });
  });

  it('given /checkin@other_bot, then the event is marked as addressed to another bot; /checkin@hearth_bot and /checkin are not', async () => {
    const l = lane();
    const [other] = await l.handle(textUpdate('/checkin@other_bot'));
    const [mine] = await l.handle(textUpdate('/checkin@Hearth_Bot', { id: 2 }));
    const [plain] = await l.handle(textUpdate('/checkin', { id: 3 }));
    expect(other).toMatchObject({ addressedToOtherBot: true });
    expect(mine).not.toHaveProperty('addressedToOtherBot');
    expect(plain).not.toHaveProperty('addressedToOtherBot');
  });

  it('given a member in a private chat writing in Chinese, then the event is direct and carries the language', async () => {
    const [e] = await lane().handle(textUpdate('/points', { chat: { id: LI.id, type: 'private', first_name: LI.first_name } as never, from: LI }));
    expect(e).toMatchObject({ chatKind: 'direct', chat: { chatId: '43' }, sender: { name: '李 雷', language: 'zh-hans' } });
    expect(e).not.toHaveProperty('sender.platformRole');
  });

  it('given a new member added by someone and the same join as a chat_member update with an invite link, then both map to one key with inviter and link name', async () => {
    const l = lane();
    const [service] = await l.handle({ message: message({ new_chat_members: [BOB] } as Partial<Message>, GROUP, ALICE, 30) });
    const [update] = await l.handle({
      chat_member: memberUpdate(BOB, ALICE, 'left', 'member', {
        invite_link: { invite_link: 'https://t.me/+abc', name: 'spring-campaign', creator: ALICE, creates_join_request: false, is_primary: false, is_revoked: false },
      }),
    });
    expect(service).toMatchObject({ type: 'member.joined', member: { user: { userId: '99' } }, inviter: { platform: 'telegram', userId: '42' } });
    expect(update).toMatchObject({ type: 'member.joined', inviteCode: 'spring-campaign', inviter: { userId: '42' } });
    expect(update!.key).toBe(service!.key);
  });

  it('given members leaving (by service message, by leaving, by a ban), then each is a member.left; a promotion is no join', async () => {
    const l = lane();
    const left = await l.handle({ message: message({ left_chat_member: BOB } as Partial<Message>, GROUP, BOB, 31) });
    const quit = await l.handle({ chat_member: memberUpdate(ALICE, ALICE, 'member', 'left') });
    const banned = await l.handle({ chat_member: memberUpdate(LI, ALICE, 'member', 'kicked') });
    const promoted = await l.handle({ chat_member: memberUpdate(LI, ALICE, 'member', 'administrator') });
    expect([...left, ...quit, ...banned].map((e) => [e.type, e.type === 'member.left' && e.member.user.userId])).toEqual([
      ['member.left', '99'],
      ['member.left', '42'],
      ['member.left', '43'],
    ]);
    expect(promoted).toEqual([]);
  });

  it('given the bot is added to a group, then a bot.added event is acted by the adder; its own join message and its removal are not member events', async () => {
    const { lines, logger } = recordingLogger();
    const l = lane({ logger });
    const added = await l.handle({ my_chat_member: memberUpdate(SELF, ALICE, 'left', 'member') });
    const ownJoin = await l.handle({ message: message({ new_chat_members: [SELF] } as Partial<Message>, GROUP, ALICE, 32) });
    const removed = await l.handle({ my_chat_member: memberUpdate(SELF, ALICE, 'member', 'kicked') });
    expect(added).toMatchObject([{ type: 'bot.added', chatTitle: 'Brand fans', by: { user: { userId: '42' } } }]);
    expect(ownJoin).toEqual([]);
    expect(removed).toEqual([]);
    expect(lines.some((x) => x.obj.reason === 'bot removed from the group')).toBe(true);
  });

  it('given group admins, then senders carry their platform role, and the admin list is fetched once until a member status changes', async () => {
    const l = lane({ admins: { [String(GROUP.id)]: [member(ALICE, 'creator'), member(BOB, 'administrator')] } });
    const [a] = await l.handle(textUpdate('hi', { from: ALICE }));
    const [b] = await l.handle(textUpdate('hi', { from: BOB, id: 2 }));
    const [c] = await l.handle(textUpdate('hi', { from: LI, id: 3 }));
    expect([a, b, c].map((e) => (e?.type === 'message' ? (e.sender.platformRole ?? 'none') : e?.type))).toEqual(['owner', 'admin', 'none']);
    expect(l.calls.filter((x) => x.method === 'getChatAdministrators')).toHaveLength(1);
    await l.handle({ chat_member: memberUpdate(LI, ALICE, 'member', 'administrator') });
    await l.handle(textUpdate('hi', { from: LI, id: 4 }));
    expect(l.calls.filter((x) => x.method === 'getChatAdministrators')).toHaveLength(2);
  });

  it('given a reaction added and then taken back, then only the added one is a reaction event, keyed by message, member and emoji', async () => {
    const l = lane();
    const reaction = (before: string[], after: string[]) => ({
      message_reaction: { chat: GROUP, message_id: 8, user: BOB, date: DATE, old_reaction: before.map((emoji) => ({ type: 'emoji', emoji })), new_reaction: after.map((emoji) => ({ type: 'emoji', emoji })) },
    });
    const added = await l.handle(reaction([], ['👍']) as never);
    const removed = await l.handle(reaction(['👍'], []) as never);
    expect(added).toMatchObject([{ type: 'reaction', emoji: '👍', messageId: '8', key: `telegram:${GROUP.id}:r:8:99:👍` }]);
    expect(removed).toEqual([]);
  });

  it('given updates Hearth does not act on (a channel post, a pinned-message notice), then no event is produced and each is logged with a reason', async () => {
    const { lines, logger } = recordingLogger();
    const l = lane({ logger });
    const channel = await l.handle({ channel_post: message({ text: 'news' }, { id: -100777, type: 'channel', title: 'Brand news' }) } as never);
    const pinned = await l.handle({ message: message({ pinned_message: message({ text: 'x' }) } as Partial<Message>, GROUP, ALICE, 40) });
    expect([...channel, ...pinned]).toEqual([]);
    expect(lines.filter((x) => x.msg === 'telegram update not mapped').map((x) => x.obj.reason)).toEqual(['update type channel_post is not requested', 'service message']);
  });
});
