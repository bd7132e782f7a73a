/**
 * What a benchmark case is. Each case runs in its own child process (`bench/child.ts`) so the
 * peak RSS it reports is its own; the parent (`bench/run.ts`) only prepares inputs and prints.
 */
export interface CaseInput {
  /** Community size this run is about. */
  readonly size: number;
  /** A fresh directory for the case's database files. */
  readonly dir: string;
  /** Generated simulate lines (JSON lines file), when the case asked for a community. */
  readonly community?: string;
}

/** What a case measured. Fields a case does not measure stay undefined (shown as "–"). */
export interface CaseResult {
  /** Events handled (pipeline and ceiling cases). */
  events?: number;
  seconds?: number;
  eventsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** A query case's main time and a second figure (leaderboard: median / slowest; quiet scan: first / repeat run), in ms. */
  queryMs?: number;
  queryMaxMs?: number;
  /** Free-form figures worth keeping in the JSON (rows, settings). */
  notes?: Record<string, number | string>;
}

export interface BenchCase {
  /** Registry name: `npm run bench -- --only <name>`. */
  readonly name: string;
  readonly title: string;
  /** Community sizes to run; `--quick` uses `quickSizes`. */
  readonly sizes: readonly number[];
  readonly quickSizes: readonly number[];
  /** The days of generated activity for a size, when the case replays a generated community. */
  readonly communityDays?: (size: number) => number;
  /** Runs in the child process; must be deterministic apart from timing. */
  run(input: CaseInput): Promise<CaseResult> | CaseResult;
}

/**
 * Calls `row(i)` for i = 1…count in transactions of 50,000 rows: how the million-member cases
 * write their database straight with raw SQL, fast and in bounded memory.
 */
export function fillInBatches(sqlite: { transaction(fn: () => void): () => void }, count: number, row: (i: number) => void): void {
  const batch = 50_000;
  for (let from = 1; from <= count; from += batch) {
    sqlite.transaction(() => {
      for (let i = from; i < Math.min(count + 1, from + batch); i++) row(i);
    })();
  }
}

/** Nearest-rank percentile of a sample (sorted in place). */
export function percentile(sample: Float64Array, p: number): number {
  if (sample.length === 0) return 0;
  sample.sort();
  return sample[Math.min(sample.length - 1, Math.max(0, Math.ceil((p / 100) * sample.length) - 1))]!;
}
