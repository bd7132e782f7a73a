import type { BenchCase } from '../case.ts';
import { baselineCase } from './baseline.ts';
import { leaderboardCase } from './leaderboard.ts';
import { pipelineCase } from './pipeline.ts';
import { rawCeilingCase } from './raw-ceiling.ts';

/**
 * The case registry, in the order the table prints. To add a case (e.g. the daily quiet scan
 * once issue 5 has merged): write `bench/cases/<name>.ts` exporting a `BenchCase` whose `run`
 * builds its database (generated community via `communityDays`, or raw SQL for 1M members) and
 * returns what it measured (`queryMs` for a scan), then append it here. `bench/run.ts` gives it
 * its own child process, peak RSS, table row and JSON entry.
 */
export const CASES: readonly BenchCase[] = [baselineCase, pipelineCase, rawCeilingCase, leaderboardCase];
