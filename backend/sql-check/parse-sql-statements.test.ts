// parseSqlStatements: one result per statement, its first keyword, and whether it may define names.

import { describe, expect, it } from 'vitest';
import { parseSqlStatements } from './parse-sql-statements.js';

describe('parseSqlStatements', () => {
  it('reads each statement on its own: an unreadable one does not stop the next', () => {
    const [first, second, third] = parseSqlStatements(
      'SELECT 1; FROBNICATE everything; (SELECT 2)',
    );
    expect(first).toMatchObject({ keyword: 'SELECT', mayDefineNames: false });
    expect(first?.statement?.kind).toBe('query');
    expect(second).toEqual({
      statement: undefined,
      keyword: 'FROBNICATE',
      mayDefineNames: false,
      error: 'unsupported statement FROBNICATE at offset 10',
    });
    expect(third).toMatchObject({ keyword: '(', statement: { kind: 'query' } });
  });

  it('says which unreadable statements may create, rename or drop names', () => {
    const flags = parseSqlStatements(
      'CREATE TABLE t (a int, CHECK); ALTER TABLE t FROB; SELECT a INTO new_t FROM t WHERE; ' +
        'DO $$ BEGIN END $$; CREATE INDEX i ON t (a) WEIRD; SELECT a FROM t WHERE',
    ).map((parsed) => [parsed.keyword, parsed.statement === undefined, parsed.mayDefineNames]);
    expect(flags).toEqual([
      ['CREATE', true, true],
      ['ALTER', true, true],
      ['SELECT', true, true],
      ['DO', true, true],
      ['CREATE', true, false],
      ['SELECT', true, false],
    ]);
  });

  it('gives up on pathological nesting instead of throwing', () => {
    const sql = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`;
    const [parsed] = parseSqlStatements(sql);
    expect(parsed?.statement).toBeUndefined();
    expect(parsed?.error).toMatch(/^too deep at offset \d+$/);
  });

  it('returns nothing for text without tokens', () => {
    expect(parseSqlStatements('-- only a comment')).toEqual([]);
  });
});
