import type { InboundEvent } from '../../../src/core/events.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { DiscordAdapter } from '../../../adapters/discord/index.ts';
import { adapterContract, type NativeText } from '../contract.ts';
import { FakeDiscord } from './fake-discord.ts';
import { eventually } from './wait.ts';
import { GENERAL, GUILD_ID, memberOf, user } from './fixtures.ts';

/** Discord under the shared contract: the real discord.js client on the loopback fake's gateway and REST. */
adapterContract('discord', async () => {
  const fake = await new FakeDiscord().start();
  fake.guilds.get(GUILD_ID)!.members.push(memberOf(user('99', 'bob', { global_name: 'Bob' })));
  const seen: InboundEvent[] = [];
  const adapter = new DiscordAdapter({ token: fake.token, apiRoot: fake.api, logger: silentLogger });
  await adapter.start(async (e) => {
    seen.push(e);
  });
  return {
    adapter,
    group: GENERAL,
    member: { user: '42', name: 'Alice' },
    limit: 2000,
    async deliver(msg: NativeText) {
      let content = msg.text;
      const mentions: unknown[] = [];
      if (msg.mention) {
        content += ` <@${msg.mention.user}>`;
        mentions.push(user(msg.mention.user, msg.mention.name.toLowerCase(), { global_name: msg.mention.name }));
      }
      if (msg.link) content += ` ${msg.link}`;
      const author = msg.fromSelf ? fake.me : user(msg.user, msg.name.toLowerCase(), { global_name: msg.name });
      const before = seen.length;
      // Small numbers are valid snowflakes, so the contract's message ids are used as they are.
      const key = `discord:${msg.chat}:m:${msg.id}`;
      // discord.js drops a MESSAGE_CREATE for a message it has cached; a redelivery reaches a bot
      // that restarted (or resumed), whose cache does not hold it, so the test forgets it first.
      const channel = adapter.discord.channels.cache.get(msg.chat);
      if (channel?.isTextBased()) channel.messages.cache.delete(msg.id);
      fake.post({ channel: msg.chat, author, content, id: msg.id, extra: { mentions } });
      await eventually(() => seen.slice(before).some((e) => e.key === key), `message ${msg.id} to reach the sink`);
      return seen.slice(before);
    },
    received: (chat) => fake.visibleIn(chat).map((m) => ({ text: m.visible, ...(m.replyTo ? { replyTo: m.replyTo } : {}) })),
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
});
