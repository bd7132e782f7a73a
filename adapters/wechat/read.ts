import type { Contact, Message, Room } from 'wechaty';
import { WECHAT_MESSAGE_TYPE, type ContactFacts, type MessageFacts, type RoomFacts } from './inbound.ts';

/** A value the puppet may fail to give (a payload it has not synced yet): undefined instead of a throw. */
async function maybe<T>(read: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** A contact as plain facts; `room` adds the contact's room alias. */
export async function readContact(c: Contact, selfId: string | undefined, room?: Room): Promise<ContactFacts> {
  const remark = await maybe(() => c.alias());
  // Puppets fill `handle` or the older `weixin` field (wechaty's weixin() prints a deprecation stack).
  const handle = c.handle() ?? c.payload?.weixin;
  const roomAlias = room ? await maybe(() => room.alias(c)) : undefined;
  return {
    id: c.id,
    name: c.name(),
    ...(remark ? { remark } : {}),
    ...(handle ? { handle } : {}),
    ...(roomAlias && roomAlias !== c.name() ? { roomAlias } : {}),
    ...(c.id === selfId ? { isSelf: true } : {}),
  };
}

export async function readRoom(room: Room): Promise<RoomFacts> {
  const topic = await maybe(() => room.topic());
  return { id: room.id, ...(topic ? { topic } : {}) };
}

/**
 * Reads what the mapping needs from a wechaty message: the puppet calls (room topic, mentions,
 * card payloads) happen here, so `mapMessage` stays pure.
 */
export async function readMessage(msg: Message, self: Contact | undefined): Promise<MessageFacts> {
  const room = msg.room();
  const talker = msg.talker();
  const type = msg.type();
  const mentions = room ? ((await maybe(() => msg.mentionList())) ?? []) : [];
  const selfRoomAlias = room && self ? await maybe(() => room.alias(self)) : undefined;
  const urlLink = type === WECHAT_MESSAGE_TYPE.Url ? await maybe(() => msg.toUrlLink()) : undefined;
  const mini = type === WECHAT_MESSAGE_TYPE.MiniProgram ? await maybe(() => msg.toMiniProgram()) : undefined;
  return {
    id: msg.id,
    type,
    text: msg.text(),
    at: msg.date(),
    ...(room ? { room: await readRoom(room) } : {}),
    talker: await readContact(talker, self?.id, room),
    self: msg.self(),
    mentions: await Promise.all(mentions.map((c) => readContact(c, self?.id, room))),
    selfNames: [self?.name() ?? '', selfRoomAlias ?? ''].filter((n) => n !== ''),
    ...(urlLink ? { urlLink: { title: urlLink.title(), url: urlLink.url() } } : {}),
    ...(mini ? { miniProgram: { ...(mini.title() ? { title: mini.title()! } : {}), ...(mini.pagePath() ? { pagePath: mini.pagePath()! } : {}), ...(mini.appid() ? { appid: mini.appid()! } : {}) } } : {}),
  };
}
