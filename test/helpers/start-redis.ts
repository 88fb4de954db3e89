// Starts a throwaway Redis server for tests: no persistence, a free loopback port, its pid file and
// log in a new directory under /tmp, stopped by that pid. stop(), start() and restart() are for
// fault tests ("Redis restarted mid-answer": a restart loses every key, as a real one without
// persistence does); close() ends it for good and deletes the directory.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort, makeServiceDir, run, stopPid, type TestServer } from './service-process.ts';

/**
 * A running throwaway Redis: `url` is `redis://127.0.0.1:<port>`; start() brings it back empty,
 * as a real one without persistence would.
 */
export interface TestRedis extends TestServer {
  /** stop() then start(). */
  restart(): Promise<void>;
}

/** The `redis-server` to run: `SCHEMA_CHAT_REDIS_SERVER`, else the one on the PATH. */
export function findRedisServer(): string | undefined {
  const fromEnv = process.env.SCHEMA_CHAT_REDIS_SERVER;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return undefined;
}

/** Resolves once the server answers PING on `port`, within `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.setTimeout(1000);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('timeout', () => socket.destroy());
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`Redis on port ${port} did not answer PING`);
    await sleep(20);
  }
}

/** Starts a new Redis server; see the file comment. */
export async function startRedis(): Promise<TestRedis> {
  const server = findRedisServer();
  if (server === undefined) {
    throw new Error(
      'Redis is not installed: no redis-server on the PATH (Debian: `apt-get install ' +
        'redis-server`), and SCHEMA_CHAT_REDIS_SERVER is not set.',
    );
  }
  const dir = makeServiceDir('schema-chat-redis-');
  const port = await findFreePort();
  const pidFile = join(dir, 'redis.pid');
  let pid: number | undefined;

  const start = async () => {
    await run(server, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'yes',
      '--pidfile',
      pidFile,
      '--logfile',
      join(dir, 'redis.log'),
    ]);
    await waitForPong(port, 10_000);
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  };
  const stop = async () => {
    const current = pid;
    pid = undefined;
    if (current !== undefined) await stopPid(current, 'SIGTERM');
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return pid;
    },
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
