/**
 * Text fingerprints and similarity for the near-duplicate filter: spam that changes a space,
 * case or an emoji is still the same post.
 */

/** Lowercase, NFKC, without whitespace, punctuation or symbols (emoji). */
export function fingerprint(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

function bigrams(s: string): Map<string, number> {
  const chars = [...s];
  const out = new Map<string, number>();
  for (let i = 0; i < chars.length - 1; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient over character bigrams (0 = nothing shared, 1 = the same); works for CJK too. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if ([...a].length < 2 || [...b].length < 2) return 0;
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  let total = 0;
  for (const n of ga.values()) total += n;
  for (const [g, n] of gb) {
    total += n;
    shared += Math.min(n, ga.get(g) ?? 0);
  }
  return (2 * shared) / total;
}
