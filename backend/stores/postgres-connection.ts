// The pg pool of a Postgres store (opened or adopted), its schema name, typed queries and the
// versioned migrations that N instances starting together run exactly once (advisory lock).

import pg from 'pg';
import { checkOptionKeys } from './check-option-keys.js';
import { withPostgresErrors } from './postgres-storage-error.js';

/** Connection options shared by the Postgres stores. */
export interface PostgresConnectionOptions {
  /**
   * A `pg.Pool` to use, e.g. one shared by `PostgresChatStore` and `PostgresProjectStore` or with
   * the host app. The store does not end it in `close()`. Give the pool an `'error'` listener, as
   * node-postgres asks: without one, an idle connection dropped by a Postgres restart ends the
   * process. Defaults to a pool the store opens (and ends) itself.
   */
  pool?: pg.Pool;
  /**
   * Where the store's own pool connects, e.g. `postgres://user:password@db:5432/app`. Defaults to
   * the libpq environment variables node-postgres reads (`PGHOST`, `PGPORT`, `PGUSER`,
   * `PGPASSWORD`, `PGDATABASE`). Give either `pool` or `connectionString`.
   */
  connectionString?: string;
  /**
   * The Postgres schema (namespace) holding the tables, created when missing: letters, digits and
   * `_`, not starting with a digit, at most 63 characters. Defaults to `public`.
   */
  schema?: string;
  /** Most connections of the store's own pool. Defaults to 10. */
  maxConnections?: number;
  /**
   * How long the store's own pool waits for a connection (to a server that does not answer, or
   * while all are busy) before failing with `STORAGE_ERROR`, in milliseconds. Defaults to 5000.
   */
  connectTimeoutMs?: number;
}

/** The keys of {@link PostgresConnectionOptions}, for the unknown-option check. */
export const POSTGRES_CONNECTION_KEYS = [
  'pool',
  'connectionString',
  'schema',
  'maxConnections',
  'connectTimeoutMs',
] as const;

/** A store's pool, whether it must end it, and its schema as a quoted SQL identifier. */
export interface PostgresConnection {
  pool: pg.Pool;
  owned: boolean;
  schema: string;
  /** `"schema"`, ready to prefix table names. */
  quotedSchema: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks the options (a `TypeError` naming the option for anything wrong, including an unknown
 * key) and opens or adopts the pool. `owner` names the store in messages; `extraKeys` are the
 * store's own options beside the connection ones.
 */
export function openPostgresConnection(
  owner: string,
  options: PostgresConnectionOptions,
  extraKeys: readonly string[] = [],
): PostgresConnection {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${owner}: options must be an object.`);
  }
  checkOptionKeys(owner, options, [...POSTGRES_CONNECTION_KEYS, ...extraKeys]);
  const {
    pool,
    connectionString,
    schema = 'public',
    maxConnections = 10,
    connectTimeoutMs = 5000,
  } = options;
  if (pool !== undefined && connectionString !== undefined) {
    throw new TypeError(`${owner}: pass either \`pool\` or \`connectionString\`, not both.`);
  }
  if (
    pool !== undefined &&
    (typeof pool.query !== 'function' || typeof pool.connect !== 'function')
  ) {
    throw new TypeError(`${owner}: \`pool\` must be a pg.Pool.`);
  }
  if (
    connectionString !== undefined &&
    (typeof connectionString !== 'string' || connectionString === '')
  ) {
    throw new TypeError(`${owner}: \`connectionString\` must be a non-empty string.`);
  }
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `${owner}: \`schema\` must be letters, digits and _ (not starting with a digit, at most 63), e.g. 'schema_chat'.`,
    );
  }
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new TypeError(`${owner}: \`maxConnections\` must be a positive integer (e.g. 10).`);
  }
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
    throw new TypeError(
      `${owner}: \`connectTimeoutMs\` must be a positive integer of milliseconds (e.g. 5000).`,
    );
  }
  const owned = pool === undefined;
  const ownPool =
    pool ??
    new pg.Pool({
      ...(connectionString === undefined ? {} : { connectionString }),
      max: maxConnections,
      connectionTimeoutMillis: connectTimeoutMs,
    });
  // An idle connection that the server dropped (a restart) is reported here; the pool discards it
  // and the next query opens a new one, so there is nothing to do but not crash.
  if (owned) ownPool.on('error', () => {});
  return { pool: ownPool, owned, schema, quotedSchema: `"${schema}"` };
}

