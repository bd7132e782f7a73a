import type { BenchCase } from '../case.ts';
import { baselineCase } from './baseline.ts';
import { dashboardCase } from './dashboard.ts';
import { leaderboardCase } from './leaderboard.ts';
import { pipelineCase, pipelineNoOutboxCase } from './pipeline.ts';
import { postsCase } from './posts.ts';
import { quietScanCase, quietScanDailyCase } from './quiet-scan.ts';
import { rawCeilingCase } from './raw-ceiling.ts';
import { reportCase } from './report.ts';
import { tierReviewCase } from './tier-review.ts';

/**
 * The case registry, in the order the table prints. To add a case: write `bench/cases/<name>.ts`
 * exporting a `BenchCase` whose `run` builds its database (a generated community via
 * `communityDays`, or raw SQL for a million members) and returns what it measured (`queryMs` for
 * a query or scan, as `quiet-scan.ts` does), then append it here. `bench/run.ts` gives it its own
 * child process, peak RSS, table row and JSON entry.
 */
export const CASES: readonly BenchCase[] = [baselineCase, pipelineCase, pipelineNoOutboxCase, rawCeilingCase, leaderboardCase, quietScanCase, quietScanDailyCase, tierReviewCase, reportCase, postsCase, dashboardCase];
