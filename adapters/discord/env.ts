import type { AdapterDescriptor } from '../../src/core/adapter-env.ts';

/** The Discord adapter's environment: read by the composition root before it loads discord.js. */
export const discordDescriptor: AdapterDescriptor = {
  platform: 'discord',
  enabledBy: 'DISCORD_BOT_TOKEN',
  env: {
    DISCORD_BOT_TOKEN: { description: 'the bot token from the Developer Portal (Bot → Reset Token); setting it starts the Discord adapter', required: true, secret: true },
    DISCORD_API_ROOT: { description: 'another REST API root ending in /api (the loopback fake the tests use); the gateway URL then comes from its GET /gateway/bot', pattern: /^https?:\/\/.+\/api\/?$/ },
    DISCORD_COMMANDS: { description: 'where slash commands are registered: guild (one bulk overwrite per guild at start, instant) or global (once for every guild and DMs; Discord may take up to an hour to show changes)', default: 'guild', pattern: /^(guild|global)$/ },
  },
};
