// A private Postgres schema per test: a fresh name for a store's `schema` option, and its drop.

import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A new schema name, unique per call (`test_<32 hex digits>`). */
export function newTestSchema(): string {
  return `test_${randomUUID().replaceAll('-', '')}`;
}

/** Drops `schema` with everything in it, through a short-lived connection to `url`. */
export async function dropTestSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
