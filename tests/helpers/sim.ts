import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { simulate, type SimulateSummary } from '../../src/main.ts';
import { CONTENT_DIR } from './harness.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SimRun {
  readonly out: { at: string; type: string; chat?: string; user?: string; text: string; id?: string }[];
  readonly errors: string[];
  readonly summary: SimulateSummary;
}

/** A fresh database file in a temp directory. */
export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'hearth-sim-')), 'sim.db');
}

/** One JSON line per object; strings are passed as they are (for malformed lines). */
export function jsonl(lines: readonly (object | string)[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
}

/** Runs `simulate` in-process over the lines, the way the CLI does. */
export async function runSim(dbPath: string, lines: readonly (object | string)[], contentDir = CONTENT_DIR): Promise<SimRun> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  output.on('data', (c: Buffer) => outChunks.push(c.toString()));
  errors.on('data', (c: Buffer) => errChunks.push(c.toString()));
  const summary = await simulate({ dbPath, contentDir, input: Readable.from([jsonl(lines)]), output, errors });
  return {
    out: outChunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SimRun['out'][number]),
    errors: errChunks.join('').split('\n').filter(Boolean),
    summary,
  };
}

/** Runs the real CLI (`npm run -s cli -- …`) as a child process. */
export function cli(args: readonly string[], input = ''): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
