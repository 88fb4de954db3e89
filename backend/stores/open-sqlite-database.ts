// Opens (or adopts) the better-sqlite3 connection of a SQLite store and applies the settings it relies on.

import Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-database.js';
import { withStorageErrors } from './sqlite-storage-error.js';

/** Connection options shared by the SQLite stores. */
export interface SqliteConnectionOptions {
  /** Database file; `:memory:` keeps everything in memory. Defaults to `:memory:`. */
  path?: string;
  /** An open connection to share instead of opening `path`. Defaults to none. */
  database?: SqliteDatabase;
  /** How long a write waits for another connection's lock, in ms. Defaults to 5000. */
  busyTimeoutMs?: number;
}

/** A connection and whether the store opened it (and so must close it). */
export interface SqliteConnection {
  database: Database.Database;
  owned: boolean;
}

/** Default of {@link SqliteConnectionOptions.busyTimeoutMs}. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens `path` (or adopts `database`) and configures the connection: WAL, `synchronous = NORMAL`,
 * foreign keys, `busy_timeout`. Throws a `TypeError` naming the option for bad options, and
 * `STORAGE_ERROR` when the file is not a usable database. `owner` names the store in messages.
 */
export function openSqliteDatabase(
  owner: string,
  options: SqliteConnectionOptions = {},
): SqliteConnection {
  const { path, database, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS } = options;
  if (path !== undefined && database !== undefined) {
    throw new TypeError(`${owner}: pass either \`path\` or \`database\`, not both.`);
  }
  if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
    throw new TypeError(`${owner}: \`path\` must be a file path or ':memory:'.`);
  }
  if (database !== undefined && (typeof database.prepare !== 'function' || !database.open)) {
    throw new TypeError(`${owner}: \`database\` must be an open better-sqlite3 Database.`);
  }
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 2 ** 31 - 1) {
    throw new TypeError(
      `${owner}: \`busyTimeoutMs\` must be a non-negative integer of milliseconds (e.g. 5000).`,
    );
  }

  const owned = database === undefined;
  // A host's connection is a better-sqlite3 Database: checked above, typed loosely in the API.
  const db =
    (database as Database.Database | undefined) ??
    new Database(path ?? ':memory:', { timeout: busyTimeoutMs });
  try {
    withStorageErrors(() => {
      // The first read of the file: a corrupt or foreign file fails here, before any migration.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      // WAL: readers never block the writer and each commit is one append (https://sqlite.org/wal.html).
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL loses no committed transaction when the *process* dies (kill -9, crash),
      // which is the guarantee we make; an OS crash or power cut may lose the last commits but never
      // corrupts the file (https://sqlite.org/pragma.html#pragma_synchronous). FULL would add an
      // fsync to every commit, i.e. to every progress checkpoint of every stream.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    });
  } catch (error) {
    if (owned) db.close();
    throw error;
  }
  return { database: db, owned };
}
