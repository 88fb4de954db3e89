// The foreign-key graph: neighbours and shortest join paths.

import { describe, expect, it } from 'vitest';
import { parseSchema } from './parse-schema.js';
import { buildSchemaGraph, findJoinPath, findNeighbours } from './schema-graph.js';
import { SHOP_DDL } from './test-helpers/shop-schema.js';

const graph = buildSchemaGraph(parseSchema(SHOP_DDL));

describe('buildSchemaGraph', () => {
  it('indexes foreign keys both ways and is cached per parsed schema', () => {
    expect(graph.outgoing.get('orders')?.map((edge) => edge.to)).toEqual([
      'addresses',
      'customers',
    ]);
    expect(graph.incoming.get('orders')?.map((edge) => edge.from)).toEqual([
      'order_items',
      'payments',
    ]);
    expect(buildSchemaGraph(parseSchema(SHOP_DDL))).toBe(graph);
  });

  it('leaves out keys to tables the schema does not have', () => {
    const other = buildSchemaGraph(parseSchema('CREATE TABLE a (b_id int REFERENCES b(id));'));
    expect(other.outgoing.get('a')).toEqual([]);
  });
});

describe('findNeighbours', () => {
  it('lists tables one key away in either direction, without the table itself', () => {
    expect(findNeighbours(graph, 'orders').sort()).toEqual([
      'addresses',
      'customers',
      'order_items',
      'payments',
    ]);
    expect(findNeighbours(graph, 'categories')).toEqual(['products']);
    expect(findNeighbours(graph, 'audit_log')).toEqual([]);
  });
});

describe('findJoinPath', () => {
  it('finds the shortest chain of keys, walking them in either direction', () => {
    const path = findJoinPath(graph, 'customers', 'products');
    expect(path?.map((step) => step.table)).toEqual(['orders', 'order_items', 'products']);
    expect(path?.[0]?.edge).toEqual({
      from: 'orders',
      fromColumns: ['customer_id'],
      to: 'customers',
      toColumns: ['id'],
    });
  });

  it('returns [] for the same table and undefined when nothing connects them', () => {
    expect(findJoinPath(graph, 'orders', 'orders')).toEqual([]);
    expect(findJoinPath(graph, 'orders', 'audit_log')).toBeUndefined();
    expect(findJoinPath(graph, 'orders', 'missing')).toBeUndefined();
  });
});
