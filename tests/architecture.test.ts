import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/sim.ts';

/** Every .ts file under a directory. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The module specifiers a file imports (static and dynamic with a literal path). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"`]([^'"`$]+)/g)].map((m) => (m[1] ?? m[2])!);
}

function target(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : spec;
}

const SDKS = /^(grammy|@grammyjs\/|discord\.js|@discordjs\/|wechaty|wechaty-)/;
const COMPOSITION_ROOTS = new Set(['src/main.ts', 'src/cli.ts']);

describe('import direction (DESIGN §2)', () => {
  const src = files(join(ROOT, 'src'));
  const adapters = files(join(ROOT, 'adapters'));

  it('src/core imports nothing outside src/core but libraries that are not platform SDKs', () => {
    const bad = src
      .filter((f) => relative(ROOT, f).startsWith('src/core/'))
      .flatMap((f) => imports(f).map((s) => [relative(ROOT, f), target(f, s)] as const))
      .filter(([, t]) => (t.startsWith('src/') && !t.startsWith('src/core/')) || t.startsWith('adapters/') || SDKS.test(t));
    expect(bad).toEqual([]);
  });

  it('no file under src/ imports a platform SDK, and only the composition root imports adapters', () => {
    const bad = src.flatMap((f) => {
      const rel = relative(ROOT, f);
      return imports(f)
        .map((s) => target(f, s))
        .filter((t) => SDKS.test(t) || (t.startsWith('adapters/') && !COMPOSITION_ROOTS.has(rel)))
        .map((t) => `${rel} → ${t}`);
    });
    expect(bad).toEqual([]);
  });

  it('features import other features only through their index (service), never their tables or internals', () => {
    const bad = src
      .filter((f) => relative(ROOT, f).startsWith('src/features/'))
      .flatMap((f) => {
        const own = relative(ROOT, f).split('/')[2];
        return imports(f)
          .map((s) => target(f, s))
          .filter((t) => t.startsWith('src/features/') && t.split('/')[2] !== own && !/^src\/features\/[^/]+\/index\.ts$/.test(t) && !/^src\/features\/[^/]+\/schema\.ts$/.test(t) )
          .map((t) => `${relative(ROOT, f)} → ${t}`);
      });
    expect(bad).toEqual([]);
  });

  it('features do not import the command table, the composition root or infrastructure', () => {
    const bad = src
      .filter((f) => relative(ROOT, f).startsWith('src/features/'))
      .flatMap((f) => imports(f).map((s) => `${relative(ROOT, f)} → ${target(f, s)}`))
      .filter((line) => /→ src\/(commands|main|cli|app|infra)/.test(line));
    expect(bad).toEqual([]);
  });

  it('adapters import src/core and their own SDK, nothing else of Hearth', () => {
    const bad = adapters.flatMap((f) => {
      const rel = relative(ROOT, f);
      const own = rel.split('/')[1];
      return imports(f)
        .map((s) => target(f, s))
        .filter((t) => (t.startsWith('src/') && !t.startsWith('src/core/')) || (t.startsWith('adapters/') && t.split('/')[1] !== own))
        .map((t) => `${rel} → ${t}`);
    });
    expect(bad).toEqual([]);
  });
});
