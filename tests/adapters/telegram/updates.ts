import type { Chat, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';
import type { NewUpdate } from './fake-bot-api.ts';

/** The bot's own account, as getMe reports it (privacy mode on). */
export const BOT_INFO: UserFromGetMe = {
  id: 777,
  is_bot: true,
  first_name: 'Hearth',
  username: 'hearth_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

/** Builders for Bot API updates as Telegram sends them, for the fake server and the handleUpdate lane. */
export const GROUP: Chat.SupergroupChat = { id: -1001234, type: 'supergroup', title: 'Brand fans' };

export function user(id: number, first: string, extra: Partial<User> = {}): User {
  return { id, is_bot: false, first_name: first, ...extra };
}

export const ALICE = user(42, 'Alice', { username: 'alice', language_code: 'en' });
export const LI = user(43, '李', { last_name: '雷', language_code: 'zh-hans' });

/** When the fixtures happened: 2026-03-02 09:00 UTC. */
export const DATE = Math.floor(Date.parse('2026-03-02T09:00:00Z') / 1000);

/** URLs, @mentions and bot commands found in `text`, as Telegram would mark them. */
export function autoEntities(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  for (const m of text.matchAll(/https?:\/\/\S+|\/\w+(?:@\w+)?|@\w+/g)) {
    const type = m[0].startsWith('/') ? 'bot_command' : m[0].startsWith('@') ? 'mention' : 'url';
    if (type === 'bot_command' && m.index !== 0) continue;
    out.push({ type, offset: m.index, length: m[0].length } as MessageEntity);
  }
  return out;
}

/** A message in a group or private chat (what `update.message` holds). */
export type ChatMessage = NonNullable<Update['message']>;

export function message(fields: Partial<Message> & { text?: string }, chat: Chat = GROUP, from: User = ALICE, id = 1): ChatMessage {
  const entities = fields.text !== undefined && fields.entities === undefined ? autoEntities(fields.text) : fields.entities;
  return { message_id: id, date: DATE, chat, from, ...fields, ...(entities && entities.length > 0 ? { entities } : {}) } as ChatMessage;
}

export function textUpdate(text: string, opts: { chat?: Chat; from?: User; id?: number; extra?: Partial<Message> } = {}): NewUpdate {
  return { message: message({ text, ...opts.extra }, opts.chat ?? GROUP, opts.from ?? ALICE, opts.id ?? 1) };
}
