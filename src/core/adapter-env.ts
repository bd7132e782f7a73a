import type { Platform } from './ids.ts';

/** One environment variable an adapter reads. */
export interface AdapterEnvVar {
  readonly description: string;
  /** Must be set (and non-empty) once the adapter is enabled. */
  readonly required?: boolean;
  readonly default?: string;
  /** Never printed (tokens, secrets). */
  readonly secret?: boolean;
  /** What a set value must look like. */
  readonly pattern?: RegExp;
}

/**
 * An adapter's own environment schema, declared by `adapters/<platform>/env.ts` (which imports no
 * SDK), so the core's config no longer lists every platform's variables and `check-config` and
 * `.env.example` can describe each one.
 */
export interface AdapterDescriptor {
  readonly platform: Platform;
  readonly env: Readonly<Record<string, AdapterEnvVar>>;
  /** The variable whose presence starts the adapter (`TELEGRAM_BOT_TOKEN`). */
  readonly enabledBy: string;
}

/** The values an adapter's `createAdapter` receives: trimmed, defaults applied, unset as undefined. */
export type AdapterEnv = Readonly<Record<string, string | undefined>>;

const value = (raw: string | undefined): string | undefined => {
  const v = raw?.trim();
  return v === undefined || v === '' ? undefined : v;
};

/** Whether the adapter's enabling variable is set. */
export function adapterEnabled(descriptor: AdapterDescriptor, env: NodeJS.ProcessEnv): boolean {
  return value(env[descriptor.enabledBy]) !== undefined;
}

/**
 * Reads and checks an adapter's variables. Throws one error naming every bad variable and what
 * was expected, so a bad `.env` fails at start with the variable's name.
 */
export function readAdapterEnv(descriptor: AdapterDescriptor, env: NodeJS.ProcessEnv): AdapterEnv {
  const out: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(descriptor.env)) {
    const v = value(env[name]) ?? spec.default;
    if (v === undefined) {
      if (spec.required) problems.push(`  - ${name}: required by the ${descriptor.platform} adapter (${spec.description})`);
    } else if (spec.pattern && !spec.pattern.test(v)) {
      problems.push(`  - ${name}: ${spec.secret ? 'the value' : `"${v}"`} does not match ${String(spec.pattern)} (${spec.description})`);
    }
    out[name] = v;
  }
  if (problems.length > 0) throw new Error(`environment:\n${problems.join('\n')}`);
  return out;
}
