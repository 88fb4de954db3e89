// Records what one hardening check measured (cases tried, failures, figures) as a small JSON file
// in test-output/hardening/, which `npm run test:hardening` gathers into its summary table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardeningMode } from './hardening-mode.ts';

/** Where the records go (git-ignored). */
export const HARDENING_RESULTS_DIR = fileURLToPath(
  new URL('../../test-output/hardening/', import.meta.url),
);

/** One row of the summary table. */
export interface HardeningResult {
  /** The suite, e.g. `crash-safety`. */
  suite: string;
  /** What was checked, e.g. `SIGKILL during 50 streams`. */
  check: string;
  /** Cases tried (requests, streams, rounds … as `unit` says). */
  tried: number;
  /** What `tried` counts, e.g. `rounds`. */
  unit: string;
  /** Cases that broke the property. The test fails unless this is 0. */
  failures: number;
  /** Measured figures, e.g. `{ "p50 ms": 3.1 }`. */
  figures?: Record<string, string | number>;
  /** e.g. `held 5 s (60 s in the full run)`. */
  note?: string;
}

/** Writes the record (before the test asserts, so a failing run still reports its counts). */
export function recordHardeningResult(result: HardeningResult): void {
  mkdirSync(HARDENING_RESULTS_DIR, { recursive: true });
  const name = `${result.suite}--${result.check}`.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
  writeFileSync(
    join(HARDENING_RESULTS_DIR, `${name}.json`),
    `${JSON.stringify({ ...result, mode: hardeningMode, at: new Date().toISOString() })}\n`,
  );
}
