// The child side of the bench's IPC channel: every server and the load generator report that they
// are ready, answer `stats` requests (their own CPU time and memory, after a full GC when asked)
// and stop on request, so the orchestrator measures each process from outside its event loop.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { readFileSync } from 'node:fs';

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

/** A message from the orchestrator. */
export type ParentMessage =
  | { type: 'stats'; id: number; gc?: boolean }
  | { type: 'call'; id: number; name: string; args: unknown }
  | { type: 'stop' };

/** Handlers a child registers for `call` messages (the load generator's jobs, resets…). */
export type CallHandlers = Record<string, (args: never) => unknown>;

/** Options of {@link serveBenchIpc}. */
export interface BenchIpcOptions {
  /** Extra figures added to every stats reply. Defaults to none. */
  extra?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Named procedures the orchestrator may call. Defaults to none. */
  calls?: CallHandlers;
  /** Runs before the process exits on `stop`. Defaults to nothing. */
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
 * Answers the orchestrator: `stats`, `call` and `stop`. Exits when the IPC channel closes, so a
 * child never outlives an orchestrator that crashed.
 */
export function serveBenchIpc(options: BenchIpcOptions = {}): void {
  if (!process.send) throw new Error('bench child: start me with an IPC channel (fork).');
  const reply = (message: object) => process.send?.(message);
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'stats') {
      reply({
        type: 'reply',
        id: message.id,
        value: await readProcessStats(message.gc === true, options.extra),
      });
    } else if (message.type === 'call') {
      const handler = options.calls?.[message.name];
      try {
        if (!handler) throw new Error(`no procedure "${message.name}"`);
        const value = await handler(message.args as never);
        reply({ type: 'reply', id: message.id, value });
      } catch (error) {
        reply({ type: 'reply', id: message.id, error: (error as Error).stack ?? String(error) });
      }
    } else if (message.type === 'stop') {
      await options.onStop?.();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Tells the orchestrator the child is ready, with whatever it needs to know (port, url…). */
export function reportReady(info: Record<string, unknown>): void {
  process.send?.({ type: 'ready', pid: process.pid, ...info });
}
