// SqlCreateReader (through parseSqlStatements): CREATE TABLE, CREATE INDEX, CREATE VIEW.

import { describe, expect, it } from 'vitest';
import { names, readStatementOf as read, readError, refNames } from './test-helpers/read-sql.js';

describe('SqlCreateReader', () => {
  it('reads columns with their constraints, references and expressions', () => {
    const table = read(
      `CREATE TABLE IF NOT EXISTS shop.items (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        "key" varchar(10) NOT NULL DEFAULT 'x' COLLATE "C",
        price numeric(10, 2) CHECK (price >= 0),
        total int GENERATED ALWAYS AS (price * 2) STORED,
        order_id int REFERENCES orders (id) ON DELETE CASCADE,
        updated_at timestamp ON UPDATE CURRENT_TIMESTAMP COMMENT 'mysql'
      ) ENGINE=InnoDB`,
      'create-table',
    );
    expect(names(table.name)).toBe('shop.items');
    expect(table.columns.map((c) => c.name.value)).toEqual([
      'id',
      'key',
      'price',
      'total',
      'order_id',
      'updated_at',
    ]);
    expect(table.columns.map((c) => c.exprs.map(refNames))).toEqual([
      [],
      [[]],
      [['price']],
      [['price']],
      [],
      [],
    ]);
    expect(table.columns[4]?.references).toMatchObject({
      table: [{ value: 'orders' }],
      columns: [{ value: 'id' }],
    });
  });

  it('reads table constraints, and tells a MySQL KEY from a column named key', () => {
    const table = read(
      `CREATE TABLE t (
        a int, key varchar(5),
        CONSTRAINT pk PRIMARY KEY (a),
        FOREIGN KEY (a, key) REFERENCES u (x, y) ON UPDATE CASCADE,
        UNIQUE KEY u_a (a),
        KEY k_key (key(3) DESC),
        CHECK (a > 0)
      )`,
      'create-table',
    );
    expect(table.columns.map((c) => c.name.value)).toEqual(['a', 'key']);
    expect(table.constraints.map((c) => c.columns.map((col) => col.value))).toEqual([
      ['a'],
      ['a', 'key'],
      ['a'],
      ['key'],
      [],
    ]);
    expect(table.constraints[4]?.exprs.map(refNames)).toEqual([['a']]);
  });

  it('reads CREATE TABLE … AS, LIKE in both forms, and refuses a string where a type is', () => {
    expect(read('CREATE TEMP TABLE c AS SELECT 1', 'create-table').query).toBeDefined();
    expect(read('CREATE TABLE c LIKE t', 'create-table').like?.map((n) => n.value)).toEqual(['t']);
    expect(read('CREATE TABLE c (LIKE t INCLUDING ALL, x int)', 'create-table')).toMatchObject({
      like: [{ value: 't' }],
      columns: [{ name: { value: 'x' } }],
    });
    expect(readError("CREATE TABLE c (a 'int')")).toBe('string in a type at offset 18');
  });

  it('reads CREATE INDEX items, prefix lengths, INCLUDE and WHERE', () => {
    const index = read(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY orders USING btree (lower(status) text_pattern_ops, name(10), placed_at DESC NULLS LAST) INCLUDE (id) WHERE status IS NOT NULL',
      'create-index',
    );
    expect(index.items.map(refNames)).toEqual([['status'], ['name'], ['placed_at']]);
    expect(index.include.map((c) => c.value)).toEqual(['id']);
    expect(index.where.map(refNames)).toEqual([['status']]);
  });

  it('reads CREATE VIEW with its columns and options', () => {
    const view = read(
      'CREATE OR REPLACE ALGORITHM=MERGE DEFINER=admin@localhost SQL SECURITY INVOKER VIEW v (a, b) AS SELECT 1, 2 WITH CASCADED CHECK OPTION',
      'create-view',
    );
    expect(view.columns?.map((c) => c.value)).toEqual(['a', 'b']);
    expect(readError('CREATE SEQUENCE s')).toBe('unsupported CREATE at offset 7');
  });
});
