import type { PlatformAdapter } from '../../src/core/adapter.ts';
import type { Logger } from '../../src/core/logger.ts';
import { DiscordAdapter } from './discord-adapter.ts';

export { DiscordAdapter, type DiscordAdapterOptions } from './discord-adapter.ts';
export { INTENTS, PERMISSIONS, inviteUrl } from './permissions.ts';

/** The environment variables this adapter reads (a subset of the validated env). */
export interface DiscordEnv {
  readonly DISCORD_BOT_TOKEN?: string | undefined;
  readonly DISCORD_API_ROOT?: string | undefined;
}

/** The composition root's entry point: builds the adapter from `DISCORD_*` variables. */
export function createAdapter(env: DiscordEnv, logger: Logger): PlatformAdapter {
  if (!env.DISCORD_BOT_TOKEN) throw new Error('DISCORD_BOT_TOKEN is not set');
  const api = env.DISCORD_API_ROOT?.replace(/\/+$/, '');
  if (api !== undefined && !/^https?:\/\/.+\/api$/.test(api)) throw new Error(`DISCORD_API_ROOT: "${env.DISCORD_API_ROOT}" should be an http(s) URL ending in /api`);
  return new DiscordAdapter({ token: env.DISCORD_BOT_TOKEN, logger, ...(api ? { apiRoot: api } : {}) });
}
