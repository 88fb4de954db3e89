// SqlStatementReader: which statements it reads, and that it reads a statement whole.

import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../schema/tokenize-sql.js';
import { SqlStatementReader } from './sql-statement-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

function read(sql: string) {
  const tokens = tokenizeSql(sql);
  return new SqlStatementReader(tokens, sql, 0, tokens.length).parseStatement();
}

describe('SqlStatementReader', () => {
  it('reads WITH before INSERT, UPDATE, DELETE and queries', () => {
    expect(read('WITH n AS (SELECT 1) INSERT INTO t SELECT * FROM n')).toMatchObject({
      kind: 'insert',
      ctes: [{ name: { value: 'n' } }],
    });
    expect(read('WITH n AS (DELETE FROM t RETURNING id) SELECT id FROM n')).toMatchObject({
      kind: 'query',
      query: { ctes: [{ statement: { kind: 'delete' } }] },
    });
  });

  it('reads the statement EXPLAIN explains', () => {
    expect(read('EXPLAIN ANALYZE VERBOSE (FORMAT JSON) SELECT 1').kind).toBe('query');
    expect(read('EXPLAIN FORMAT=JSON DELETE FROM t').kind).toBe('delete');
  });

  it('accepts session settings and simple transaction control as naming nothing', () => {
    for (const sql of ["SET search_path = 'x'", 'BEGIN', 'COMMIT WORK', 'ROLLBACK', 'RESET ALL']) {
      expect(read(sql)).toEqual({ kind: 'noop' });
    }
    expect(() => read('ROLLBACK TO SAVEPOINT 1')).toThrow('unexpected token');
  });

  it('refuses statements it does not know and text after a statement', () => {
    expect(() => read('GRANT ALL ON t TO u')).toThrow('unsupported statement GRANT');
    expect(() => read('SELECT 1 2')).toThrow('unexpected text after the statement');
    expect(() => read('42')).toThrow(SqlSyntaxError);
  });
});
