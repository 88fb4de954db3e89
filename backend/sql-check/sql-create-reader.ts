// The CREATE layer of the SQL reader: `CREATE TABLE` (columns, types, column and table constraints,
// `AS SELECT`, `LIKE`, table options), `CREATE INDEX` and `CREATE VIEW`.

import type { SqlToken } from '../schema/tokenize-sql.js';
import type { ColumnDef, ForeignKeyRef, Ident, Statement, TableConstraint } from './sql-ast.js';
import { SqlDmlReader } from './sql-dml-reader.js';
import { newExpr } from './sql-expression-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** Words that end a column's type in a column definition. */
const COLUMN_CONSTRAINT_START = new Set(
  (
    'NOT NULL PRIMARY UNIQUE DEFAULT REFERENCES CHECK CONSTRAINT COLLATE GENERATED AUTO_INCREMENT ' +
    'AUTOINCREMENT IDENTITY COMMENT ON AS KEY STORED VIRTUAL FIRST AFTER'
  ).split(' '),
);

/** Words between `CREATE [OR REPLACE]` and what it creates. */
const CREATE_MODIFIERS = new Set([
  'GLOBAL',
  'LOCAL',
  'TEMP',
  'TEMPORARY',
  'UNLOGGED',
  'MATERIALIZED',
  'RECURSIVE',
]);

/** MySQL `CREATE ALGORITHM=… DEFINER=… VIEW` attributes. */
const VIEW_ATTRIBUTES = new Set(['ALGORITHM', 'DEFINER']);

/** Words that start a table constraint. */
const TABLE_CONSTRAINT_START = new Set([
  'CONSTRAINT',
  'PRIMARY',
  'FOREIGN',
  'CHECK',
  'UNIQUE',
  'EXCLUDE',
  'FULLTEXT',
  'SPATIAL',
]);

/** Words that start a referential action (`ON UPDATE CASCADE`, `SET NULL`, `NO ACTION`). */
const REFERENTIAL_ACTION_START = new Set(['CASCADE', 'RESTRICT', 'SET', 'NO']);

/** Ordering words after an index item (where no operator class is). */
const INDEX_ORDERING = new Set(['ASC', 'DESC', 'NULLS']);

/** MySQL index options after the item list. */
const INDEX_OPTIONS = new Set(['USING', 'COMMENT', 'ALGORITHM', 'LOCK', 'VISIBLE', 'INVISIBLE']);

/** Reads `CREATE TABLE`, `CREATE INDEX` and `CREATE VIEW`. */
export abstract class SqlCreateReader extends SqlDmlReader {
  /** `CREATE [OR REPLACE] [TEMP …] TABLE | INDEX | VIEW`. */
  protected create(): Statement {
    this.expectWord('CREATE');
    this.eatWord('OR', 'REPLACE');
    while (this.isAnyWord(CREATE_MODIFIERS)) {
      this.pos++;
    }
    // CREATE [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] VIEW (MySQL)
    while (this.isAnyWord(VIEW_ATTRIBUTES)) {
      this.pos++;
      this.expectPunct('=');
      this.next();
      if (this.eatPunct('@')) this.next();
    }
    if (this.eatWord('SQL', 'SECURITY')) this.next();
    if (this.eatWord('TABLE')) return this.createTable();
    if (
      this.isWord('UNIQUE') ||
      this.isWord('INDEX') ||
      this.isWord('FULLTEXT') ||
      this.isWord('SPATIAL')
    ) {
      return this.createIndex();
    }
    if (this.eatWord('VIEW')) return this.createView();
    throw new SqlSyntaxError('unsupported CREATE');
  }

  /** An optional `IF NOT EXISTS`. */
  protected ifNotExists(): void {
    this.eatWord('IF', 'NOT', 'EXISTS');
  }

  /** `CREATE TABLE` after the keyword: columns and constraints, `AS query`, `LIKE`. */
  protected createTable(): Statement {
    this.ifNotExists();
    const name = this.qualifiedName();
    const statement: Statement & { kind: 'create-table' } = {
      kind: 'create-table',
      name,
      columns: [],
      constraints: [],
    };
    if (this.eatWord('LIKE')) {
      statement.like = this.qualifiedName();
      return statement;
    }
    if (this.eatWord('AS')) {
      statement.query = this.query();
      this.skipTableOptions();
      return statement;
    }
    if (this.isPunct('(') && !this.isQueryInParens()) {
      this.pos++;
      do {
        if (this.eatWord('LIKE')) {
          statement.like = this.qualifiedName();
          while (this.isWord('INCLUDING') || this.isWord('EXCLUDING')) this.pos += 2;
        } else if (this.isTableConstraintStart()) {
          statement.constraints.push(this.tableConstraint());
        } else {
          statement.columns.push(this.columnDef());
        }
      } while (this.eatPunct(','));
      this.expectPunct(')');
    }
    this.skipTableOptions();
    if (this.eatWord('AS')) statement.query = this.query();
    return statement;
  }

