// The public face of a better-sqlite3 connection: what a host uses next to the SQLite stores,
// declared without importing better-sqlite3's types, so TypeScript users need no
// `@types/better-sqlite3` to compile against this package.

/** A prepared statement of {@link SqliteDatabase}. */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * An open better-sqlite3 `Database`, as the public API names it: the part of it a host uses next
 * to the stores, declared here so that TypeScript users need no `@types/better-sqlite3`. A real
 * better-sqlite3 connection is one.
 */
export interface SqliteDatabase {
  /** The file (or `:memory:`). */
  readonly name: string;
  /** Whether the connection is open. */
  readonly open: boolean;
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}
