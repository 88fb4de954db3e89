// The orchestrator side of the bench's IPC channel: starts a child (a server under test, a
// reference, the load generator) with test/helpers/start-node-process.ts, waits until it reports
// ready, and reads its figures; callers stop it, even when a scenario fails.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import {
  type NodeProcess,
  type ReadyInfo,
  startNodeProcess,
} from '../../test/helpers/start-node-process.ts';
import type { ProcessStats } from './bench-ipc.ts';

/** Options of {@link startBenchProcess}. */
export interface BenchProcessOptions {
  /** Arguments after the script. Defaults to none. */
  args?: string[];
  /** Environment on top of this process's. Defaults to none. */
  env?: Record<string, string>;
  /** Node flags. Defaults to `['--expose-gc']` (memory figures are read after a full GC). */
  execArgv?: string[];
  /** How long to wait for the ready message, ms. Defaults to 30000. */
  readyTimeoutMs?: number;
}

/** A running child of the bench: `ready` holds what it reported (its port, url…). */
export interface BenchProcess extends NodeProcess<ReadyInfo> {
  /** Its CPU time and memory now; `gc` runs a full collection first. */
  stats(gc?: boolean): Promise<ProcessStats>;
}

/** Starts `script` (relative to the repository root, serving `serveBenchIpc`) until it is ready. */
export async function startBenchProcess(
  name: string,
  script: string,
  options: BenchProcessOptions = {},
): Promise<BenchProcess> {
  const child = await startNodeProcess(script, {
    name,
    ready: 'ipc',
    execArgv: options.execArgv ?? ['--expose-gc'],
    timeoutMs: options.readyTimeoutMs ?? 30_000,
    ...(options.args ? { args: options.args } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return Object.assign(child, {
    stats: (gc = false) => child.call<ProcessStats>('stats', { gc }),
  });
}
