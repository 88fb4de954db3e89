// The query layer of the SQL reader: `WITH` lists, set operations, `SELECT` and its clauses (select
// list, `INTO`, `FROM`, `WHERE`, `GROUP BY`, `HAVING`, `WINDOW`, `QUALIFY`), `VALUES`, `TABLE x`, and
// `ORDER BY` / `LIMIT` / `OFFSET` / `FETCH` / locking clauses.

import type { SqlToken } from '../schema/tokenize-sql.js';
import type { Cte, Expr, Ident, QueryCore, QueryNode, SelectItem, Statement } from './sql-ast.js';
import { SqlFromReader } from './sql-from-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** Set operators between query cores. */
const SET_OPERATORS = new Set(['UNION', 'INTERSECT', 'EXCEPT', 'MINUS']);

/** Words of `FOR UPDATE` / `FOR NO KEY UPDATE` / `FOR SHARE` / `FOR KEY SHARE`. */
const LOCK_STRENGTHS = new Set(['UPDATE', 'SHARE', 'NO', 'KEY']);

/** MySQL `SELECT` modifiers. */
const SELECT_MODIFIERS = new Set([
  'SQL_CALC_FOUND_ROWS',
  'HIGH_PRIORITY',
  'SQL_NO_CACHE',
  'STRAIGHT_JOIN',
]);

/** Words before the new table of `SELECT … INTO`. */
const INTO_MODIFIERS = new Set(['TEMP', 'TEMPORARY', 'UNLOGGED', 'TABLE']);

/** Reads queries. */
export abstract class SqlQueryReader extends SqlFromReader {
  /** Reads a statement: the body of a CTE here (sql-statement-reader.ts). */
  protected abstract statement(): Statement;

  /** `WITH [RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] (statement), …`. */
  protected ctes(): { ctes: Cte[]; recursive: boolean } {
    this.expectWord('WITH');
    const recursive = this.eatWord('RECURSIVE');
    const ctes: Cte[] = [];
    do {
      const name = this.ident();
      const columns = this.isPunct('(') ? this.nameList() : undefined;
      this.expectWord('AS');
      this.eatWord('NOT');
      this.eatWord('MATERIALIZED');
      this.expectPunct('(');
      const statement = this.statement();
      this.expectPunct(')');
      // Postgres SEARCH / CYCLE clauses of recursive CTEs are not read.
      if (this.isWord('SEARCH') || this.isWord('CYCLE')) throw new SqlSyntaxError('SEARCH/CYCLE');
      const cte: Cte = { name, statement };
      if (columns) cte.columns = columns;
      ctes.push(cte);
    } while (this.eatPunct(','));
    return { ctes, recursive };
  }

  /** A query: `[WITH …] core [UNION | INTERSECT | EXCEPT core …] [ORDER BY …] [LIMIT …]`. */
  protected override query(): QueryNode {
    this.enter();
    const node: QueryNode = { ctes: [], recursive: false, cores: [], orderBy: [], limit: [] };
    if (this.isWord('WITH')) {
      const { ctes, recursive } = this.ctes();
      node.ctes = ctes;
      node.recursive = recursive;
    }
    node.cores.push(this.queryCore());
    while (this.isAnyWord(SET_OPERATORS)) {
      this.pos++;
      this.eatWord('ALL') || this.eatWord('DISTINCT');
      node.cores.push(this.queryCore());
    }
    this.queryTail(node);
    this.leave();
    return node;
  }

  /** ORDER BY, LIMIT, OFFSET, FETCH, FOR UPDATE after a query body. */
  protected queryTail(node: QueryNode): void {
    if (this.eatWord('ORDER', 'BY')) node.orderBy = this.sortList();
    for (;;) {
      if (this.eatWord('LIMIT')) {
        if (this.eatWord('ALL')) continue;
        node.limit.push(this.expr());
        if (this.eatPunct(',')) node.limit.push(this.expr()); // MySQL LIMIT offset, count
      } else if (this.eatWord('OFFSET')) {
        node.limit.push(this.expr());
        this.eatWord('ROWS') || this.eatWord('ROW');
      } else if (this.eatWord('FETCH')) {
        if (!(this.eatWord('FIRST') || this.eatWord('NEXT'))) throw new SqlSyntaxError('FETCH');
        if (!this.isWord('ROW') && !this.isWord('ROWS')) node.limit.push(this.expr());
        if (!(this.eatWord('ROWS') || this.eatWord('ROW'))) throw new SqlSyntaxError('FETCH');
        if (!(this.eatWord('ONLY') || this.eatWord('WITH', 'TIES'))) {
          throw new SqlSyntaxError('FETCH');
        }
      } else if (this.isWord('FOR') && this.isAnyWord(LOCK_STRENGTHS, 1)) {
        this.pos++;
        while (this.isAnyWord(LOCK_STRENGTHS)) this.pos++;
        if (this.eatWord('OF')) {
          do this.qualifiedName();
          while (this.eatPunct(','));
        }
        this.eatWord('NOWAIT') || this.eatWord('SKIP', 'LOCKED');
      } else if (this.eatWord('LOCK', 'IN', 'SHARE', 'MODE')) {
        // MySQL
      } else {
        return;
      }
    }
  }

