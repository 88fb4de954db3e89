// @ts-check
// Stops `npm start`, `npm test` and `npm run bench` on a Node.js too old to run them, with one line
// saying which version is needed and which one runs, instead of ERR_UNKNOWN_FILE_EXTENSION from
// deep inside. Plain JavaScript that any Node.js can parse: it must run before anything else can.

import { pathToFileURL } from 'node:url';

/** The oldest Node.js that runs `.ts` files without a flag (type stripping on by default). */
export const MINIMUM_NODE = '22.18.0';

/**
 * The problem with running `version` (e.g. `20.20.2`), or `undefined` when it is new enough.
 * @param {string} version
 * @returns {string | undefined}
 */
export function describeNodeVersionProblem(version) {
  const running = version.replace(/^v/, '').split('.').map(Number);
  const needed = MINIMUM_NODE.split('.').map(Number);
  // The first part that differs decides; all equal is new enough.
  const index = needed.findIndex((part, i) => (running[i] ?? 0) !== part);
  const newEnough = index === -1 || (running[index] ?? 0) > (needed[index] ?? 0);
  if (newEnough) return undefined;
  return `schema-chat needs Node.js ${MINIMUM_NODE} or later; this is Node.js ${version.replace(/^v/, '')}. Install a newer one (https://nodejs.org) and run the command again.`;
}

// Run as a script (npm's pre-hooks), not imported by its test; pathToFileURL also handles
// spaces and Windows paths.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problem = describeNodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
