// Runs a server under test as a child process (`node <script>`), waits for the line that says it
// is ready, keeps its output for failure messages, and always stops it — even when a test fails
// or the worker exits.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there, as `npm start` does. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Options of {@link startNodeProcess}. */
export interface NodeProcessOptions {
  /** Environment on top of this process's. */
  env?: Record<string, string | undefined>;
  /** The stdout line that says the server is ready; its first group is kept as `ready[1]`. */
  ready: RegExp;
  /** How long to wait for `ready`. Defaults to 30000 (two busy cores and a cold start). */
  timeoutMs?: number;
}

/** A running child process. */
export interface NodeProcess {
  child: ChildProcess;
  /** The match of `ready`. */
  ready: RegExpExecArray;
  /** Everything it wrote so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code once it is gone. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// A worker that dies (or a run that is interrupted) must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `node <script>` (relative to the repository root) and waits until it is ready. */
export async function startNodeProcess(
  script: string,
  options: NodeProcessOptions,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : code);
      running.delete(child);
      resolve(code);
    });
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });

  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (exitCode !== undefined) return exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${script} was not ready within ${timeoutMs} ms. Output:\n${output}`)),
        timeoutMs,
      );
      child.stdout?.on('data', (chunk: string) => {
        output += chunk;
        const match = options.ready.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(`${script} exited (code ${code}) before it was ready. Output:\n${output}`),
        );
      });
    });
    return { child, ready, output: () => output, stop };
  } catch (error) {
    await stop(1_000);
    throw error;
  }
}
