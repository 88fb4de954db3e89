// SqlFunctionCallReader (through parseSqlStatements): special argument forms, aggregates, windows.

import { describe, expect, it } from 'vitest';
import { readError, readExpression, readSelect, refNames } from './test-helpers/read-sql.js';

describe('SqlFunctionCallReader', () => {
  it('reads the keyword forms of CAST, EXTRACT, SUBSTRING, TRIM and POSITION', () => {
    const expr = readExpression(
      "CAST(a AS varchar(10)) || EXTRACT(YEAR FROM b) || substring(c FROM 1 FOR 2) || trim(BOTH ' ' FROM d) || position(e IN f)",
    );
    expect(refNames(expr)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(readExpression('CAST(a AS int)')).toMatchObject({ shape: 'func', funcName: 'cast' });
  });

  it('reads aggregate arguments: DISTINCT, ORDER BY, SEPARATOR, WITHIN GROUP, FILTER', () => {
    const expr = readExpression(
      "string_agg(DISTINCT a, ',' ORDER BY b) + group_concat(c ORDER BY d SEPARATOR ';') + percentile_cont(0.5) WITHIN GROUP (ORDER BY e) + count(*) FILTER (WHERE f)",
    );
    expect(refNames(expr)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('reads named arguments without taking their names for columns', () => {
    expect(refNames(readExpression('make_interval(days => a, hours := b)'))).toEqual(['a', 'b']);
  });

  it('reads OVER windows with partitions, ordering and frames, and named windows', () => {
    const core = readSelect(
      'SELECT sum(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), rank() OVER w FROM t WINDOW w AS (ORDER BY d)',
    );
    const first = core.items[0];
    expect(first?.kind === 'expr' && refNames(first.expr)).toEqual(['a', 'b', 'c']);
    expect(core.windows.map(refNames)).toEqual([['d']]);
    expect(readError('SELECT sum(a) OVER (ROWS UNBOUNDED) FROM t')).toBe('frame at offset 34');
  });

  it('reads subqueries as arguments, and MATCH … AGAINST', () => {
    const expr = readExpression(
      "coalesce((SELECT max(x) FROM t), 0) + MATCH (a, b) AGAINST ('q' IN BOOLEAN MODE)",
    );
    expect(expr.queries).toHaveLength(1);
    expect(refNames(expr)).toEqual(['a', 'b']);
    expect(expr.shape).toBe('other');
  });
});
