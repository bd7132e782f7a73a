import type { AdapterDescriptor } from '../../src/core/adapter-env.ts';

/** The Discord adapter's environment: read by the composition root before it loads discord.js. */
export const discordDescriptor: AdapterDescriptor = {
  platform: 'discord',
  enabledBy: 'DISCORD_BOT_TOKEN',
  env: {
    DISCORD_BOT_TOKEN: { description: 'the bot token from the Discord developer portal; setting it starts the Discord adapter', required: true, secret: true },
    DISCORD_API_ROOT: { description: 'another REST API root ending in /api (the loopback fake the tests use)', pattern: /^https?:\/\// },
  },
};
