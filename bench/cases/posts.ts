import { join } from 'node:path';
import { localMessageEvent } from '../../adapters/local/local-events.ts';
import { LocalAdapter } from '../../adapters/local/local-adapter.ts';
import { createApp } from '../../src/app.ts';
import { loadContent } from '../../src/config/load.ts';
import { FakeClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import { openDb } from '../../src/db/open.ts';
import { SimScheduler } from '../../src/infra/sim-scheduler.ts';
import { percentile, type BenchCase } from '../case.ts';

/** The community this case runs in: Tuesday morning, between the shipped posts' slots. */
const START = '2026-03-03T07:00:00+08:00';
/** The groups of the baseline run in the same process: what `/posts` costs with a handful of groups. */
const BASELINE_GROUPS = 10;
const RUNS = 15;

/** Timings of `/posts` (page 1 and the last page) typed by an operator in a community with `groups` groups. */
async function measure(dir: string, groups: number): Promise<{ first: Float64Array; last: Float64Array; pages: number; lines: number }> {
  const clock = new FakeClock(START);
  const db = openDb(join(dir, `posts-${groups}.db`));
  const app = createApp({ db, content: loadContent('content'), clock, logger: silentLogger, owners: ['local:op'], sleep: async () => {} });
  const answers: string[] = [];
  const adapter = new LocalAdapter((out) => answers.push(renderPlain(out.body)));
  app.router.register(adapter);
  await adapter.start(app.dispatcher.sink);
  for (let i = 0; i < groups; i++) app.services.groups.ensure({ platform: 'local', chatId: `b${i}` }, clock.now());
  // Scheduled after the groups exist, as at a start: the post jobs cover every zone they use.
  app.schedule(new SimScheduler(clock, silentLogger));
  let seq = 0;
  const posts = async (args: string) => {
    const t0 = performance.now();
    await app.dispatcher.dispatch(localMessageEvent({ user: 'op', chat: 'b0', text: `/posts${args}`, id: `p${++seq}`, at: clock.now() }));
    return performance.now() - t0;
  };
  await posts('');
  const pages = Number(/\/(\d+)/.exec(answers.at(-1) ?? '')?.[1] ?? 1);
  const first = new Float64Array(RUNS);
  const last = new Float64Array(RUNS);
  for (let r = 0; r < RUNS; r++) {
    first[r] = await posts('');
    last[r] = await posts(` ${pages}`);
  }
  const lines = answers.at(-1)!.split('\n').length;
  db.close();
  return { first, last, pages, lines };
}

/**
 * `/posts` typed by an operator, through the dispatcher, with the shipped posts and `size` groups
 * (every post targets every group by default), against the same with 10 groups in the same run:
 * `queryMs` is the median of page 1, `queryMaxMs` the slowest run of either page; the notes give
 * the ratio of the medians to the 10-group baseline (≈1 when the cost does not grow with groups).
 */
export const postsCase: BenchCase = {
  name: 'posts',
  title: '/posts with many groups',
  sizes: [1_000],
  quickSizes: [100],
  async run({ dir, size }) {
    const base = await measure(dir, BASELINE_GROUPS);
    const big = await measure(dir, size);
    const baseFirst = percentile(base.first, 50);
    const baseLast = percentile(base.last, 50);
    const first = percentile(big.first, 50);
    const last = percentile(big.last, 50);
    return {
      queryMs: first,
      queryMaxMs: Math.max(...big.first, ...big.last),
      notes: {
        groups: size,
        pages: big.pages,
        lastPageLines: big.lines,
        lastPageMs: Math.round(last * 100) / 100,
        baselineGroups: BASELINE_GROUPS,
        baselineMs: Math.round(baseFirst * 100) / 100,
        baselineLastPageMs: Math.round(baseLast * 100) / 100,
        ratioFirstPage: Math.round((first / baseFirst) * 100) / 100,
        ratioLastPage: Math.round((last / baseLast) * 100) / 100,
      },
    };
  },
};
