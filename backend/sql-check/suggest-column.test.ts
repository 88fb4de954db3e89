// suggestColumn: close names first, then a *_id column one foreign key away, then the fallback.

import { describe, expect, it } from 'vitest';
import type { Ident } from './sql-ast.js';
import { indexSchema } from './sql-schema-index.js';
import { suggestColumn } from './suggest-column.js';
import { SHOP } from './test-helpers/read-sql.js';

const index = indexSchema(SHOP);
const table = (name: string) => index.tables.get(name) ?? { name, columns: undefined, open: true };
const column = (value: string): Ident => ({ value, quote: '', start: 0 });

describe('suggestColumn', () => {
  it('suggests the closest column of the tables looked in', () => {
    expect(suggestColumn(column('ful_name'), [table('customers')], index)).toBe('full_name');
    expect(suggestColumn(column('qty'), [table('orders'), table('order_items')], index)).toBe(
      'quantity',
    );
  });

  it('suggests a *_id column of a table one foreign key away, or of the only table having it', () => {
    expect(suggestColumn(column('product_id'), [table('orders')], index)).toBe(
      'order_items.product_id',
    );
    expect(suggestColumn(column('category_id'), [table('customers')], index)).toBe(
      'products.category_id',
    );
    expect(suggestColumn(column('happened_at'), [table('orders')], index)).toBeUndefined();
  });

  it('follows the options: a case suggestion first, no other tables, a fallback last', () => {
    const options = { caseSuggestion: 'Status' };
    expect(suggestColumn(column('xyz'), [table('orders')], index, options)).toBe('Status');
    expect(
      suggestColumn(column('product_id'), [table('orders')], index, { otherTables: false }),
    ).toBeUndefined();
    expect(
      suggestColumn(column('zzz'), [table('orders')], index, {
        otherTables: false,
        fallback: 'id',
      }),
    ).toBe('id');
  });
});
