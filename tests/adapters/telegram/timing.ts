import type { ThrottleTiming } from '../../../adapters/telegram/throttle.ts';

/**
 * A virtual clock for the adapter's throttle and backoffs. `sleep` records the wait and moves the
 * clock forward on the next turn of the event loop (after callers that did not wait have run), so
 * waits cost no real time; an aborted signal ends the wait at once.
 */
export function fakeTiming(start = 0): { timing: ThrottleTiming; waits: number[]; at: () => number } {
  let now = start;
  const waits: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    waits.push(ms);
    const until = now + ms;
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw new Error('aborted');
    now = Math.max(now, until);
  };
  return { timing: { now: () => now, sleep }, waits, at: () => now };
}