  /** Table options after the body: MySQL `ENGINE=InnoDB COMMENT='…'`, SQLite `STRICT`, `WITHOUT ROWID`. */
  protected skipTableOptions(): void {
    while (!this.atEnd() && !this.isWord('AS')) {
      const token = this.peek() as SqlToken;
      if (token.kind === 'punct' && token.value === '(') this.skipGroup();
      else if (token.kind === 'punct' && token.value !== '=' && token.value !== ',') {
        throw new SqlSyntaxError('unexpected table option');
      } else this.pos++;
      if (token.kind === 'word' && token.upper === 'SELECT') throw new SqlSyntaxError('option');
    }
  }

  /** Whether a table constraint (rather than a column definition) comes next. */
  protected isTableConstraintStart(): boolean {
    if (this.isAnyWord(TABLE_CONSTRAINT_START)) {
      return true;
    }
    // MySQL `KEY name (a)` / `INDEX (a)` versus a column named key (`key varchar(10)`).
    if (this.isWord('KEY') || this.isWord('INDEX')) {
      return (
        this.isPunct('(', 1) ||
        (this.isIdent(1) && this.isPunct('(', 2) && this.peek(3)?.kind !== 'number')
      );
    }
    return false;
  }

  /** A table constraint: `PRIMARY KEY`, `UNIQUE`, `FOREIGN KEY`, `CHECK`, MySQL keys. */
  protected tableConstraint(): TableConstraint {
    if (this.eatWord('CONSTRAINT')) this.ident(true);
    const constraint: TableConstraint = { columns: [], exprs: [] };
    if (this.eatWord('CHECK')) {
      constraint.exprs.push(this.parenthesizedOperand());
      this.skipConstraintTail();
      return constraint;
    }
    if (this.eatWord('EXCLUDE')) {
      // Postgres exclusion constraints: operators the checker does not read.
      this.skipGroupsUntil(',', ')');
      return constraint;
    }
    if (this.eatWord('FOREIGN', 'KEY')) {
      if (this.isIdent() && !this.isPunct('(')) this.ident();
      constraint.columns = this.indexColumns();
      constraint.references = this.references();
      this.skipConstraintTail();
      return constraint;
    }
    if (this.eatWord('PRIMARY', 'KEY') || this.eatWord('UNIQUE')) {
      this.eatWord('KEY') || this.eatWord('INDEX');
    } else {
      this.eatWord('FULLTEXT') || this.eatWord('SPATIAL');
      if (!(this.eatWord('KEY') || this.eatWord('INDEX'))) throw new SqlSyntaxError('constraint');
    }
    if (this.isIdent() && !this.isWord('USING')) this.ident();
    if (this.eatWord('USING')) this.next();
    constraint.columns = this.indexColumns();
    this.skipConstraintTail();
    return constraint;
  }

  /** Columns of a key: `(a, b DESC, name(10))`. */
  protected indexColumns(): Ident[] {
    this.expectPunct('(');
    const names: Ident[] = [];
    do {
      names.push(this.ident(true));
      if (this.isPunct('(')) this.skipGroup(); // MySQL prefix length
      this.eatWord('ASC') || this.eatWord('DESC');
      if (this.eatWord('COLLATE')) this.ident(true);
    } while (this.eatPunct(','));
    this.expectPunct(')');
    return names;
  }

  /** `REFERENCES table [(columns)]`. */
  protected references(): ForeignKeyRef {
    this.expectWord('REFERENCES');
    const table = this.qualifiedName();
    const columns = this.isPunct('(') ? this.nameList() : [];
    return { table, columns };
  }

  /** ON DELETE/UPDATE actions, MATCH, DEFERRABLE, USING INDEX …, NOT VALID, ENFORCED, conflict clauses. */
  protected skipConstraintTail(): void {
    while (!this.atEnd() && !this.isPunct(',') && !this.isPunct(')')) {
      const token = this.peek() as SqlToken;
      if (token.kind === 'punct' && token.value === '(') this.skipGroup();
      else if (token.kind === 'word' || token.kind === 'quoted') this.pos++;
      else throw new SqlSyntaxError('constraint tail');
    }
  }

