// Pure check of an options object against the keys a constructor knows: a misspelt option is
// reported at setup, naming the key that was probably meant, instead of being silently ignored.

import { nearestName, typoDistance } from '../../sdk/nearest-name.js';

/** The known key nearest to `key`, when it is near enough to be a likely typo. */
export function findNearestKey(key: string, known: readonly string[]): string | undefined {
  // A third of the length (at least 2) catches typos and case slips, not unrelated words.
  return nearestName(key, known, typoDistance(key));
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
