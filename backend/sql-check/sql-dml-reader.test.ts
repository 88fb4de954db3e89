// SqlDmlReader (through parseSqlStatements): INSERT with upserts, UPDATE and DELETE in their forms.

import { describe, expect, it } from 'vitest';
import { names, readStatementOf as read, readError, refNames } from './test-helpers/read-sql.js';

describe('SqlDmlReader', () => {
  it('reads INSERT … VALUES … ON CONFLICT DO UPDATE … RETURNING', () => {
    const insert = read(
      'INSERT INTO products AS p (sku, name) VALUES ($1, $2), (DEFAULT, x) ON CONFLICT (sku) WHERE active DO UPDATE SET name = EXCLUDED.name WHERE p.name <> EXCLUDED.name RETURNING id',
      'insert',
    );
    expect(names(insert.table)).toBe('products');
    expect(insert.alias?.value).toBe('p');
    expect(insert.columns.map((c) => c.value)).toEqual(['sku', 'name']);
    expect(insert.values.map((row) => row.map(refNames))).toEqual([
      [[], []],
      [[], ['x']],
    ]);
    expect(insert.conflictTarget.map(refNames)).toEqual([['sku']]);
    expect(insert.conflictSet.map((a) => a.targets.map(names))).toEqual([['name']]);
    expect(insert.conflictWhere.map(refNames)).toEqual([['active'], ['p.name', 'EXCLUDED.name']]);
    expect(insert.returning).toHaveLength(1);
  });

  it('reads the MySQL and SQLite forms of INSERT', () => {
    const mysql = read(
      'INSERT IGNORE INTO t (a) VALUES (1) AS new ON DUPLICATE KEY UPDATE a = new.a + VALUES(a)',
      'insert',
    );
    expect(mysql.rowAlias?.value).toBe('new');
    expect(mysql.duplicateSet.map((a) => refNames(a.value))).toEqual([['new.a', 'a']]);
    expect(read('INSERT INTO t SET a = 1, b = c', 'insert').set).toHaveLength(2);
    expect(read('INSERT OR REPLACE INTO t (a) SELECT a FROM u', 'insert').query).toBeDefined();
    expect(read('REPLACE INTO t DEFAULT VALUES', 'insert').values).toEqual([]);
  });

  it('reads UPDATE with FROM, multi-column SET, MySQL joins and LIMIT', () => {
    const update = read(
      'UPDATE orders o SET (status, placed_at) = (s.status, now()), total = 0 FROM stats s WHERE s.id = o.id RETURNING o.id',
      'update',
    );
    expect(update.set.map((a) => a.targets.map(names))).toEqual([
      ['status', 'placed_at'],
      ['total'],
    ]);
    expect(update.from).toHaveLength(1);
    expect(update.where.map(refNames)).toEqual([['s.id', 'o.id']]);
    const mysql = read(
      'UPDATE LOW_PRIORITY a JOIN b ON a.id = b.id SET a.x = b.y ORDER BY a.id LIMIT 10',
      'update',
    );
    expect(mysql.target.map((item) => item.kind)).toEqual(['join']);
    expect(mysql.orderBy.map(refNames)).toEqual([['a.id']]);
  });

  it('reads DELETE with USING, MySQL multi-table targets and WHERE CURRENT OF', () => {
    const using = read(
      'DELETE FROM ONLY orders o USING customers c WHERE c.id = o.customer_id',
      'delete',
    );
    expect(using.target).toMatchObject([{ kind: 'table', alias: { value: 'o' } }]);
    expect(using.using).toHaveLength(1);
    const multi = read('DELETE a, b.* FROM a JOIN b ON a.id = b.id', 'delete');
    expect(multi.targetAliases.map(names)).toEqual(['a', 'b']);
    expect(read('DELETE FROM t WHERE CURRENT OF cur', 'delete').where).toEqual([]);
    expect(readError('DELETE t')).toBe('expected FROM at offset 7');
  });
});
