// suggestAggregateSql: grouping keys and label, the aggregate of each measure kind, direction.

import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/parse-schema.js';
import { buildSchemaGraph, findJoinPath } from '../schema/schema-graph.js';
import { SHOP_DDL } from '../schema/test-helpers/shop-schema.js';
import { labelColumn, suggestAggregateSql } from './suggest-aggregate-sql.js';

const schema = parseSchema(SHOP_DDL);
const graph = buildSchemaGraph(schema);
const table = (name: string) =>
  schema.tables.find((t) => t.name === name) as (typeof schema.tables)[number];

describe('suggestAggregateSql', () => {
  it('sums a product of columns along the path, grouped by key and label', () => {
    const path = findJoinPath(graph, 'customers', 'order_items') ?? [];
    expect(
      suggestAggregateSql({
        ranked: table('customers'),
        path,
        measure: {
          kind: 'sum',
          table: table('order_items'),
          columns: ['quantity', 'unit_price_cents'],
          name: 'revenue_cents',
        },
        limit: 5,
        direction: 'DESC',
      }),
    ).toBe(
      [
        'SELECT c.id, c.full_name, SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents',
        'FROM customers AS c',
        'JOIN orders AS o ON o.customer_id = c.id',
        'JOIN order_items AS oi ON oi.order_id = o.id',
        'GROUP BY c.id, c.full_name',
        'ORDER BY revenue_cents DESC',
        'LIMIT 5;',
      ].join('\n'),
    );
  });

  it('counts distinct rows of the counted table and sorts ascending for "fewest"', () => {
    const sql = suggestAggregateSql({
      ranked: table('products'),
      path: findJoinPath(graph, 'products', 'orders') ?? [],
      measure: { kind: 'count', table: table('orders'), columns: [], name: 'orders_count' },
      limit: 3,
      direction: 'ASC',
    });
    expect(sql).toContain('SELECT p.id, p.name, COUNT(DISTINCT o.id) AS orders_count');
    expect(sql).toContain('ORDER BY orders_count ASC\nLIMIT 3;');
  });

  it('picks a readable label column', () => {
    expect(labelColumn(table('customers'))).toBe('full_name');
    expect(labelColumn(table('audit_log'))).toBeUndefined();
  });
});
