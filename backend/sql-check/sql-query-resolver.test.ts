// SqlQueryResolver: the scopes queries build, and the output columns each query has.

import { describe, expect, it } from 'vitest';
import type { QueryNode } from './sql-ast.js';
import { createResolverParts, readStatement } from './test-helpers/read-sql.js';

function query(sql: string): QueryNode {
  const statement = readStatement(sql);
  if (statement.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return statement.query;
}

/** The unknowns of resolving `sql`, and its output columns (`*` when more may come). */
function resolve(sql: string) {
  const { queries, reports } = createResolverParts();
  const output = queries.query(query(sql), undefined);
  const columns = [...(output.columns?.values() ?? []), ...(output.open ? ['*'] : [])];
  return { unknown: reports.unknown, columns };
}

describe('SqlQueryResolver', () => {
  it('names the output columns by alias, by column, and leaves unnamed expressions open', () => {
    expect(resolve('SELECT id, o.status AS s, count(*) FROM orders o').columns).toEqual([
      'id',
      's',
      'count',
      '*',
    ]);
    expect(resolve('SELECT c.* FROM customers c').columns).toEqual([
      'id',
      'email',
      'full_name',
      'created_at',
    ]);
  });

  it('resolves CTEs with column lists, recursive CTEs and derived tables by their outputs', () => {
    expect(
      resolve(
        'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3), big AS (SELECT id AS order_id FROM orders) SELECT n, b.order_id, d.x FROM t, big b, (SELECT sku AS x FROM products) d',
      ),
    ).toEqual({ unknown: [], columns: ['n', 'order_id', 'x'] });
    expect(
      resolve('WITH big AS (SELECT id FROM orders) SELECT b.status FROM big b').unknown,
    ).toEqual([{ kind: 'column', name: 'b.status', table: 'big' }]);
  });

  it('lets correlated subqueries see the outer query, and ORDER BY the select aliases', () => {
    expect(
      resolve(
        'SELECT c.id AS cid FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY cid',
      ).unknown,
    ).toEqual([]);
  });

  it('renames derived table columns and checks USING on both sides', () => {
    expect(resolve('SELECT s.a, s.b FROM (SELECT id, sku FROM products) AS s(a)').unknown).toEqual([
      { kind: 'column', name: 's.b', table: 's' },
    ]);
    expect(resolve('SELECT 1 FROM orders JOIN payments USING (order_id)').unknown).toEqual([
      { kind: 'column', name: 'order_id', table: 'orders' },
    ]);
  });

  it('keeps names quiet where a table function or VALUES could supply them', () => {
    expect(resolve('SELECT x, v.column1 FROM unnest(ARRAY[1]) x, (VALUES (1)) v').unknown).toEqual(
      [],
    );
  });
});
