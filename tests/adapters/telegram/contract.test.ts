import type { MessageEntity } from 'grammy/types';
import type { InboundEvent } from '../../../src/core/events.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { TelegramAdapter } from '../../../adapters/telegram/index.ts';
import { adapterContract, type NativeText } from '../contract.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { GROUP, message, user } from './updates.ts';

/** Telegram under the shared contract: the real grammY client long-polling the loopback fake. */
adapterContract('telegram', async () => {
  const fake = await new FakeBotApi().start();
  const seen: InboundEvent[] = [];
  const adapter = new TelegramAdapter({ token: fake.token, apiRoot: fake.url, logger: silentLogger, pollTimeoutSeconds: 5 });
  await adapter.start(async (e) => {
    seen.push(e);
  });
  return {
    adapter,
    group: String(GROUP.id),
    member: { user: '42', name: 'Alice' },
    limit: 4096,
    async deliver(msg: NativeText) {
      let text = msg.text;
      const entities: MessageEntity[] = [];
      if (msg.mention) {
        entities.push({ type: 'text_mention', offset: text.length + 1, length: msg.mention.name.length, user: user(Number(msg.mention.user), msg.mention.name) });
        text += ` ${msg.mention.name}`;
      }
      if (msg.link) {
        entities.push({ type: 'url', offset: text.length + 1, length: msg.link.length });
        text += ` ${msg.link}`;
      }
      if (text.startsWith('/')) entities.unshift({ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length });
      const from = msg.fromSelf ? { id: fake.me.id, is_bot: true, first_name: fake.me.first_name, username: fake.me.username } : user(Number(msg.user), msg.name);
      const before = seen.length;
      const id = fake.push({ message: message({ text, entities }, { ...GROUP, id: Number(msg.chat) }, from, Number(msg.id)) });
      await fake.handled(id);
      return seen.slice(before);
    },
    received: (chat) => fake.sent.filter((m) => m.chatId === chat).map((m) => ({ text: m.visible, ...(m.replyTo ? { replyTo: String(m.replyTo) } : {}) })),
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
});
