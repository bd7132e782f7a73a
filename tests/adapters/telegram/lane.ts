import type { Transformer } from 'grammy';
import type { ChatMember, Update } from 'grammy/types';
import type { InboundEvent } from '../../../src/core/events.ts';
import { silentLogger, type Logger } from '../../../src/core/logger.ts';
import { TelegramAdapter, type TelegramAdapterOptions } from '../../../adapters/telegram/index.ts';
import type { NewUpdate } from './fake-bot-api.ts';
import { BOT_INFO } from './updates.ts';


export interface LaneCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

/**
 * The fast lane: no server at all. A recording API transformer answers every call in-process
 * (admins from `admins`), and updates go straight into `bot.handleUpdate`.
 */
export function lane(opts: { admins?: Record<string, ChatMember[]>; logger?: Logger; options?: Partial<TelegramAdapterOptions> } = {}) {
  const calls: LaneCall[] = [];
  const events: InboundEvent[] = [];
  let messageId = 9000;
  const record: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    calls.push({ method, payload: p });
    let result: unknown = true;
    if (method === 'getChatAdministrators') result = opts.admins?.[String(p.chat_id)] ?? [];
    if (method === 'sendMessage') result = { message_id: messageId++, date: 0, chat: { id: Number(p.chat_id), type: 'private', first_name: 'x' }, text: p.text };
    if (method === 'createChatInviteLink') result = { invite_link: 'https://t.me/+lane', creator: BOT_INFO, creates_join_request: false, is_primary: false, is_revoked: false };
    return { ok: true, result } as never;
  };
  const adapter = new TelegramAdapter({
    token: '1:LANE',
    logger: opts.logger ?? silentLogger,
    botInfo: BOT_INFO,
    transformers: [record],
    receive: 'manual',
    ...opts.options,
  });
  let nextId = 1;
  const started = adapter.start(async (e) => {
    events.push(e);
  });
  return {
    adapter,
    calls,
    events,
    /** Runs one update through grammY's middleware and returns the events it produced. */
    async handle(update: NewUpdate): Promise<InboundEvent[]> {
      await started;
      const before = events.length;
      await adapter.bot.handleUpdate({ update_id: nextId++, ...update } as Update);
      return events.slice(before);
    },
  };
}