  /** A column definition: its name, type words and column constraints. */
  protected columnDef(): ColumnDef {
    const name = this.ident(true);
    const column: ColumnDef = { name, exprs: [] };
    // The type: words and groups until a constraint keyword (SQLite allows no type at all).
    while (!this.atEnd() && !this.isPunct(',') && !this.isPunct(')')) {
      const token = this.peek() as SqlToken;
      if (token.kind === 'word' && COLUMN_CONSTRAINT_START.has(token.upper)) break;
      if (token.kind === 'punct' && token.value === '(') this.skipGroup();
      else if (token.kind === 'string') throw new SqlSyntaxError('string in a type');
      else this.pos++;
    }
    while (!this.atEnd() && !this.isPunct(',') && !this.isPunct(')')) {
      if (this.eatWord('CONSTRAINT')) {
        this.ident(true);
      } else if (this.eatWord('CHECK')) {
        column.exprs.push(this.parenthesizedOperand());
      } else if (this.eatWord('DEFAULT')) {
        column.exprs.push(this.isPunct('(') ? this.parenthesizedOperand() : this.operandExpr());
      } else if (this.isWord('REFERENCES')) {
        column.references = this.references();
      } else if (this.eatWord('GENERATED')) {
        while (!this.eatWord('AS')) this.next();
        if (this.eatWord('IDENTITY')) {
          if (this.isPunct('(')) this.skipGroup();
        } else {
          column.exprs.push(this.parenthesizedOperand());
        }
      } else if (this.eatWord('AS')) {
        column.exprs.push(this.parenthesizedOperand()); // MySQL / SQLite generated column
      } else if (this.eatWord('COLLATE')) {
        this.ident(true);
      } else if (this.eatWord('COMMENT')) {
        if (this.peek()?.kind !== 'string') throw new SqlSyntaxError('COMMENT');
        this.pos++;
      } else if (this.eatWord('ON', 'UPDATE')) {
        // MySQL `ON UPDATE CURRENT_TIMESTAMP`, or a referential action (CASCADE, SET NULL, …).
        if (!this.isAnyWord(REFERENTIAL_ACTION_START)) this.operandExpr();
      } else if (this.eatWord('ON', 'DELETE')) {
        // referential action after REFERENCES
      } else {
        const token = this.peek() as SqlToken;
        if (token.kind === 'punct' && token.value === '(') this.skipGroup();
        else if (token.kind === 'word' || token.kind === 'number') this.pos++;
        else throw new SqlSyntaxError('column constraint');
      }
    }
    return column;
  }

  /** `CREATE [UNIQUE] INDEX … ON table (items) [INCLUDE …] [WHERE …]`. */
  protected createIndex(): Statement {
    this.eatWord('UNIQUE') || this.eatWord('FULLTEXT') || this.eatWord('SPATIAL');
    this.expectWord('INDEX');
    this.eatWord('CONCURRENTLY');
    this.ifNotExists();
    if (!this.isWord('ON')) this.qualifiedName();
    if (this.eatWord('USING')) this.next();
    this.expectWord('ON');
    this.eatWord('ONLY');
    const table = this.qualifiedName();
    const statement: Statement & { kind: 'create-index' } = {
      kind: 'create-index',
      table,
      items: [],
      include: [],
      where: [],
    };
    if (this.eatWord('USING')) this.next();
    this.expectPunct('(');
    do {
      const expr = newExpr();
      // MySQL prefix index `name(10)` names a column.
      if (
        this.isIdent() &&
        this.isPunct('(', 1) &&
        this.peek(2)?.kind === 'number' &&
        this.isPunct(')', 3)
      ) {
        const name = this.ident();
        this.pos += 3;
        expr.refs.push({ parts: [name], star: false });
        expr.shape = 'ref';
      } else {
        this.exprInto(expr);
      }
      statement.items.push(expr);
      // operator class, ordering
      if (this.isIdent() && !this.isAnyWord(INDEX_ORDERING)) this.qualifiedName();
      this.eatWord('ASC') || this.eatWord('DESC');
      if (this.eatWord('NULLS')) this.eatWord('FIRST') || this.eatWord('LAST');
    } while (this.eatPunct(','));
    this.expectPunct(')');
    if (this.eatWord('INCLUDE')) statement.include = this.nameList();
    if (this.eatWord('NULLS')) {
      this.eatWord('NOT');
      this.expectWord('DISTINCT');
    }
    if (this.eatWord('WITH') && this.isPunct('(')) this.skipGroup();
    if (this.eatWord('TABLESPACE')) this.ident(true);
    if (this.eatWord('WHERE')) statement.where.push(this.expr());
    // MySQL index options
    while (this.isAnyWord(INDEX_OPTIONS)) {
      this.pos++;
      this.eatPunct('=');
      if (!this.atEnd()) this.next();
    }
    return statement;
  }

  /** `CREATE VIEW name [(columns)] AS query [WITH CHECK OPTION]`. */
  protected createView(): Statement {
    this.ifNotExists();
    const name = this.qualifiedName();
    const columns = this.isPunct('(') ? this.nameList() : undefined;
    if (this.eatWord('WITH') && this.isPunct('(')) this.skipGroup();
    this.expectWord('AS');
    const query = this.query();
    if (this.eatWord('WITH')) {
      this.eatWord('CASCADED') || this.eatWord('LOCAL') || this.eatWord('NO');
      if (!this.eatWord('CHECK', 'OPTION')) this.expectWord('DATA');
    }
    const statement: Statement & { kind: 'create-view' } = { kind: 'create-view', name, query };
    if (columns) statement.columns = columns;
    return statement;
  }
}
