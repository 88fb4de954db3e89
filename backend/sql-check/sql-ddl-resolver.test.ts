// SqlDdlResolver: what DDL names, and the tables it creates, changes and drops for what follows.

import { describe, expect, it } from 'vitest';
import { parseSqlStatements } from './parse-sql-statements.js';
import { SqlDdlResolver } from './sql-ddl-resolver.js';
import { createResolverParts } from './test-helpers/read-sql.js';

/** Resolves the DDL statements of `sql` in order; then looks up each of `tables`. */
function resolve(sql: string, tables: string[] = []) {
  const { queries, reports, catalog } = createResolverParts();
  const ddl = new SqlDdlResolver(queries);
  for (const { statement } of parseSqlStatements(sql)) {
    if (statement?.kind === 'create-table') ddl.createTable(statement);
    else if (statement?.kind === 'create-index') ddl.createIndex(statement);
    else if (statement?.kind === 'create-view') ddl.createView(statement);
    else if (statement?.kind === 'alter-table') ddl.alterTable(statement);
    else if (statement?.kind === 'drop-table') ddl.dropTable(statement);
    else if (statement?.kind === 'truncate') ddl.truncate(statement);
    else if (statement?.kind === 'comment') ddl.comment(statement);
    else throw new Error(`not DDL: ${sql}`);
  }
  const columns = tables.map((table) => {
    const relation = catalog.lookup([{ value: table, quote: '', start: 0 }], undefined, false);
    return relation && [...(relation.columns?.keys() ?? [])];
  });
  return { unknown: reports.unknown, columns };
}

describe('SqlDdlResolver', () => {
  it('creates a table whose own CHECKs and REFERENCES resolve, suggesting primary keys', () => {
    expect(
      resolve(
        'CREATE TABLE tree (id int PRIMARY KEY, parent_id int REFERENCES tree (id), CHECK (parent_id <> id)); CREATE TABLE notes (customer_id uuid REFERENCES customers (uuid), CHECK (lenght > 0))',
        ['tree'],
      ),
    ).toEqual({
      unknown: [
        { kind: 'column', name: 'uuid', table: 'customers', suggestion: 'id' },
        { kind: 'column', name: 'lenght', table: 'notes' },
      ],
      columns: [['id', 'parent_id']],
    });
  });

  it('applies ALTER TABLE actions for the statements after it', () => {
    expect(
      resolve(
        'ALTER TABLE orders ADD COLUMN note text, DROP COLUMN placed_at, RENAME COLUMN status TO state; ALTER TABLE orders RENAME TO purchases',
        ['purchases', 'orders'],
      ),
    ).toEqual({
      unknown: [],
      columns: [['id', 'customer_id', 'shipping_address_id', 'note', 'state'], undefined],
    });
    expect(resolve('ALTER TABLE orders DROP COLUMN nope').unknown).toEqual([
      { kind: 'column', name: 'nope', table: 'orders' },
    ]);
  });

  it('creates views from their queries and indexes on existing columns only', () => {
    expect(
      resolve(
        'CREATE VIEW v (a, b) AS SELECT id, sku FROM products; CREATE INDEX i ON v (a) INCLUDE (c)',
        ['v'],
      ),
    ).toEqual({ unknown: [{ kind: 'column', name: 'c', table: 'v' }], columns: [['a', 'b']] });
  });

  it('drops tables, checks TRUNCATE and COMMENT ON targets', () => {
    expect(
      resolve(
        "DROP TABLE payments; DROP TABLE IF EXISTS nothing; TRUNCATE payments; COMMENT ON COLUMN orders.stat IS 'x'",
        ['payments'],
      ),
    ).toEqual({
      unknown: [
        { kind: 'table', name: 'payments' },
        { kind: 'column', name: 'orders.stat', table: 'orders', suggestion: 'status' },
      ],
      columns: [undefined],
    });
  });
});
