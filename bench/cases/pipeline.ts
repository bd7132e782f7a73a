import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { simulate } from '../../src/main.ts';
import { percentile, type BenchCase, type CaseInput, type CaseResult } from '../case.ts';
import { COMMUNITY_SIZES } from './sizes.ts';

/**
 * The whole simulate path — read line → parse (JSON + zod) → dispatch (dedupe, identity,
 * membership, activity) → command or listeners → SQLite commit → render replies — over a
 * generated community, timing every event line.
 */
export const pipelineCase: BenchCase = {
  name: 'pipeline',
  title: 'simulate pipeline',
  ...COMMUNITY_SIZES,
  run: (input) => replay(input, true),
};

/**
 * The same pipeline with no outbox: replies wait in memory and go straight to the adapter after
 * commit, as before the outbox. Printed beside `pipeline`: what durable delivery costs.
 */
export const pipelineNoOutboxCase: BenchCase = {
  name: 'pipeline-no-outbox',
  title: 'simulate pipeline without the outbox',
  ...COMMUNITY_SIZES,
  run: (input) => replay(input, false),
};

async function replay({ dir, community }: CaseInput, outbox: boolean): Promise<CaseResult> {
    if (!community) throw new Error('pipeline needs a generated community');
    const latencies = new Float64Array(2_000_000);
    let n = 0;
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    // The clock runs from the end of the first event, as the ceiling's does from its first
    // transaction: opening and migrating the database and building the app are not per-event work.
    let began = 0;
    let ended = 0;
    // CPU time beside wall time: on a shared machine it moves less with the other processes' load.
    let cpuBegan = process.cpuUsage();
    let cpuEnded = cpuBegan;
    const summary = await simulate({
      dbPath: join(dir, outbox ? 'pipeline.db' : 'pipeline-no-outbox.db'),
      outbox,
      contentDir: 'content',
      input: createReadStream(community),
      output: sink,
      errors: sink,
      onEvent: (ms) => {
        ended = performance.now();
        cpuEnded = process.cpuUsage();
        if (n === 0) {
          began = ended;
          cpuBegan = cpuEnded;
        }
        if (n < latencies.length) latencies[n++] = ms;
      },
    });
    const seconds = (ended - began) / 1000;
    const sample = latencies.subarray(0, n);
    return {
      events: summary.events,
      seconds,
      eventsPerSec: (summary.events - 1) / seconds,
      p50Ms: percentile(sample, 50),
      p99Ms: percentile(sample, 99),
      notes: { cpuUsPerEvent: (cpuEnded.user - cpuBegan.user + cpuEnded.system - cpuBegan.system) / (summary.events - 1), p999Ms: percentile(sample, 99.9), maxMs: percentile(sample, 100), lines: summary.lines, replies: summary.sent, badLines: summary.badLines },
    };
}
