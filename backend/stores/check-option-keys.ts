// Pure check of an options object against the keys a constructor knows: a misspelt option is
// reported at setup, naming the key that was probably meant, instead of being silently ignored.

/** Edit distance (insertions, deletions, substitutions), compared case-insensitively. */
function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/** The known key nearest to `key`, when it is near enough to be a likely typo. */
export function findNearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the length (at least 2) catches typos and case slips, not unrelated words.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Throws a `TypeError` naming every key of `options` that `known` lacks, each with the nearest
 * known key when there is one (`owner` names the constructor in the message).
 */
export function checkOptionKeys(owner: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const described = unknown.map((key) => {
    const nearest = findNearestKey(key, known);
    return nearest === undefined ? `\`${key}\`` : `\`${key}\` (did you mean \`${nearest}\`?)`;
  });
  throw new TypeError(
    `${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; ` +
      `the options are ${known.map((key) => `\`${key}\``).join(', ')}.`,
  );
}
