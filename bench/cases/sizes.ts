/**
 * Days of generated activity per community size: enough days for streaks at 1k, few enough that
 * the 100k run (≈190k events, mostly first contacts) stays within a minute or two on 2 cores.
 */
export function communityDays(size: number): number {
  return size <= 1_000 ? 30 : size <= 10_000 ? 7 : 2;
}
