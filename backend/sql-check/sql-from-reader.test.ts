// SqlFromReader (through parseSqlStatements): tables, joins, derived tables, table functions, hints.

import { describe, expect, it } from 'vitest';
import type { FromItem } from './sql-ast.js';
import { names, readError, readSelect, refNames } from './test-helpers/read-sql.js';

/** A FROM item as a short text: `t AS a`, `(subquery) AS s(x)`, `function(a) AS g`, `[l JOIN r]`. */
function show(item: FromItem): string {
  const alias = (value?: { value: string }, columns?: { value: string }[]) =>
    (value ? ` AS ${value.value}` : '') +
    (columns ? `(${columns.map((c) => c.value).join(', ')})` : '');
  switch (item.kind) {
    case 'table':
      return names(item.name) + alias(item.alias, item.columnAliases);
    case 'subquery':
      return `(subquery)${alias(item.alias, item.columnAliases)}`;
    case 'function':
      return `function(${refNames(item.expr).join(' ')})${alias(item.alias, item.columnAliases)}`;
    case 'join': {
      const on = item.on?.refs.length ? ` ON ${refNames(item.on).join(' ')}` : '';
      const using = item.using ? ` USING ${item.using.map((u) => u.value).join(' ')}` : '';
      return `[${show(item.left)} JOIN ${show(item.right)}${on}${using}]`;
    }
  }
}

const from = (sql: string) => readSelect(sql).from.map(show);

describe('SqlFromReader', () => {
  it('reads joins as a left-deep tree with their ON and USING, and comma joins as a list', () => {
    expect(
      from(
        'SELECT 1 FROM public.orders o JOIN customers AS c ON c.id = o.customer_id LEFT OUTER JOIN addresses USING (id), products p',
      ),
    ).toEqual([
      '[[public.orders AS o JOIN customers AS c ON c.id o.customer_id] JOIN addresses USING id]',
      'products AS p',
    ]);
  });

  it('reads NATURAL, CROSS and APPLY joins without a condition', () => {
    expect(from('SELECT 1 FROM a NATURAL JOIN b CROSS JOIN c CROSS APPLY d')).toEqual([
      '[[[a JOIN b] JOIN c] JOIN d]',
    ]);
    expect(readError('SELECT 1 FROM a NATURAL b')).toBe('NATURAL without JOIN at offset 24');
  });

  it('reads derived tables and table functions with column aliases (typed ones too)', () => {
    expect(
      from(
        'SELECT 1 FROM (SELECT 1) AS s(x, y), LATERAL unnest(arr) WITH ORDINALITY AS u(v, n), json_to_record(j) AS r(a int, b text[])',
      ),
    ).toEqual(['(subquery) AS s(x, y)', 'function(arr) AS u(v, n)', 'function(j) AS r(a, b)']);
  });

  it('reads a parenthesized join and a parenthesized table as what they contain', () => {
    expect(from('SELECT 1 FROM (a JOIN b ON a.id = b.id)')).toEqual(['[a JOIN b ON a.id b.id]']);
    expect(from('SELECT 1 FROM (a) AS x')).toEqual(['a AS x']);
    expect(from('SELECT 1 FROM ((SELECT 1) UNION (SELECT 2)) u')).toEqual(['(subquery) AS u']);
  });

  it('skips table hints of MySQL, SQLite and SQL Server, and TABLESAMPLE', () => {
    expect(
      from(
        'SELECT 1 FROM a USE INDEX FOR ORDER BY (i) JOIN b INDEXED BY j ON 1 = 1 JOIN c WITH (NOLOCK) ON 1 = 1 JOIN d TABLESAMPLE SYSTEM (10) ON 1 = 1',
      ),
    ).toEqual(['[[[a JOIN b] JOIN c] JOIN d]']);
  });
});
