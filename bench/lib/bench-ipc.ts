// The child side of the bench's IPC channel: every server and the load generator report that they
// are ready, answer `stats` calls (their own CPU time and memory, after a full GC when asked) and
// their own procedures, and stop on SIGTERM, so the orchestrator measures each process from
// outside its event loop. The channel itself is test/helpers/serve-ipc-calls.ts.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { readFileSync } from 'node:fs';
import { type IpcCalls, serveIpcCalls } from '../../test/helpers/serve-ipc-calls.ts';

/** What a child reports about itself. */
export interface ProcessStats {
  pid: number;
  /** User + system CPU time of the whole process since it started, in microseconds. */
  cpuUs: number;
  /** Resident set size from `/proc/self/status` (VmRSS), in KiB. */
  rssKb: number;
  heapUsedBytes: number;
  /** Whether a full GC ran just before the figures were read. */
  gc: boolean;
  /** Extra figures of the child (open streams, store timings…). */
  extra: Record<string, unknown>;
  /** `process.memoryUsage()` in bytes (heap total, external, array buffers…). */
  memory: NodeJS.MemoryUsage;
}

/** Options of {@link serveBenchIpc}. */
export interface BenchIpcOptions {
  /** Extra figures added to every stats reply. Defaults to none. */
  extra?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Named procedures the orchestrator may call (the load generator's jobs, resets…). Defaults to none. */
  calls?: IpcCalls;
  /** Runs before the process exits on SIGTERM. Defaults to nothing. */
  onStop?: () => Promise<void> | void;
}

/** Reads VmRSS of this process, in KiB. */
export function readRssKb(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

/** Two full collections with a turn of the event loop between them (weak refs, finalizers). */
export async function collectGarbage(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return true;
}

/** Reads this process's figures. */
export async function readProcessStats(
  runGc: boolean,
  extra?: BenchIpcOptions['extra'],
): Promise<ProcessStats> {
  const gc = runGc ? await collectGarbage() : false;
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    cpuUs: cpu.user + cpu.system,
    rssKb: readRssKb(),
    heapUsedBytes: process.memoryUsage().heapUsed,
    memory: process.memoryUsage(),
    gc,
    extra: extra ? await extra() : {},
  };
}

/**
 * Serves `stats` (`{ gc }`: {@link ProcessStats}) and the child's own procedures over the IPC
 * channel; exits 0 on SIGTERM after `onStop`, and when the channel closes.
 */
export function serveBenchIpc(options: BenchIpcOptions = {}): void {
  serveIpcCalls({
    calls: {
      ...options.calls,
      stats: ({ gc }: { gc?: boolean }) => readProcessStats(gc === true, options.extra),
    },
    ...(options.onStop ? { onStop: options.onStop } : {}),
  });
}
