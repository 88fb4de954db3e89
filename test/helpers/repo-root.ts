// Where the repository is on disk, for helpers that run children or read files there. No
// imports but Node's, so that Node runs it directly (the benchmarks) as well as vitest.

import { fileURLToPath } from 'node:url';

/** The repository root, ending in `/`: children run there, as `npm start` does. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
