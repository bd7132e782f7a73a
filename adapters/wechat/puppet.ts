import { mkdirSync } from 'node:fs';

/** What a wechaty puppet module's default export is: a class taking the puppet's options. */
type PuppetClass = new (options?: Record<string, unknown>) => object;

/**
 * Imports a puppet package by its npm name, as wechaty's own resolver does (the default export,
 * unwrapped through CommonJS interop layers).
 */
async function importPuppet(name: string): Promise<PuppetClass> {
  let mod: unknown;
  try {
    mod = await import(name);
  } catch (err) {
    throw new Error(`WECHATY_PUPPET=${name}: the package could not be loaded (npm install ${name}?): ${(err as Error).message}`);
  }
  for (let i = 0; i < 4 && mod && typeof mod === 'object'; i++) {
    const d = (mod as { default?: unknown }).default;
    if (typeof d === 'function') return d as PuppetClass;
    mod = d;
  }
  throw new Error(`WECHATY_PUPPET=${name} is not a wechaty puppet (no default export class)`);
}

/**
 * Runs `fn` with the home directory pointed at `home`. wechaty-puppet-service's client writes its
 * LevelDB payload cache under `os.homedir()/.wechaty/` and reads the home directory once, in its
 * constructor; `os.homedir()` reads `HOME` (`USERPROFILE` on Windows) each time. The swap is
 * synchronous, so nothing else in the process sees it.
 */
function withHome<T>(home: string, fn: () => T): T {
  const saved = { HOME: process.env.HOME, USERPROFILE: process.env.USERPROFILE };
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Builds the puppet named by WECHATY_PUPPET with its options. Puppets keep their caches under
 * `dataDir` (the project's data directory) instead of the user's home, so two bots on one
 * machine do not share a cache: `dataDir/.wechaty/wechaty-puppet-service/<token>/…`.
 */
export async function createPuppet(name: string, options: Record<string, unknown>, dataDir: string): Promise<object> {
  const Puppet = await importPuppet(name);
  mkdirSync(dataDir, { recursive: true });
  return withHome(dataDir, () => new Puppet(options));
}
