// The orchestrator side of the bench's IPC channel: forks a child (a server under test, a
// reference, the load generator), waits until it is ready, asks it for its figures and calls its
// procedures, and always stops it, even when a scenario fails.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProcessStats } from './bench-ipc.ts';

/** The repository root: children run there, so `schema-chat/express` resolves to the build. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

/** A running child. */
export interface BenchProcess {
  readonly name: string;
  readonly pid: number;
  /** What the child said when it became ready (its port, url…). */
  readonly info: Record<string, unknown>;
  /** Its CPU time and memory now; `gc` runs a full collection first. */
  stats(gc?: boolean): Promise<ProcessStats>;
  /** Calls one of its procedures. */
  call<T>(name: string, args?: unknown): Promise<T>;
  /** The last lines it wrote to stderr (for failure messages). */
  output(): string;
  /** Asks it to exit; kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// An orchestrator that dies must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Forks `script` (relative to the repository root) and waits for its ready message. */
export async function startBenchProcess(
  name: string,
  script: string,
  options: BenchProcessOptions = {},
): Promise<BenchProcess> {
  const child = fork(script, options.args ?? [], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? ['--expose-gc'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });

  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (message: { type: string; id?: number; value?: unknown; error?: string }) => {
    if (message.type !== 'reply' || message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (!waiter) return;
    if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
    else waiter.resolve(message.value);
  });
  void exited.then(() => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${name} exited. Output:\n${output}`));
    }
    pending.clear();
  });
  const request = <T>(message: object): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...message, id });
    });

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} was not ready within ${timeoutMs} ms. Output:\n${output}`)),
        timeoutMs,
      );
      child.on('message', (message: { type: string }) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message as Record<string, unknown>);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready. Output:\n${output}`));
      });
    });
    return {
      name,
      pid: child.pid ?? -1,
      info,
      stats: (gc = false) => request<ProcessStats>({ type: 'stats', gc }),
      call: <T>(procedure: string, args?: unknown) =>
        request<T>({ type: 'call', name: procedure, args }),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop(1_000);
    throw error;
  }
}
