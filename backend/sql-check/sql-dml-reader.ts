// The DML layer of the SQL reader: `INSERT` (with `ON CONFLICT`, `ON DUPLICATE KEY UPDATE`, MySQL
// `SET` and row aliases, SQLite `INSERT OR …`, `REPLACE`), `UPDATE` and `DELETE` in their Postgres,
// MySQL and SQLite forms, with `RETURNING`.

import type { Assignment, Cte, FromItem, Ident, Statement } from './sql-ast.js';
import { SqlQueryReader } from './sql-query-reader.js';

/** MySQL `INSERT` modifiers. */
const INSERT_MODIFIERS = new Set(['IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY']);

/** MySQL `UPDATE` modifiers. */
const UPDATE_MODIFIERS = new Set(['LOW_PRIORITY', 'IGNORE']);

/** MySQL `DELETE` modifiers. */
const DELETE_MODIFIERS = new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']);

/** Reads data-modifying statements. */
export abstract class SqlDmlReader extends SqlQueryReader {
  /** `INSERT` / `REPLACE` / SQLite `INSERT OR …`, with upserts and `RETURNING`. */
  protected insert(ctes: Cte[]): Statement {
    const replace = this.isWord('REPLACE');
    this.pos++;
    if (!replace && this.eatWord('OR')) {
      // SQLite INSERT OR REPLACE / IGNORE / ABORT / FAIL / ROLLBACK
      this.next();
    }
    while (this.isAnyWord(INSERT_MODIFIERS)) this.pos++;
    this.eatWord('INTO');
    const table = this.qualifiedName();
    const statement: Statement & { kind: 'insert' } = {
      kind: 'insert',
      ctes,
      table,
      columns: [],
      values: [],
      set: [],
      conflictTarget: [],
      conflictSet: [],
      conflictWhere: [],
      duplicateSet: [],
      returning: [],
    };
    if (this.eatWord('AS')) statement.alias = this.ident(true);
    else if (this.isIdent() && !this.isWord('OVERRIDING') && !this.isWord('VALUE')) {
      statement.alias = this.ident(); // SQLite / MySQL allow a bare alias
    }
    if (this.isPunct('(') && !this.isQueryInParens()) statement.columns = this.nameList();
    if (this.eatWord('OVERRIDING')) {
      this.next();
      this.expectWord('VALUE');
    }
    if (this.eatWord('DEFAULT', 'VALUES')) {
      // nothing
    } else if (this.eatWord('VALUES') || this.eatWord('VALUE')) {
      statement.values = this.valueRows();
      if (this.eatWord('AS')) {
        statement.rowAlias = this.ident(true);
        if (this.isPunct('(')) this.nameList();
      }
    } else if (this.eatWord('SET')) {
      statement.set = this.assignments();
    } else {
      statement.query = this.query();
    }
    if (this.eatWord('ON', 'CONFLICT')) {
      if (this.isPunct('(')) {
        this.pos++;
        statement.conflictTarget = this.exprList();
        this.expectPunct(')');
        if (this.eatWord('WHERE')) statement.conflictWhere.push(this.expr());
      } else if (this.eatWord('ON', 'CONSTRAINT')) {
        this.ident(true);
      }
      this.expectWord('DO');
      if (!this.eatWord('NOTHING')) {
        this.expectWord('UPDATE');
        this.expectWord('SET');
        statement.conflictSet = this.assignments();
        if (this.eatWord('WHERE')) statement.conflictWhere.push(this.expr());
      }
    } else if (this.eatWord('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
      statement.duplicateSet = this.assignments();
    }
    if (this.eatWord('RETURNING')) statement.returning = this.selectItems();
    return statement;
  }

  /** `SET a = 1, (b, c) = (…)`. */
  protected assignments(): Assignment[] {
    const list: Assignment[] = [];
    do {
      let targets: Ident[][];
      if (this.isPunct('(')) {
        this.pos++;
        targets = [];
        do targets.push(this.qualifiedName());
        while (this.eatPunct(','));
        this.expectPunct(')');
      } else {
        targets = [this.qualifiedName()];
      }
      this.expectPunct('=');
      list.push({ targets, value: this.expr() });
    } while (this.eatPunct(','));
    return list;
  }

  /** `UPDATE` (Postgres `FROM`, MySQL joins and `LIMIT`, `RETURNING`). */
  protected update(ctes: Cte[]): Statement {
    this.expectWord('UPDATE');
    while (this.isAnyWord(UPDATE_MODIFIERS)) this.pos++;
    if (this.eatWord('OR')) this.next(); // SQLite UPDATE OR REPLACE
    // SET is reserved, so the FROM reader stops before it.
    const target = this.fromList();
    this.expectWord('SET');
    const statement: Statement & { kind: 'update' } = {
      kind: 'update',
      ctes,
      target,
      set: this.assignments(),
      from: [],
      where: [],
      orderBy: [],
      returning: [],
    };
    if (this.eatWord('FROM')) statement.from = this.fromList();
    this.whereToReturning(statement);
    return statement;
  }

  /** `DELETE` (Postgres `USING`, MySQL multi-table forms, `RETURNING`). */
  protected delete(ctes: Cte[]): Statement {
    this.expectWord('DELETE');
    while (this.isAnyWord(DELETE_MODIFIERS)) this.pos++;
    const statement: Statement & { kind: 'delete' } = {
      kind: 'delete',
      ctes,
      target: [],
      targetAliases: [],
      using: [],
      where: [],
      orderBy: [],
      returning: [],
    };
    if (!this.isWord('FROM')) {
      // MySQL multi-table: DELETE a, b FROM a JOIN b …
      do {
        const name = this.qualifiedName();
        if (this.isPunct('.') && this.isPunct('*', 1)) this.pos += 2;
        statement.targetAliases.push(name);
      } while (this.eatPunct(','));
    }
    this.expectWord('FROM');
    if (statement.targetAliases.length > 0) {
      statement.target = this.fromList();
    } else {
      this.eatWord('ONLY');
      const name = this.qualifiedName();
      if (this.isPunct('.') && this.isPunct('*', 1)) this.pos += 2;
      let item: FromItem = { kind: 'table', name };
      item = this.withAlias(item);
      statement.target = [item];
      // MySQL: DELETE FROM a, b USING …  / DELETE FROM t1 JOIN … is not valid; accept a list.
      while (this.eatPunct(',')) statement.target.push(this.joinedTable());
    }
    if (this.eatWord('USING')) statement.using = this.fromList();
    this.whereToReturning(statement);
    return statement;
  }

  /**
   * The clauses `UPDATE` and `DELETE` end with: `WHERE` (or `WHERE CURRENT OF cursor`), MySQL
   * `ORDER BY` and `LIMIT`, `RETURNING`.
   */
  protected whereToReturning(
    statement: Pick<Statement & { kind: 'update' | 'delete' }, 'where' | 'orderBy' | 'returning'>,
  ): void {
    if (this.eatWord('WHERE')) {
      if (this.eatWord('CURRENT', 'OF')) this.ident();
      else statement.where.push(this.expr());
    }
    if (this.eatWord('ORDER', 'BY')) statement.orderBy = this.sortList();
    if (this.eatWord('LIMIT')) statement.where.push(this.expr());
    if (this.eatWord('RETURNING')) statement.returning = this.selectItems();
  }
}
