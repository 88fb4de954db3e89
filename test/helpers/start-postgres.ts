// Starts a throwaway Postgres server for tests: `initdb` into a new directory under /tmp, served on
// a free loopback port (and a socket in that directory) with fsync off, stopped by the pid in its
// postmaster.pid. Postgres refuses to run as root, so under root it runs as the `postgres` user.
// stop() and start() are for fault tests ("Postgres stopped, then started"); close() ends it for
// good and deletes its data.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  findFreePort,
  lookUpUser,
  makeServiceDir,
  run,
  stopPid,
  type TestServer,
} from './service-process.ts';

/**
 * A running throwaway Postgres: `url` is `postgres://postgres@127.0.0.1:<port>/postgres` (trust
 * authentication, no password); stop() is a fast shutdown (open connections are ended); start()
 * keeps the data.
 */
export type TestPostgres = TestServer;

/**
 * The directory of `initdb`, `pg_ctl` and `postgres`: `SCHEMA_CHAT_POSTGRES_BIN`, else the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian's layout), else undefined.
 */
export function findPostgresBin(): string | undefined {
  const fromEnv = process.env.SCHEMA_CHAT_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Initialises and starts a new Postgres server; see the file comment. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (bin === undefined) {
    throw new Error(
      'Postgres is not installed: no /usr/lib/postgresql/<version>/bin/initdb (Debian: ' +
        '`apt-get install postgresql`), and SCHEMA_CHAT_POSTGRES_BIN is not set.',
    );
  }
  const root = process.getuid?.() === 0;
  const user = root ? 'postgres' : undefined;
  const dir = makeServiceDir(
    'schema-chat-postgres-',
    root ? await lookUpUser('postgres') : undefined,
  );
  const data = join(dir, 'data');
  const port = await findFreePort();
  try {
    // --no-sync and fsync=off: a test database need not survive a power cut, and both save seconds.
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      user,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const settings = [
    `-k ${dir}`,
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const readPid = (): number | undefined => {
    const file = join(data, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) ? pid : undefined;
  };
  let pid: number | undefined;

  const start = async () => {
    await run(
      join(bin, 'pg_ctl'),
      ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', '-o', settings, 'start'],
      user,
    );
    pid = readPid();
  };
  const stop = async () => {
    const current = pid ?? readPid();
    pid = undefined;
    // SIGINT is Postgres's fast shutdown: roll back open transactions, end connections, exit.
    if (current !== undefined) await stopPid(current, 'SIGINT');
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    get pid() {
      return pid;
    },
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
