// SqlExpressionReader (through parseSqlStatements): operators, postfix operators, casts, sort lists.

import { describe, expect, it } from 'vitest';
import { readError, readExpression, readStatement, refNames } from './test-helpers/read-sql.js';

describe('SqlExpressionReader', () => {
  it('collects the columns on both sides of word and symbol operators', () => {
    const expr = readExpression(
      "a + b * c || d AND e NOT LIKE 'x%' OR f BETWEEN SYMMETRIC g AND h OR i IS DISTINCT FROM j",
    );
    expect(refNames(expr)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    expect(expr.shape).toBe('other');
  });

  it('reads runs of operator characters as one operator, and a sign or placeholder after it', () => {
    expect(refNames(readExpression("doc ->> 'k' = x"))).toEqual(['doc', 'x']);
    expect(refNames(readExpression('tags @> ARRAY[a] AND n <=-1 AND m =?'))).toEqual([
      'tags',
      'n',
      'm',
    ]);
  });

  it('reads casts, subscripts, COLLATE and AT TIME ZONE without taking type names for columns', () => {
    const expr = readExpression(
      'a::numeric(10, 2) + b::timestamp with time zone - c[1] || d COLLATE "C" || e AT TIME ZONE \'UTC\'',
    );
    expect(refNames(expr)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps the shape of a lone reference or call, also in parentheses, and of nothing more', () => {
    expect(readExpression('(t.a)').shape).toBe('ref');
    expect(readExpression('count(*)')).toMatchObject({ shape: 'func', funcName: 'count' });
    expect(readExpression('a IS NULL').shape).toBe('other');
    expect(readExpression('a + 1').shape).toBe('other');
  });

  it('reads ORDER BY items with directions, USING operators and NULLS placement', () => {
    const statement = readStatement('SELECT a FROM t ORDER BY a DESC NULLS LAST, b USING <, c');
    expect(statement.kind === 'query' && statement.query.orderBy.map(refNames)).toEqual([
      ['a'],
      ['b'],
      ['c'],
    ]);
    expect(readError('SELECT a FROM t ORDER BY a NULLS')).toBe('NULLS at offset 27');
  });
});
