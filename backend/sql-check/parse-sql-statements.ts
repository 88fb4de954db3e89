// Reads the statements of a SQL text (Postgres, MySQL, SQLite, SQL Server forms) into the small tree
// of sql-ast.ts, one statement at a time. The reader (sql-statement-reader.ts and the layers below
// it) is strict: anything it does not fully understand is an error, so that the checker reports
// `unparsed` instead of guessing.

import { type SqlToken, tokenizeSql } from '../schema/tokenize-sql.js';
import { splitSqlStatements } from './split-sql-statements.js';
import type { Statement } from './sql-ast.js';
import { SqlStatementReader } from './sql-statement-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** One statement of a SQL text: its tree, or `undefined` when it could not be read. */
export interface ParsedStatement {
  statement: Statement | undefined;
  /** The statement's first keyword in upper case (`SELECT`, `CREATE`, …), `''` for none. */
  keyword: string;
  /**
   * Whether the statement may create, rename or drop tables or columns (`CREATE TABLE`, `ALTER
   * TABLE`, `DO` blocks …): when it cannot be read, names used after it cannot be judged.
   */
  mayDefineNames: boolean;
  /** Why the statement could not be read (for debugging), when it could not. */
  error?: string;
}

/** Words that start a statement the checker reads. */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'WITH',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'REPLACE',
  'EXPLAIN',
  'VALUES',
  'TABLE',
  'COMMENT',
]);

/**
 * Splits `text` into statements (at `;` outside parentheses, and at a SQL Server `GO` line) and
 * reads each one. Never throws: a statement it cannot read has `statement: undefined`.
 */
export function parseSqlStatements(text: string): ParsedStatement[] {
  const tokens = tokenizeSql(text);
  const results: ParsedStatement[] = [];
  for (const [start, end] of splitSqlStatements(tokens, text)) {
    const first = tokens[start];
    const keyword = first?.kind === 'word' ? first.upper : first?.value === '(' ? '(' : '';
    const mayDefineNames = definesNames(tokens, start, end, keyword);
    const parser = new SqlStatementReader(tokens, text, start, end);
    try {
      results.push({ statement: parser.parseStatement(), keyword, mayDefineNames });
    } catch (error) {
      if (!(error instanceof SqlSyntaxError) && !(error instanceof RangeError)) throw error;
      const near = tokens[Math.min(end - 1, parser.position)]?.start ?? text.length;
      results.push({
        statement: undefined,
        keyword,
        mayDefineNames,
        error: `${(error as Error).message} at offset ${near}`,
      });
    }
  }
  return results;
}

/** Procedural statements that may run any DDL. */
const PROCEDURAL = new Set(['DO', 'CALL', 'EXEC', 'EXECUTE', 'BEGIN', 'DECLARE', 'RENAME']);

function definesNames(tokens: SqlToken[], start: number, end: number, keyword: string): boolean {
  if (PROCEDURAL.has(keyword)) return true;
  if (keyword !== 'CREATE' && keyword !== 'ALTER' && keyword !== 'SELECT') return false;
  // CREATE [OR REPLACE] [TEMP] TABLE|VIEW, ALTER TABLE, SELECT … INTO new_table.
  const limit = keyword === 'SELECT' ? end : Math.min(end, start + 8);
  for (let i = start + 1; i < limit; i++) {
    const token = tokens[i] as SqlToken;
    if (token.kind !== 'word') continue;
    if (
      keyword === 'SELECT'
        ? token.upper === 'INTO'
        : token.upper === 'TABLE' || token.upper === 'VIEW'
    ) {
      return true;
    }
  }
  return false;
}
