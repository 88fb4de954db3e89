// SqlOperandReader (through parseSqlStatements): literals, placeholders, names, CASE, subqueries.

import { describe, expect, it } from 'vitest';
import { readError, readExpression, refNames } from './test-helpers/read-sql.js';

describe('SqlOperandReader', () => {
  it('names no column for literals, typed literals, placeholders and variables', () => {
    const expr = readExpression(
      "'a' 'b' + 1e5 + E'x' + DATE '2024-01-01' + INTERVAL '1' DAY + $1 + ? + :name + @v + @@version + NULL + TRUE + CURRENT_DATE",
    );
    expect(expr.refs).toEqual([]);
  });

  it('reads qualified references, t.* and bracketed names with their parts', () => {
    expect(refNames(readExpression('s.t.a + t.b + [order id]'))).toEqual([
      's.t.a',
      't.b',
      'order id',
    ]);
    expect(readExpression('row_to_json(t.*)').refs[0]?.star).toBe(true);
  });

  it('reads CASE, NOT, EXISTS, rows and lists, and keeps subqueries apart', () => {
    const expr = readExpression(
      'CASE WHEN a THEN b ELSE c END + NOT d + (e, f) IN ((1, 2)) + EXISTS (SELECT 1 FROM t) + g IN (SELECT h FROM u)',
    );
    expect(refNames(expr)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(expr.queries).toHaveLength(2);
  });

  it('calls reserved words that are functions, and refuses the others as names', () => {
    expect(readExpression("left(name, 2) || replace(a, 'x', 'y')")).toMatchObject({
      refs: [{ parts: [{ value: 'name' }] }, { parts: [{ value: 'a' }] }],
    });
    expect(readError('SELECT from')).toBe('unexpected FROM at offset 7');
  });

  it('does not guess at a user-defined typed literal or a template', () => {
    expect(readError("SELECT point '(1,2)'")).toBe('typed literal at offset 13');
    expect(readError('SELECT {{column}} FROM t')).toBe('template at offset 7');
    expect(readError('SELECT $')).toBe('$ at offset 7');
  });
});
