import type { BenchCase } from '../case.ts';

/** An idle child process with the same loader: the RSS floor every other case's figure includes. */
export const baselineCase: BenchCase = {
  name: 'baseline',
  title: 'idle child (RSS floor)',
  sizes: [0],
  quickSizes: [0],
  run: () => ({}),
};
