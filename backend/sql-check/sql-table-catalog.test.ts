// SqlTableCatalog: schema tables with or without their schema, CTEs, and what statements changed.

import { describe, expect, it } from 'vitest';
import type { Ident, QuoteKind } from './sql-ast.js';
import { createScope } from './sql-scope.js';
import { createResolverParts } from './test-helpers/read-sql.js';

const name = (text: string, quote: QuoteKind = ''): Ident[] =>
  text.split('.').map((value, i) => ({ value, quote, start: i * 10 }));

describe('SqlTableCatalog', () => {
  it('finds schema tables with or without their default schema, and reports unknown ones', () => {
    const { catalog, reports } = createResolverParts();
    expect(catalog.lookup(name('public.orders'), undefined, true)?.name).toBe('orders');
    expect(catalog.lookup(name('ORDERS'), undefined, true)?.name).toBe('orders');
    expect(catalog.lookup(name('order'), undefined, false)).toBeUndefined();
    expect(reports.unknown).toEqual([]);
    catalog.lookup(name('order'), undefined, true);
    expect(reports.unknown).toEqual([{ kind: 'table', name: 'order', suggestion: 'orders' }]);
  });

  it('applies the double-quote rule, except in MySQL', () => {
    const { catalog, reports } = createResolverParts();
    expect(catalog.lookup(name('orders', '"'), undefined, true)?.name).toBe('orders');
    expect(catalog.lookup(name('Orders', '"'), undefined, true)).toBeUndefined();
    expect(reports.unknown).toEqual([{ kind: 'table', name: 'Orders', suggestion: 'orders' }]);
    const mysql = createResolverParts('mysql');
    expect(mysql.catalog.lookup(name('Orders', '"'), undefined, true)?.name).toBe('orders');
  });

  it('sees a CTE in scope before a table of the same name', () => {
    const { catalog } = createResolverParts();
    const scope = createScope(createScope(undefined));
    const cte = { name: 'orders', columns: new Map([['n', 'n']]), open: false };
    scope.parent?.ctes.set('orders', cte);
    expect(catalog.lookup(name('orders'), scope, true)).toBe(cte);
    expect(catalog.lookup(name('public.orders'), scope, true)?.name).toBe('orders');
    expect(catalog.lookup(name('public.orders'), scope, true)).not.toBe(cte);
  });

  it('sees tables the statements defined, and no longer the dropped ones', () => {
    const { catalog, reports } = createResolverParts();
    const archive = { name: 'archive', columns: new Map(), open: false };
    catalog.define('archive', archive);
    expect(catalog.lookup(name('public.archive'), undefined, true)).toBe(archive);
    catalog.set('orders', null);
    expect(catalog.lookup(name('orders'), undefined, false)).toBeUndefined();
    catalog.lookup(name('archiv'), undefined, true);
    expect(reports.unknown).toEqual([{ kind: 'table', name: 'archiv', suggestion: 'archive' }]);
  });
});
