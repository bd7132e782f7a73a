import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/app.ts';
import { startOfLocalDay } from '../../src/core/clock.ts';
import { loadContent } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openDb } from '../../src/db/open.ts';
import type { AnalyticsService } from '../../src/features/analytics/index.ts';

/** The bot over a bench database with its clock at noon of `asOf` (community zone). */
export function reportApp(path: string, asOf: string): { analytics: AnalyticsService; close(): void } {
  const db = openDb(path);
  const content = loadContent('content');
  const now = new Date(startOfLocalDay(asOf, content.community.community.timezone).getTime() + 12 * 3_600_000);
  const app = createApp({ db, content, clock: { now: () => now }, logger: silentLogger });
  return { analytics: app.services.analytics, close: () => db.close() };
}

// Run as a process of its own (`tsx report-child.ts <db> <asOf>`), so its peak RSS is the report's.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, asOf] = process.argv.slice(2) as [string, string];
  const app = reportApp(path, asOf);
  const t0 = performance.now();
  const report = app.analytics.report({ to: asOf });
  const ms = performance.now() - t0;
  const t1 = performance.now();
  app.analytics.report({ to: asOf, by: 'tier' });
  const byTierMs = performance.now() - t1;
  app.close();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, byTierMs, rssMb, cohorts: report.cohorts.length, weeks: report.weekly.length, d7: report.summary.d7 })}\n`);
}