  /** One `SELECT …`, `VALUES …`, `TABLE name` or parenthesized query of a set operation. */
  protected queryCore(): QueryCore {
    if (this.eatPunct('(')) {
      const query = this.query();
      this.expectPunct(')');
      return { kind: 'query', query };
    }
    if (this.eatWord('VALUES')) return { kind: 'values', rows: this.valueRows() };
    if (this.eatWord('TABLE')) return { kind: 'table', name: this.qualifiedName() };
    this.expectWord('SELECT');
    const core: QueryCore & { kind: 'select' } = {
      kind: 'select',
      items: [],
      from: [],
      where: [],
      groupBy: [],
      having: [],
      windows: [],
    };
    if (this.eatWord('DISTINCT')) {
      if (this.eatWord('ON')) {
        this.expectPunct('(');
        core.where.push(...this.exprList());
        this.expectPunct(')');
      }
    } else {
      this.eatWord('ALL');
    }
    this.eatWord('DISTINCTROW');
    while (this.isAnyWord(SELECT_MODIFIERS)) {
      this.pos++;
    }
    if (this.eatWord('TOP')) {
      // SQL Server TOP n [PERCENT] [WITH TIES] / TOP (n)
      core.where.push(this.operandExpr());
      this.eatWord('PERCENT');
      this.eatWord('WITH', 'TIES');
    }
    core.items = this.selectItems();
    if (this.eatWord('INTO')) this.selectInto();
    if (this.eatWord('FROM')) core.from = this.fromList();
    if (this.eatWord('WHERE')) core.where.push(this.expr());
    if (this.eatWord('GROUP', 'BY')) {
      this.eatWord('ALL') || this.eatWord('DISTINCT');
      core.groupBy = this.groupingList();
      this.eatWord('WITH', 'ROLLUP');
    }
    if (this.eatWord('HAVING')) core.having.push(this.expr());
    if (this.eatWord('WINDOW')) {
      do {
        this.ident();
        this.expectWord('AS');
        core.windows.push(this.windowSpec());
      } while (this.eatPunct(','));
    }
    if (this.eatWord('QUALIFY')) core.having.push(this.expr());
    return core;
  }

  /** `SELECT … INTO [TEMP] [TABLE] name` (Postgres, SQL Server) or MySQL `INTO @a, @b`. */
  protected selectInto(): void {
    while (this.isAnyWord(INTO_MODIFIERS)) this.pos++;
    do {
      if (this.eatPunct('@')) this.ident(true);
      else this.qualifiedName();
    } while (this.eatPunct(','));
  }

  /** `GROUP BY` items: expressions, `GROUPING SETS (…)`, `()`. */
  protected groupingList(): Expr[] {
    const items: Expr[] = [];
    do {
      if (this.eatWord('GROUPING', 'SETS')) {
        items.push(this.parenthesizedOperand());
      } else if (this.isPunct('(') && this.isPunct(')', 1)) {
        this.pos += 2; // () — the empty grouping set
      } else {
        items.push(this.expr());
      }
    } while (this.eatPunct(','));
    return items;
  }

  /** A select list (also `RETURNING`): `*`, `t.*`, `expr [AS alias]`. */
  protected selectItems(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      if (this.eatPunct('*')) {
        items.push({ kind: 'star' });
        continue;
      }
      // t.* / s.t.*
      const star = this.qualifiedStar();
      if (star) {
        items.push({ kind: 'qualified-star', qualifier: star });
        continue;
      }
      const expr = this.expr();
      const alias = this.alias(true);
      items.push(alias ? { kind: 'expr', expr, alias } : { kind: 'expr', expr });
    } while (this.eatPunct(','));
    return items;
  }

  /** `t.*` at the current position: the qualifier, or undefined (position unchanged). */
  protected qualifiedStar(): Ident[] | undefined {
    let offset = 0;
    while (this.peek(offset)?.kind === 'word' || this.peek(offset)?.kind === 'quoted') {
      if (!this.isPunct('.', offset + 1)) return undefined;
      if (this.isPunct('*', offset + 2)) {
        const parts: Ident[] = [];
        for (let k = 0; k <= offset; k += 2) {
          const token = this.peek(k) as SqlToken;
          parts.push({ value: token.value, quote: this.quoteOf(token), start: token.start });
        }
        this.pos += offset + 3;
        return parts;
      }
      offset += 2;
    }
    return undefined;
  }

  /** The rows of `VALUES (…), (…)` (MySQL `ROW(…)` too). */
  protected valueRows(): Expr[][] {
    const rows: Expr[][] = [];
    do {
      this.eatWord('ROW'); // MySQL VALUES ROW(…)
      this.expectPunct('(');
      rows.push(this.isPunct(')') ? [] : this.exprList());
      this.expectPunct(')');
    } while (this.eatPunct(','));
    return rows;
  }

  /** Whether a parenthesized query comes next (`INSERT … (SELECT …)`, `CREATE TABLE x (SELECT …)`). */
  protected isQueryInParens(): boolean {
    let offset = 0;
    while (this.isPunct('(', offset)) offset++;
    const token = this.peek(offset);
    return token?.kind === 'word' && ['SELECT', 'WITH', 'VALUES'].includes(token.upper);
  }
}
