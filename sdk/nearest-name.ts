// The known name nearest to a misspelt one — an option key (`timeouts.flushMS` → `flushMs`), a
// table or a column — by edit distance. Pure, for the client, the element and the server alike.

/**
 * Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring),
 * cut off above `limit` (returns `limit + 1` as soon as the distance must exceed it).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  let previous2 = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        value = Math.min(value, (previous2[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous2, previous, current] = [previous, current, previous2];
  }
  return previous[b.length] as number;
}

/**
 * The name in `names` nearest to `name`, ignoring case (the first on ties), or `undefined` when
 * even the nearest is more than `maxDistance` edits away. Defaults to no limit.
 */
export function nearestName(
  name: string,
  names: Iterable<string>,
  maxDistance = Number.POSITIVE_INFINITY,
): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const distance = editDistance(
      wanted,
      candidate.toLowerCase(),
      Math.min(maxDistance, bestDistance),
    );
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

/**
 * The distance within which a name counts as a typo of another: a third of it rounded up, at
 * least 2 (so `maxRetry` still finds `maxRetries`, and `signal` never finds `fetch`).
 */
export function typoDistance(name: string): number {
  return Math.max(2, Math.ceil(name.length / 3));
}
