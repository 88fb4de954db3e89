// Runs a Node script as a child process for a test or a benchmark: starts it with its environment
// and arguments, waits until it says it is ready (a stdout line, or an IPC `ready` message with
// `serveIpcCalls`), keeps its output for failure messages, and stops it (SIGTERM, then SIGKILL),
// always: a worker or orchestrator that exits kills what it started.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type ChildProcess, spawn } from 'node:child_process';
import { createIpcCaller, type IpcCaller } from './create-ipc-caller.ts';
import { REPO_ROOT } from './repo-root.ts';
import type { IpcMessage } from './serve-ipc-calls.ts';

/** What an IPC child said when it became ready (`reportReady`): its pid, port, url… */
export type ReadyInfo = Record<string, unknown> & { pid: number };

/** Options of {@link startNodeProcess}. */
export interface NodeProcessOptions {
  /**
   * What says the child is ready: a match of this in its stdout (its groups are kept in
   * `ready`), or `'ipc'`: the child gets an IPC channel and reports ready with `reportReady`.
   */
  ready: RegExp | 'ipc';
  /** Arguments after the script. Defaults to none. */
  args?: string[];
  /** Environment on top of this process's (`undefined` removes a variable). Defaults to none. */
  env?: Record<string, string | undefined>;
  /** Node flags, e.g. `['--expose-gc']`. Defaults to none (not this process's). */
  execArgv?: string[];
  /** Working directory; `script` is relative to it. Defaults to the repository root. */
  cwd?: string;
  /** How long to wait for `ready`, ms. Defaults to 30000 (two busy cores and a cold start). */
  timeoutMs?: number;
  /** The child's name in error messages. Defaults to `script`. */
  name?: string;
}

/** A running child process; `Ready` is what said it was ready (`ReadyInfo` for an IPC child). */
export interface NodeProcess<Ready = RegExpExecArray> {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The match of the ready pattern, or the IPC child's ready message (without its `type`). */
  readonly ready: Ready;
  /** Whether it has exited. */
  readonly exited: boolean;
  /** The last 100 000 characters it wrote (stdout and stderr interleaved). */
  output(): string;
  /** Calls a procedure of an IPC child (`serveIpcCalls`); rejects for a child without IPC. */
  call: IpcCaller;
  /**
   * Sends `signal` (SIGTERM by default), then SIGKILL after `graceMs` (default 10000); resolves
   * with the exit code once it is gone (null when a signal ended it).
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Output kept per child, in characters. */
const KEEP = 100_000;
/** Output quoted in an error message, in characters. */
const QUOTE = 8_000;

const running = new Set<ChildProcess>();
// A worker that dies (or a run that is interrupted) must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `node <script>` and waits for its stdout to match `options.ready`. */
export function startNodeProcess(
  script: string,
  options: NodeProcessOptions & { ready: RegExp },
): Promise<NodeProcess<RegExpExecArray>>;
/** Starts `node <script>` with an IPC channel and waits for its `ready` message. */
export function startNodeProcess(
  script: string,
  options: NodeProcessOptions & { ready: 'ipc' },
): Promise<NodeProcess<ReadyInfo>>;
export async function startNodeProcess(
  script: string,
  options: NodeProcessOptions,
): Promise<NodeProcess<RegExpExecArray | ReadyInfo>> {
  const name = options.name ?? script;
  const ipc = options.ready === 'ipc';
  const child = spawn(
    process.execPath,
    [...(options.execArgv ?? []), script, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let output = '';
  const keep = (chunk: string) => {
    output += chunk;
    // The tail only: a long run must not hold every log line.
    if (output.length > 2 * KEEP) output = output.slice(-KEEP);
  };
  const quote = () => output.slice(-QUOTE);
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      running.delete(child);
      resolve(code);
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) => {
    if (exitCode !== undefined) return exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const ready = await new Promise<RegExpExecArray | ReadyInfo>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${name} was not ready within ${timeoutMs} ms. Output:\n${quote()}`)),
        timeoutMs,
      );
      const done = (value: RegExpExecArray | ReadyInfo) => {
        clearTimeout(timer);
        resolve(value);
      };
      if (options.ready === 'ipc') {
        child.on('message', (message: IpcMessage) => {
          if (message.type !== 'ready') return;
          const { type: _, ...info } = message;
          done(info);
        });
      } else {
        const pattern = options.ready;
        let stdout = '';
        const watch = (chunk: string) => {
          stdout += chunk;
          const match = pattern.exec(stdout);
          if (!match) return;
          child.stdout?.off('data', watch);
          done(match);
        };
        child.stdout?.on('data', watch);
      }
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}) before it was ready. Output:\n${quote()}`));
      });
    });
    return {
      name,
      child,
      pid: child.pid ?? -1,
      ready,
      get exited() {
        return exitCode !== undefined;
      },
      output: () => output,
      call: createIpcCaller(child, name, quote),
      stop,
    };
  } catch (error) {
    await stop('SIGTERM', 1_000);
    throw error;
  }
}
