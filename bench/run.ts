import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../src/config/load.ts';
import { generateCommunity } from '../src/sim/generate.ts';
import { progressBar, writeJsonLines } from '../src/sim/write-lines.ts';
import type { CaseResult } from './case.ts';
import { CASES } from './cases/index.ts';

/**
 * `npm run bench [-- --quick] [--only pipeline,raw] [--size 1000000] [--label before]`: generates the communities,
 * runs every registered case and size in its own child process, prints one table and writes the
 * figures to `bench/results/<time>-<label>.json`. Figures are wall-clock on a shared machine, so
 * compare runs made back to back.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = flag('--only')?.split(',');
const label = flag('--label') ?? 'run';
const onlySize = flag('--size') === undefined ? undefined : Number(flag('--size'));
const SEED = 'bench';
/** The pipeline with the outbox and without it: compared side by side, in A-B-B-A order. */
const PAIR = ['pipeline', 'pipeline-no-outbox'] as const;

interface Row {
  case: string;
  size: number;
  result: CaseResult;
  peakRssMb: number;
  wallSeconds: number;
}

const work = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
const timeZone = loadContent(join(ROOT, 'content')).community.community.timezone;
const communities = new Map<string, string>();

/** The generated community file for a size, written once and shared by the cases that replay it. */
async function community(size: number, days: number): Promise<string> {
  const key = `${size}x${days}`;
  const existing = communities.get(key);
  if (existing) return existing;
  const file = join(work, `community-${key}.jsonl`);
  const out = createWriteStream(file);
  const bar = progressBar(process.stderr, `days of ${size.toLocaleString('en-US')} members`);
  await writeJsonLines(generateCommunity({ members: size, days, seed: SEED, timeZone, onDay: bar.update }), out);
  bar.end();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  communities.set(key, file);
  return file;
}

function runChild(name: string, size: number, file: string | undefined): Promise<Row> {
  const dir = mkdtempSync(join(work, `${name}-${size}-`));
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/child.ts'), name, String(size), dir, ...(file ? [file] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const last = stdout.trim().split('\n').pop();
      if (code !== 0 || !last) return reject(new Error(`${name} ${size} exited with ${code}`));
      const parsed = JSON.parse(last) as { result: CaseResult; peakRssMb: number };
      resolve({ case: name, size, result: parsed.result, peakRssMb: parsed.peakRssMb, wallSeconds: (performance.now() - began) / 1000 });
    });
  });
}

const rows: Row[] = [];
try {
  // Size by size, so cases compared side by side (the pipeline with and without the outbox, and
  // its raw ceiling) run back to back under the same load on a shared machine.
  const runs = CASES.filter((c) => !only || only.includes(c.name))
    .flatMap((c) => (quick ? c.quickSizes : c.sizes).filter((size) => onlySize === undefined || size === onlySize).map((size) => ({ c, size })))
    .sort((a, b) => a.size - b.size);
  // The outbox pair runs twice at each size, in A-B-B-A order: a machine that speeds up or slows
  // down over the minutes of a size's runs then weighs on both sides alike, not on whichever ran second.
  for (let i = 0; i < runs.length; i++) {
    const { c, size } = runs[i]!;
    if (c.name !== PAIR[1]) continue;
    const first = runs.find((r) => r.c.name === PAIR[0] && r.size === size);
    if (!first) continue;
    runs.splice(i + 1, 0, { c, size }, first);
    i += 2;
  }
  for (const { c, size } of runs) {
    const file = c.communityDays ? await community(size, c.communityDays(size)) : undefined;
    process.stderr.write(`${c.name} ${size.toLocaleString('en-US')}…\n`);
    rows.push(await runChild(c.name, size, file));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ceilingOf = (size: number) => rows.find((r) => r.case === 'raw' && r.size === size)?.result.eventsPerSec;
const header = ['case', 'members', 'events', 'events/s', 'p50 ms', 'p99 ms', 'ceiling/s', 'ratio', 'query ms', 'peak RSS MB'];
const table = rows.map((r) => {
  const ceiling = r.case === 'pipeline' ? ceilingOf(r.size) : undefined;
  const q = r.result.queryMs === undefined ? '–' : `${fmt(r.result.queryMs, 1)} / ${fmt(r.result.queryMaxMs, 1)}`;
  return [
    r.case,
    fmt(r.size),
    fmt(r.result.events),
    fmt(r.result.eventsPerSec),
    fmt(r.result.p50Ms, 3),
    fmt(r.result.p99Ms, 3),
    fmt(ceiling),
    ceiling && r.result.eventsPerSec ? `${Math.round((r.result.eventsPerSec / ceiling) * 100)}%` : '–',
    q,
    fmt(r.peakRssMb),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${table.map(line).join('\n')}\n`);
// The outbox's cost, side by side in this run: the pipeline with it against the same replay
// without, each the mean of its runs (A-B-B-A), by throughput and by CPU time per event (which
// moves less with the rest of the machine's load).
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const size of [...new Set(rows.filter((x) => x.case === PAIR[0]).map((x) => x.size))]) {
  const runsOf = (name: string) => rows.filter((x) => x.case === name && x.size === size).map((x) => x.result);
  const withIt = runsOf(PAIR[0]);
  const without = runsOf(PAIR[1]);
  if (without.length === 0 || withIt.some((r) => !r.eventsPerSec) || without.some((r) => !r.eventsPerSec)) continue;
  const share = mean(withIt.map((r) => r.eventsPerSec!)) / mean(without.map((r) => r.eventsPerSec!));
  const cpu = (rs: readonly CaseResult[]) => mean(rs.map((r) => Number(r.notes?.['cpuUsPerEvent'] ?? NaN)));
  const cpuShare = cpu(without) / cpu(withIt);
  const p99 = (rs: readonly CaseResult[]) => Math.max(...rs.map((r) => r.p99Ms ?? 0));
  process.stdout.write(
    `  outbox ${fmt(size)}: ${Math.round(share * 100)}% of the throughput without it (target ≥ 90%; ${Number.isFinite(cpuShare) ? `${Math.round(cpuShare * 100)}% by CPU per event, ` : ''}mean of ${withIt.length} and ${without.length} runs), worst p99 ${fmt(p99(withIt), 3)} ms vs ${fmt(p99(without), 3)} ms (target < 5 ms)\n`,
  );
}
for (const r of rows) if (r.result.notes) process.stdout.write(`  ${r.case} ${fmt(r.size)}: ${Object.entries(r.result.notes).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 2) : v}`).join(' ')}\n`);

const resultsDir = join(ROOT, 'bench/results');
if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${label}.json`);
writeFileSync(file, `${JSON.stringify({ label, at: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, quick, rows }, null, 2)}\n`);
process.stdout.write(`\nwritten ${file}\n`);
