// The top layer of the SQL reader: one whole statement, dispatched on its first keyword (queries,
// DML, DDL, `EXPLAIN`, session settings, transaction control). The layers below it, from
// sql-token-cursor.ts up, each read one part of the grammar.

import { SqlAlterReader } from './sql-alter-reader.js';
import type { Statement } from './sql-ast.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** `EXPLAIN` options before the statement. */
const EXPLAIN_OPTIONS = new Set(['ANALYZE', 'VERBOSE', 'QUERY', 'PLAN', 'EXTENDED']);

/**
 * Reads one statement of a tokenized text into the tree of sql-ast.ts. Strict: anything it does
 * not fully understand throws a `SqlSyntaxError` (or a `RangeError` on pathological nesting).
 */
export class SqlStatementReader extends SqlAlterReader {
  /** Reads the whole statement; text left after it is an error. */
  parseStatement(): Statement {
    const statement = this.statement();
    if (!this.atEnd()) throw new SqlSyntaxError('unexpected text after the statement');
    return statement;
  }

  /** One statement, dispatched on its first keyword. */
  protected override statement(): Statement {
    const token = this.peek();
    if (!token) throw new SqlSyntaxError('empty statement');
    if (token.kind === 'punct' && token.value === '(')
      return { kind: 'query', query: this.query() };
    if (token.kind !== 'word') throw new SqlSyntaxError('not a statement');
    switch (token.upper) {
      case 'SELECT':
      case 'VALUES':
      case 'TABLE':
        return { kind: 'query', query: this.query() };
      case 'WITH':
        return this.withStatement();
      case 'INSERT':
      case 'REPLACE':
        return this.insert([]);
      case 'UPDATE':
        return this.update([]);
      case 'DELETE':
        return this.delete([]);
      case 'CREATE':
        return this.create();
      case 'ALTER':
        return this.alter();
      case 'DROP':
        return this.drop();
      case 'TRUNCATE':
        return this.truncate();
      case 'COMMENT':
        return this.comment();
      case 'EXPLAIN': {
        this.pos++;
        // EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement; MySQL EXPLAIN FORMAT=JSON.
        while (this.isAnyWord(EXPLAIN_OPTIONS)) {
          this.pos++;
        }
        if (this.isPunct('(')) this.skipGroup();
        if (this.isWord('FORMAT')) {
          this.pos++;
          this.eatPunct('=');
          this.next();
        }
        return this.statement();
      }
      case 'SET':
      case 'RESET':
        // Session settings name no table or column.
        this.skipToEnd();
        return { kind: 'noop' };
      case 'BEGIN':
      case 'COMMIT':
      case 'ROLLBACK':
      case 'START':
      case 'END':
      case 'SAVEPOINT':
      case 'RELEASE':
        // Transaction control: nothing to check, but only its simple forms are accepted.
        this.pos++;
        while (!this.atEnd()) {
          const word = this.next();
          if (word.kind !== 'word') throw new SqlSyntaxError('unexpected token');
        }
        return { kind: 'noop' };
      default:
        throw new SqlSyntaxError(`unsupported statement ${token.upper}`);
    }
  }

  /** `WITH …` followed by `INSERT`, `UPDATE`, `DELETE` or a query. */
  protected withStatement(): Statement {
    const start = this.pos;
    const { ctes } = this.ctes();
    if (this.isWord('INSERT') || this.isWord('REPLACE')) return this.insert(ctes);
    if (this.isWord('UPDATE')) return this.update(ctes);
    if (this.isWord('DELETE')) return this.delete(ctes);
    this.pos = start;
    return { kind: 'query', query: this.query() };
  }
}
