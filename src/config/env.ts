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

/** An unset or empty variable (a copied `.env.example` line) reads as undefined. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * The environment the core reads (see `.env.example`). Each platform adapter declares its own
 * variables in `adapters/<platform>/env.ts`.
 */
export const envSchema = z.object({
  HEARTH_DB: z.string().default('data/hearth.db'),
  HEARTH_CONTENT: z.string().default('content'),
  BOT_OWNERS: userKeys,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The web dashboard's port; unset: no dashboard. */
  HEARTH_WEB_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  /** Where the dashboard listens: loopback unless a reverse proxy on another host needs it. */
  HEARTH_WEB_HOST: optional(z.string().min(1)).transform((v) => v ?? '127.0.0.1'),
  /** The dashboard's public address for `/dashboard` links (behind a proxy: its https URL). */
  HEARTH_WEB_URL: optional(z.url({ protocol: /^https?$/ })),
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
