/**
 * Text fingerprints and similarity for the near-duplicate filter: spam that changes a space,
 * case or an emoji is still the same post.
 */

/** Lowercase, NFKC, without whitespace, punctuation or symbols (emoji). */
export function fingerprint(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(chars: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * `similarity(a, ·)` with `a`'s bigrams counted once, for comparing one new post against a
 * member's recent ones. Gives exactly `similarity(a, b)`.
 */
export function similarityTo(a: string): (b: string) => number {
  const ca = [...a];
  let ga: Map<string, number> | undefined;
  return (b) => {
    if (a === b) return 1;
    const cb = [...b];
    if (ca.length < 2 || cb.length < 2) return 0;
    ga ??= bigrams(ca);
    const gb = bigrams(cb);
    // Each text of n characters has n - 1 bigrams.
    const total = ca.length - 1 + (cb.length - 1);
    let shared = 0;
    for (const [g, n] of gb) shared += Math.min(n, ga.get(g) ?? 0);
    return (2 * shared) / total;
  };
}

/** Dice coefficient over character bigrams (0 = nothing shared, 1 = the same); works for CJK too. */
export function similarity(a: string, b: string): number {
  return similarityTo(a)(b);
}
