// SqlNameLookup: column references in built scopes, and when it stays quiet.

import { describe, expect, it } from 'vitest';
import type { Ident, QuoteKind } from './sql-ast.js';
import type { Relation } from './sql-schema-index.js';
import { createScope, type Scope, type Source } from './sql-scope.js';
import { createResolverParts } from './test-helpers/read-sql.js';

const ident = (value: string, quote: QuoteKind = '', start = 0): Ident => ({ value, quote, start });
/** A reference written at offset `at` (its parts one character apart: enough for ordering). */
const ref = (text: string, star = false, at = 0) => ({
  parts: text.split('.').map((part, i) => ident(part, '', at + i)),
  star,
});

/** Parts with a scope of `orders o` and `customers`, below an outer scope of `products p`. */
function ordersScope(dialect?: 'mysql' | 'sqlite') {
  const parts = createResolverParts(dialect);
  const table = (text: string) => parts.index.tables.get(text) as Relation;
  const outer = createScope(undefined, [{ alias: ident('p'), relation: table('products') }]);
  const scope: Scope = createScope(outer, [
    { alias: ident('o'), relation: table('orders') },
    { alias: ident('customers'), relation: table('customers') },
  ]);
  return { ...parts, scope };
}

describe('SqlNameLookup', () => {
  it('resolves qualified and unqualified columns in the scope and the scopes around it', () => {
    const { lookup, reports, scope } = ordersScope();
    for (const text of ['o.status', 'status', 'customers.email', 'p.sku', 'sku', 'orders.status']) {
      lookup.ref(ref(text), scope);
    }
    expect(reports.unknown).toEqual([]);
  });

  it('reports an unknown column with the table it was looked up in, or without one', () => {
    const { lookup, reports, scope } = ordersScope();
    lookup.ref(ref('o.total'), scope);
    lookup.ref(ref('totl', false, 10), scope);
    expect(reports.unknown).toEqual([
      { kind: 'column', name: 'o.total', table: 'orders' },
      { kind: 'column', name: 'totl' },
    ]);
  });

  it('reports an unknown qualifier as a table, suggesting an alias in scope', () => {
    const { lookup, reports, scope } = ordersScope();
    lookup.ref(ref('ordrs.id'), scope);
    lookup.ref(ref('x.id', false, 10), scope);
    expect(reports.unknown).toEqual([
      { kind: 'table', name: 'ordrs', suggestion: 'orders' },
      { kind: 'table', name: 'x' },
    ]);
  });

  it('stays quiet for system columns, NEW/OLD/EXCLUDED, a real table not in FROM and col.field', () => {
    const { lookup, reports, scope } = ordersScope();
    for (const text of [
      'ctid',
      'o.rowid',
      'new.x',
      'excluded.x',
      'payments.amount_cents',
      'status.x',
    ]) {
      lookup.ref(ref(text), scope);
    }
    lookup.ref(ref('o', true), scope);
    expect(reports.unknown).toEqual([]);
  });

  it('reads "x" as a string in MySQL, and an unknown "x" as one in SQLite', () => {
    const mysql = ordersScope('mysql');
    mysql.lookup.ref({ parts: [ident('nope', '"')], star: false }, mysql.scope);
    expect(mysql.reports.unknown).toEqual([]);
    const sqlite = ordersScope('sqlite');
    sqlite.lookup.ref({ parts: [ident('nope', '"')], star: false }, sqlite.scope);
    expect(sqlite.reports.unknown).toEqual([]);
  });

  it('checks USING columns on both sides of a join', () => {
    const { lookup, reports, scope } = ordersScope();
    const [orders, customers] = scope.sources as [Source, Source];
    lookup.using([ident('customer_id'), ident('email')], [orders], [customers]);
    expect(reports.unknown).toEqual([
      { kind: 'column', name: 'customer_id', table: 'customers' },
      { kind: 'column', name: 'email', table: 'orders' },
    ]);
  });

  it('suggests the primary key of a referenced table as the fallback', () => {
    const { lookup, reports, index } = ordersScope();
    const customers = index.tables.get('customers') as Relation;
    lookup.checkColumnOf(customers, ident('uuid'), [ident('uuid')], 'id');
    expect(reports.unknown).toEqual([
      { kind: 'column', name: 'uuid', table: 'customers', suggestion: 'id' },
    ]);
  });
});
