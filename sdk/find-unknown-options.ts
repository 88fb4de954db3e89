// Finds option keys nobody reads (a misspelt `heartbeatMS`, say), each with the known key it most
// likely meant, so that the client, the router and the stores say so instead of ignoring it.

import { nearestName, typoDistance } from './nearest-name.js';

/** An option key that is not known, and the known key it most likely meant. */
export interface UnknownOption {
  /** The key as given, with its parent for nested options (`retry.maxRetry`). */
  key: string;
  /**
   * The known key nearest to it, in the same form (`retry.maxRetries`), when it is near enough
   * to be a typo (see `typoDistance`): an unrelated word gets no guess.
   */
  nearest?: string;
}

/**
 * The keys of `given` that are not in `known` (own enumerable string keys; values are not looked
 * at), each with the nearest known key by edit distance, ignoring case, when it is a likely typo. `prefix` is prepended to
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
    const nearest = nearestName(key, known, typoDistance(key));
    unknown.push(
      nearest === undefined
        ? { key: prefix + key }
        : { key: prefix + key, nearest: prefix + nearest },
    );
  }
  return unknown;
}

/** The warning for an ignored option: `unknown option "x" is ignored; did you mean "y"?`. */
export function describeIgnoredOption({ key, nearest }: UnknownOption): string {
  return `unknown option "${key}" is ignored${nearest ? `; did you mean "${nearest}"?` : '.'}`;
}