// Rows come back with our own parsers, whatever global parsers the host app set on `pg.types`:
// bigint (seq, times in epoch ms, token counts) and integer columns as numbers, booleans as
// booleans, the rest as text.
const PARSERS: Readonly<Record<number, (value: string) => unknown>> = {
  16: (value) => value === 't',
  20: Number,
  21: Number,
  23: Number,
};
const STORE_TYPES = {
  getTypeParser: (oid: number) => PARSERS[oid] ?? ((value: string) => value),
} as unknown as pg.CustomTypesConfig;

/** Anything that runs a query: the pool or a checked-out client. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Runs one statement with the store's type parsers; storage faults become `STORAGE_ERROR`. */
export async function queryRows<Row>(
  client: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<{ rows: Row[]; rowCount: number }> {
  return withPostgresErrors(async () => {
    const result = await (client as pg.Pool).query({ text, values, types: STORE_TYPES });
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  });
}

/**
 * Runs `work` in a transaction on one connection of `pool`: COMMIT when it resolves, ROLLBACK when
 * it rejects (or when it asks for it by returning `{ rollback: true, value }`).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<{ value: T; rollback?: boolean }>,
): Promise<T> {
  const client = await withPostgresErrors(() => pool.connect());
  // A checked-out client has no 'error' listener of the pool's: a connection lost between two
  // statements (a server shutdown) would end the process. The next statement fails and says so.
  const ignore = () => {};
  client.on('error', ignore);
  // A connection that failed BEGIN, COMMIT or ROLLBACK is not trusted again: the pool replaces it.
  let healthy = false;
  try {
    await queryRows(client, 'BEGIN');
    let outcome: { value: T; rollback?: boolean };
    try {
      outcome = await work(client);
    } catch (error) {
      try {
        await queryRows(client, 'ROLLBACK');
        healthy = true;
      } catch {}
      throw error;
    }
    await queryRows(client, outcome.rollback ? 'ROLLBACK' : 'COMMIT');
    healthy = true;
    return outcome.value;
  } finally {
    client.removeListener('error', ignore);
    client.release(healthy ? undefined : true);
  }
}

// The first key of the advisory lock, the second being the schema's hash: "schema-chat".
const LOCK_NAMESPACE = 0x53434854;

/**
 * Brings `component`'s tables in `schema` up to `migrations.length`, in one transaction under an
 * advisory lock on the schema, so N instances starting together on an empty database run each
 * migration once, with no error. Versions are rows of `schema_chat_migrations` (one per applied
 * migration); an up-to-date schema is left alone. Each migration gets the quoted schema to prefix
 * its tables. Throws when the schema was written by a newer schema-chat.
 */
export async function migratePostgresSchema(
  owner: string,
  connection: PostgresConnection,
  component: string,
  migrations: readonly ((quotedSchema: string) => string)[],
): Promise<void> {
  const s = connection.quotedSchema;
  await inTransaction(connection.pool, async (client) => {
    await queryRows(client, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      LOCK_NAMESPACE,
      connection.schema,
    ]);
    // Looked up first: CREATE SCHEMA checks the CREATE privilege even when the schema exists.
    const exists = await queryRows(client, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      connection.schema,
    ]);
    if (exists.rowCount === 0) await queryRows(client, `CREATE SCHEMA ${s}`);
    await queryRows(
      client,
      `CREATE TABLE IF NOT EXISTS ${s}.schema_chat_migrations (
        component text NOT NULL,
        version integer NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (component, version)
      )`,
    );
    const { rows } = await queryRows<{ version: number | null }>(
      client,
      `SELECT max(version) AS version FROM ${s}.schema_chat_migrations WHERE component = $1`,
      [component],
    );
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `${owner}: the schema ${connection.schema} has ${component} version ${current}, newer ` +
          `than this schema-chat's ${migrations.length}; upgrade schema-chat or use another schema.`,
      );
    }
    for (let version = current; version < migrations.length; version += 1) {
      await queryRows(client, (migrations[version] as (quotedSchema: string) => string)(s));
      await queryRows(
        client,
        `INSERT INTO ${s}.schema_chat_migrations (component, version) VALUES ($1, $2)`,
        [component, version + 1],
      );
    }
    return { value: undefined };
  });
}

/**
 * Memoises a store's migration: the first call runs it, later calls share it; a failed run (e.g.
 * Postgres was down at startup) is forgotten, so the next call tries again.
 */
export function onceMigrated(migrate: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= migrate().catch((error: unknown) => {
      done = undefined;
      throw error;
    });
    return done;
  };
}
