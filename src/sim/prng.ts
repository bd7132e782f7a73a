/**
 * A small seeded pseudo-random generator (mulberry32 seeded through a string hash), so a
 * generated community is the same on every machine and Node version for the same seed.
 * `Math.random` cannot be seeded, and a dependency would be overkill for ~20 lines.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
  /** Pareto-distributed value ≥ `min` with tail index `alpha`: the heavy tail of activity. */
  pareto(alpha: number, min: number): number;
  /** Geometric count ≥ 0 with the given mean. */
  geometric(mean: number): number;
}

/** A 32-bit hash of a seed string (cyrb-style mixing), the state mulberry32 starts from. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A generator seeded from any string or number. */
export function seededRng(seed: string | number): Rng {
  let a = hashSeed(String(seed));
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    pareto: (alpha, min) => min / Math.pow(1 - next(), 1 / alpha),
    geometric: (mean) => (mean <= 0 ? 0 : Math.floor(Math.log(1 - next()) / Math.log(mean / (mean + 1)))),
  };
}
