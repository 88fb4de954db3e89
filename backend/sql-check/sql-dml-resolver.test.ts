// SqlDmlResolver: INSERT, UPDATE and DELETE targets, upserts, joins and RETURNING outputs.

import { describe, expect, it } from 'vitest';
import { SqlDmlResolver } from './sql-dml-resolver.js';
import { createResolverParts, readStatement } from './test-helpers/read-sql.js';

/** The unknowns of resolving the DML statement `sql`, and its RETURNING columns. */
function resolve(sql: string) {
  const { queries, reports } = createResolverParts();
  const dml = new SqlDmlResolver(queries);
  const statement = readStatement(sql);
  const output =
    statement.kind === 'insert'
      ? dml.insert(statement)
      : statement.kind === 'update'
        ? dml.update(statement)
        : statement.kind === 'delete'
          ? dml.delete(statement)
          : undefined;
  return { unknown: reports.unknown, returning: output && [...(output.columns?.values() ?? [])] };
}

describe('SqlDmlResolver', () => {
  it('checks INSERT columns, and upserts against the target and EXCLUDED', () => {
    expect(
      resolve(
        'INSERT INTO products (sku, nme) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, prise = 1 RETURNING id',
      ),
    ).toEqual({
      unknown: [
        { kind: 'column', name: 'nme', table: 'products', suggestion: 'name' },
        { kind: 'column', name: 'prise', table: 'products' },
      ],
      returning: ['id'],
    });
  });

  it('reads MySQL row aliases and INSERT … SELECT', () => {
    expect(
      resolve(
        'INSERT INTO order_items (order_id, product_id) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE quantity = new.quantity',
      ).unknown,
    ).toEqual([]);
    expect(
      resolve('INSERT INTO audit_log (action) SELECT status FROM orders WHERE statu = 1').unknown,
    ).toEqual([{ kind: 'column', name: 'statu', table: 'orders', suggestion: 'status' }]);
  });

  it('resolves UPDATE … FROM and a MySQL UPDATE with joins', () => {
    expect(
      resolve(
        'UPDATE orders o SET status = p.provider FROM payments p WHERE p.order_id = o.id RETURNING o.*',
      ),
    ).toEqual({
      unknown: [],
      returning: ['id', 'customer_id', 'shipping_address_id', 'status', 'placed_at'],
    });
    expect(
      resolve('UPDATE orders o JOIN payments p ON p.order_id = o.id SET paid_at = now()').unknown,
    ).toEqual([]);
  });

  it('resolves DELETE … USING and reports an unknown target', () => {
    expect(
      resolve('DELETE FROM orders o USING customers c WHERE c.id = o.customer_id AND c.mail = 1')
        .unknown,
    ).toEqual([{ kind: 'column', name: 'c.mail', table: 'customers', suggestion: 'email' }]);
    expect(resolve('DELETE FROM ordrs WHERE id = 1').unknown).toEqual([
      { kind: 'table', name: 'ordrs', suggestion: 'orders' },
    ]);
  });
});
