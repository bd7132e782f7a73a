import { CASES } from './cases/index.ts';

/**
 * Runs one benchmark case in this process and prints `{"result", "peakRssMb"}` as the last stdout
 * line. A process per case, so `maxRSS` is that case's own peak and nothing leaks between cases.
 */
const [name, size, dir, community] = process.argv.slice(2);
const found = CASES.find((c) => c.name === name);
if (!found || size === undefined || dir === undefined) {
  process.stderr.write(`usage: child.ts <case> <size> <dir> [community.jsonl]\n`);
  process.exit(2);
}
const result = await found.run({ size: Number(size), dir, ...(community ? { community } : {}) });
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`\n${JSON.stringify({ result, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
