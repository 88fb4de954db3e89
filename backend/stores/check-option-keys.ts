// Pure check of an options object against the keys a constructor knows: a misspelt option is
// reported at setup, naming the key that was probably meant, instead of being silently ignored.

import { findUnknownOptions } from '../../sdk/find-unknown-options.js';

/**
 * Throws a `TypeError` naming every key of `options` that `known` lacks, each with the nearest
 * known key when there is one (`owner` names the constructor in the message).
 */
export function checkOptionKeys(owner: string, options: object, known: readonly string[]): void {
  const unknown = findUnknownOptions(options, known);
  if (unknown.length === 0) return;
  const described = unknown.map(({ key, nearest }) =>
    nearest === undefined ? `\`${key}\`` : `\`${key}\` (did you mean \`${nearest}\`?)`,
  );
  throw new TypeError(
    `${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; ` +
      `the options are ${known.map((key) => `\`${key}\``).join(', ')}.`,
  );
}
