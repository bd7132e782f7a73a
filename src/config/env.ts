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

/**
 * The environment the core reads (see `.env.example`). Each platform adapter declares its own
 * variables in `adapters/<platform>/env.ts`.
 */
export const envSchema = z.object({
  HEARTH_DB: z.string().default('data/hearth.db'),
  HEARTH_CONTENT: z.string().default('content'),
  BOT_OWNERS: userKeys,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
