// splitSqlStatements: where one statement ends and the next begins.

import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../schema/tokenize-sql.js';
import { splitSqlStatements } from './split-sql-statements.js';

/** The text of each statement `splitSqlStatements` finds in `text`. */
function split(text: string): string[] {
  const tokens = tokenizeSql(text);
  return splitSqlStatements(tokens, text).map(([start, end]) =>
    text.slice(tokens[start]?.start, tokens[end - 1]?.end),
  );
}

describe('splitSqlStatements', () => {
  it('splits at semicolons and leaves out empty statements', () => {
    expect(split('SELECT 1; ;SELECT 2;\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('does not split at a semicolon inside parentheses, a string or a comment', () => {
    expect(split("SELECT f(';'); -- a; b\nSELECT (1;2)")).toEqual([
      "SELECT f(';')",
      'SELECT (1;2)',
    ]);
  });

  it('splits at a SQL Server GO alone on its line, not at a column named go', () => {
    expect(split('SELECT go FROM t\nGO\nSELECT 2\n  go  \nSELECT 3')).toEqual([
      'SELECT go FROM t',
      'SELECT 2',
      'SELECT 3',
    ]);
  });

  it('keeps a last statement without a semicolon, and finds none in empty text', () => {
    expect(split('SELECT 1;\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(split('  -- nothing\n')).toEqual([]);
  });
});
