// The known name closest to a misspelt one, for setup messages such as
// `unknown option "timeouts.flushMS"; did you mean "timeouts.flushMs"?`.

import { editDistance } from '../sql-check/closest-name.js';

/**
 * The name in `names` closest to `name`, ignoring case, or `undefined` when none is close: at
 * most a third of the name's length (and at least 2) edits away.
 */
export function nearestName(name: string, names: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
