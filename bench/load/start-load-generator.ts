// Starts the load generator (load-generator.ts) as its own process and calls its procedures:
// what the benchmarks and the hardening load suite drive their streams with.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type BenchProcess, startBenchProcess } from '../lib/bench-process.ts';
import type { HoldResult } from './hold-streams.ts';
import type { LoadJob } from './load-job.ts';
import type { LadderJob, LadderResult } from './run-ladder.ts';
import type { LoadProgress, LoadResult } from './run-load.ts';

/** A running load generator. */
export interface LoadGenerator {
  /** Its process (its own CPU time and memory: `process.stats()`). */
  readonly process: BenchProcess;
  /** Runs a job's streams to their end; see `LoadJob`. */
  run(job: LoadJob): Promise<LoadResult>;
  /** How far the clients of the running job have got. */
  progress(): Promise<LoadProgress>;
  /** Opens a job's streams and keeps them open until `release`. */
  hold(job: LoadJob): Promise<HoldResult>;
  /** Closes every held stream. */
  release(): Promise<{ released: number }>;
  /** Runs a concurrency ladder; see `LadderJob`. */
  ladder(job: LadderJob): Promise<LadderResult>;
  /** Stops the process (held streams are closed); resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the load generator and resolves once it is ready. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const process = await startBenchProcess('load generator', 'bench/load/load-generator.ts');
  return {
    process,
    run: (job) => process.call<LoadResult>('run', job),
    progress: () => process.call<LoadProgress>('progress'),
    hold: (job) => process.call<HoldResult>('hold', job),
    release: () => process.call<{ released: number }>('release'),
    ladder: (job) => process.call<LadderResult>('ladder', job),
    stop: () => process.stop(),
  };
}
