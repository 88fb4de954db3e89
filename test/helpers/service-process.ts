// Small process helpers shared by the throwaway Postgres and Redis servers of the tests: a free
// loopback port, a private directory under /tmp, running a command (as another user when root),
// and stopping a daemon by the pid it wrote.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A throwaway server of the tests, on a loopback port, with its files in `dir`. */
export interface TestServer {
  url: string;
  port: number;
  /** Holds the server's data, pid file, socket and log. */
  dir: string;
  /** The server's pid while it runs. */
  readonly pid: number | undefined;
  /** Ends the server by pid, as an operator stopping it would: clients lose their connections. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  close(): Promise<void>;
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** A new directory `/tmp/<prefix>XXXXXX`, owned by `owner` (uid and gid) when given. */
export function makeServiceDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(`/tmp/${prefix}`);
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** The uid and gid of a system user, from `id`. */
export async function lookUpUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, name])).stdout)),
  );
  return { uid: uid as number, gid: gid as number };
}

/**
 * Runs `file args` to completion (as `user` through runuser when given); rejects with its output
 * when it fails, so a test failure says why the server would not start.
 */
export async function run(file: string, args: readonly string[], user?: string): Promise<string> {
  const [command, commandArgs] =
    user === undefined ? [file, args] : ['runuser', ['-u', user, '--', file, ...args]];
  try {
    return (await execFileAsync(command, commandArgs, { timeout: 60_000 })).stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...commandArgs].join(' ')} failed:\n${stdout}${stderr}`, {
      cause: error,
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends `signal` to `pid` and waits until the process is gone; after `graceMs` it is killed
 * (SIGKILL). Resolves at once when it is not running.
 */
export async function stopPid(
  pid: number,
  signal: NodeJS.Signals,
  graceMs = 10_000,
): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(20);
      return;
    }
    await sleep(20);
  }
}
