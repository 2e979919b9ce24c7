/**
 * The nearest of some names to a misspelt one (by edit distance, within a
 * third of its length), for "did you mean" suggestions: in diagnostics and
 * in the messages about the inputs JSON. `editDistance` serves the other
 * suggestions (configuration keys, commands, section keywords).
 */

/** The candidate nearest to `name`, or undefined when none is near enough. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    if (Math.abs(name.length - c.length) > 3) continue;
    const d = editDistance(name, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestDist <= limit ? best : undefined;
}

/** The edit (Levenshtein) distance between two short words: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
