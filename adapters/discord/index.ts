import type { PlatformAdapter } from '../../src/core/adapter.ts';
import type { AdapterEnv } from '../../src/core/adapter-env.ts';
import type { Logger } from '../../src/core/logger.ts';
import { DiscordAdapter } from './discord-adapter.ts';

export { DiscordAdapter, type DiscordAdapterOptions } from './discord-adapter.ts';
export { discordDescriptor } from './env.ts';
export { INTENTS, PERMISSIONS, inviteUrl } from './permissions.ts';

/** The composition root's entry point: builds the adapter from `DISCORD_*` variables (checked by `discordDescriptor`). */
export function createAdapter(env: AdapterEnv, logger: Logger): PlatformAdapter {
  const token = env.DISCORD_BOT_TOKEN;
  if (!token) throw new Error('DISCORD_BOT_TOKEN is not set');
  const api = env.DISCORD_API_ROOT?.replace(/\/+$/, '');
  if (api !== undefined && !/^https?:\/\/.+\/api$/.test(api)) throw new Error(`DISCORD_API_ROOT: "${env.DISCORD_API_ROOT}" should be an http(s) URL ending in /api`);
  const commands = env.DISCORD_COMMANDS ?? 'guild';
  if (commands !== 'guild' && commands !== 'global') throw new Error(`DISCORD_COMMANDS: "${commands}" should be guild or global`);
  return new DiscordAdapter({ token, logger, commands, ...(api ? { apiRoot: api } : {}) });
}
