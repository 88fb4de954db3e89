// SqlQueryReader (through parseSqlStatements): WITH, set operations, SELECT clauses, VALUES, TABLE.

import { describe, expect, it } from 'vitest';
import type { QueryNode } from './sql-ast.js';
import { readError, readSelect, readStatement, refNames } from './test-helpers/read-sql.js';

function readQuery(sql: string): QueryNode {
  const statement = readStatement(sql);
  if (statement.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return statement.query;
}

describe('SqlQueryReader', () => {
  it('reads CTEs with column lists, RECURSIVE and MATERIALIZED, and their bodies', () => {
    const query = readQuery(
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t), u AS NOT MATERIALIZED (SELECT 2) SELECT n FROM t',
    );
    expect(query.recursive).toBe(true);
    expect(query.ctes.map((cte) => [cte.name.value, cte.columns?.map((c) => c.value)])).toEqual([
      ['t', ['n']],
      ['u', undefined],
    ]);
    expect(readError('WITH RECURSIVE t AS (SELECT 1) SEARCH DEPTH FIRST BY n SET o SELECT 1')).toBe(
      'SEARCH/CYCLE at offset 31',
    );
  });

  it('reads set operations as cores of one query, with ORDER BY and LIMIT after the last', () => {
    const query = readQuery(
      'SELECT a FROM t UNION SELECT b FROM u INTERSECT (SELECT c FROM v) EXCEPT ALL VALUES (1) ORDER BY 1 LIMIT 5 OFFSET 10 ROWS',
    );
    expect(query.cores.map((core) => core.kind)).toEqual(['select', 'select', 'query', 'values']);
    expect(query.limit).toHaveLength(2);
  });

  it('sorts the clauses of a SELECT by the columns they may see', () => {
    const core = readSelect(
      'SELECT DISTINCT ON (a) TOP 5 b AS x FROM t WHERE c GROUP BY ROLLUP (d), GROUPING SETS ((e), ()) HAVING f QUALIFY g',
    );
    expect(core.where.map(refNames)).toEqual([['a'], [], ['c']]);
    expect(core.groupBy.map(refNames)).toEqual([['d'], ['e']]);
    expect(core.having.map(refNames)).toEqual([['f'], ['g']]);
    expect(core.items).toMatchObject([{ kind: 'expr', alias: { value: 'x' } }]);
  });

  it('reads select items: stars, qualified stars and string aliases', () => {
    const core = readSelect('SELECT *, t.*, s.t.*, a AS \'label\', b AS "B" FROM t');
    expect(core.items.map((item) => item.kind)).toEqual([
      'star',
      'qualified-star',
      'qualified-star',
      'expr',
      'expr',
    ]);
    expect(core.items[3]).toMatchObject({ alias: { value: 'label', quote: '"' } });
  });

  it('reads locking and FETCH clauses, and refuses an incomplete FETCH', () => {
    expect(
      readQuery('SELECT a FROM t FETCH FIRST 3 ROWS ONLY FOR UPDATE OF t SKIP LOCKED').limit,
    ).toHaveLength(1);
    expect(readError('SELECT a FROM t FETCH FIRST 3')).toBe('FETCH at offset 28');
  });

  it('reads SELECT … INTO a table or variables, and TABLE x', () => {
    expect(readSelect('SELECT a INTO TEMP TABLE copy FROM t').from).toHaveLength(1);
    expect(readSelect('SELECT a, b INTO @x, @y FROM t').items).toHaveLength(2);
    expect(readQuery('TABLE public.books').cores).toEqual([
      {
        kind: 'table',
        name: [
          { value: 'public', quote: '', start: 6 },
          { value: 'books', quote: '', start: 13 },
        ],
      },
    ]);
  });
});
