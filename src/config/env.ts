import { z } from 'zod';
import { parseUserKey } from '../core/ids.ts';

const userKeys = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const keys = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const k of keys) {
      try {
        parseUserKey(k);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }
    return keys;
  });

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** The environment Hearth reads (see `.env.example`). */
export const envSchema = z.object({
  HEARTH_DB: z.string().default('data/hearth.db'),
  HEARTH_CONTENT: z.string().default('content'),
  BOT_OWNERS: userKeys,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: optional,
  TELEGRAM_WEBHOOK_URL: optional,
  TELEGRAM_WEBHOOK_PORT: optional,
  TELEGRAM_WEBHOOK_SECRET: optional,
  DISCORD_BOT_TOKEN: optional,
  DISCORD_API_ROOT: optional,
  WECHATY_PUPPET: optional,
  WECHATY_PUPPET_SERVICE_TOKEN: optional,
  WECHATY_PUPPET_SERVICE_ENDPOINT: optional,
  WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: optional.pipe(z.enum(['true', 'false']).optional()),
  WECHATY_LOG: optional.pipe(z.enum(['silent', 'error', 'warn', 'info', 'verbose', 'silly']).optional()),
});

export type Env = z.infer<typeof envSchema>;

/** Validates the environment; a bad value names the variable. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Platforms whose credentials are present in the environment. */
export function configuredPlatforms(env: Env): ('telegram' | 'discord' | 'wechat')[] {
  const out: ('telegram' | 'discord' | 'wechat')[] = [];
  if (env.TELEGRAM_BOT_TOKEN) out.push('telegram');
  if (env.DISCORD_BOT_TOKEN) out.push('discord');
  if (env.WECHATY_PUPPET) out.push('wechat');
  return out;
}
