// Finds option keys the client does not know (a misspelt `heartbeatMS`, say), each with the known
// key nearest to it, so that `createChatClient` can say so once instead of silently ignoring it.

/** An option key that is not known, and the known key it most likely meant. */
export interface UnknownOption {
  /** The key as given, with its parent for nested options (`retry.maxRetry`). */
  key: string;
  /** The known key nearest to it, in the same form (`retry.maxRetries`). */
  nearest: string;
}

/**
 * The keys of `given` that are not in `known` (own enumerable string keys; values are not looked
 * at), each with the nearest known key by edit distance, ignoring case. `prefix` is prepended to
 * both (`"retry."` for a nested object).
 */
export function findUnknownOptions(
  given: object,
  known: readonly string[],
  prefix = '',
): UnknownOption[] {
  const unknown: UnknownOption[] = [];
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    unknown.push({ key: prefix + key, nearest: prefix + nearestName(key, known) });
  }
  return unknown;
}

/** The name in `names` closest to `name` (Levenshtein distance, ignoring case); the first on ties. */
export function nearestName(name: string, names: readonly string[]): string {
  let best = names[0] ?? '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
