// Finds option keys the client does not know (a misspelt `heartbeatMS`, say), each with the known
// key nearest to it, so that `createChatClient` can say so once instead of silently ignoring it.

import { nearestName } from './nearest-name.js';

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
    unknown.push({ key: prefix + key, nearest: prefix + (nearestName(key, known) ?? '') });
  }
  return unknown;
}
