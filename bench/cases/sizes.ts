/**
 * Days of generated activity per community size: enough days for streaks at 1k, few enough that
 * the 100k run (≈190k events, mostly first contacts) stays within a minute or two on 2 cores.
 */
export function communityDays(size: number): number {
  return size <= 1_000 ? 30 : size <= 10_000 ? 7 : 2;
}

/** Sizes shared by the cases that replay a generated community (pipeline and its raw ceiling). */
export const COMMUNITY_SIZES = {
  sizes: [1_000, 10_000, 100_000],
  quickSizes: [1_000, 10_000],
  communityDays,
} as const;
