// One SQLite file serves one process. A second process on the same file (a second `npm start`,
// `node --cluster`, PM2) would see the first one's running answers as its own to recover, keep
// its own run registry and limits, and block the first on every write: it is refused at
// start-up, with the fix. The claim is a row naming the serving process; a row left by a process
// that died (kill -9) is taken over. A row from another host cannot be checked and is taken over
// too (SQLite on a shared network disk is unsupported anyway).

import { hostname } from 'node:os';
import type Database from 'better-sqlite3';

interface ServingRow {
  pid: number;
  host: string;
}

/** Claims `db` for this process; throws when another live process on this host serves it. */
export function claimSqliteFile(db: Database.Database): void {
  const host = hostname();
  db.transaction(() => {
    const row = db.prepare('SELECT pid, host FROM serving_process WHERE id = 1').get() as
      | ServingRow
      | undefined;
    if (row && row.pid !== process.pid && row.host === host && isAlive(row.pid)) {
      throw new Error(
        `SqliteChatStore: ${db.name} is already served by process ${row.pid} on this machine. ` +
          'One SQLite file serves one process; to run several instances, use PostgresChatStore ' +
          '(schema-chat/postgres) with a RedisRunRegistry (schema-chat/redis), or give each ' +
          'process its own file.',
      );
    }
    db.prepare(
      `INSERT INTO serving_process (id, pid, host, started_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
         started_at = excluded.started_at`,
    ).run(process.pid, host, Date.now());
  }).immediate();
}

/** Gives the file up, if this process holds it (on close). */
export function releaseSqliteFile(db: Database.Database): void {
  db.prepare('DELETE FROM serving_process WHERE id = 1 AND pid = ?').run(process.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
