// The function-call layer of the SQL reader: arguments and their special forms (`CAST(x AS t)`,
// `EXTRACT(y FROM x)`, `SUBSTRING(a FROM 1 FOR 2)`, `GROUP_CONCAT(… SEPARATOR …)`, named arguments),
// then `WITHIN GROUP`, `FILTER` and `OVER` window specifications.

import type { Expr, Ident } from './sql-ast.js';
import { mergeInto, newExpr, type OperandShape } from './sql-expression-reader.js';
import { SqlOperandReader } from './sql-operand-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** Words that start a window clause rather than name a base window. */
const WINDOW_CLAUSE_START = new Set(['PARTITION', 'ROWS', 'RANGE', 'GROUPS']);

/** Window frame units. */
const FRAME_UNITS = new Set(['ROWS', 'RANGE', 'GROUPS']);

/** Reads function calls and window specifications. */
export abstract class SqlFunctionCallReader extends SqlOperandReader {
  /** `name(args)` with its special forms, then WITHIN GROUP, FILTER, OVER. */
  protected override functionCall(expr: Expr, name: Ident[]): OperandShape {
    const last = (name[name.length - 1] as Ident).value.toUpperCase();
    this.expectPunct('(');
    if (name.length === 1) {
      if (last === 'CAST' || last === 'TRY_CAST' || last === 'SAFE_CAST') {
        this.exprInto(expr);
        this.expectWord('AS');
        this.skipUntilClose();
        return { shape: 'func', funcName: last.toLowerCase() };
      }
      if (last === 'CONVERT') {
        this.exprInto(expr);
        if (this.eatPunct(',') || this.eatWord('USING')) this.skipUntilClose();
        else this.expectPunct(')');
        return { shape: 'func', funcName: 'convert' };
      }
      if (last === 'EXTRACT') {
        const field = this.next();
        if (field.kind !== 'word' && field.kind !== 'string') throw new SqlSyntaxError('EXTRACT');
        this.expectWord('FROM');
        this.exprInto(expr);
        this.expectPunct(')');
        this.afterCall(expr);
        return { shape: 'func', funcName: 'extract' };
      }
      if (last === 'TRIM') {
        this.eatWord('BOTH') || this.eatWord('LEADING') || this.eatWord('TRAILING');
        if (this.eatWord('FROM')) {
          this.exprInto(expr);
          this.expectPunct(')');
          return { shape: 'func', funcName: 'trim' };
        }
      }
      if (last === 'AGAINST') {
        this.operand(expr);
        while (!this.isPunct(')')) this.next(); // IN BOOLEAN MODE / WITH QUERY EXPANSION
        this.expectPunct(')');
        return { shape: 'other' };
      }
    }
    if (!this.eatPunct(')')) {
      this.eatWord('DISTINCT') || this.eatWord('ALL');
      do {
        if (this.eatPunct('*')) continue;
        // Named arguments: f(a => 1), f(a := 1)
        if (this.isIdent() && this.isPunct('=', 1) && this.isPunct('>', 2) && this.adjacent(2))
          this.pos += 3;
        else if (this.isIdent() && this.isPunct(':', 1) && this.isPunct('=', 2) && this.adjacent(2))
          this.pos += 3;
        if (this.isQueryAhead()) {
          expr.queries.push(this.query());
          continue;
        }
        this.exprInto(expr);
        // Keyword-separated arguments: SUBSTRING(a FROM 1 FOR 2), POSITION(a IN b), OVERLAY(… PLACING …),
        // GROUP_CONCAT(a ORDER BY b SEPARATOR ','), string_agg(a, ',' ORDER BY b), x AS type in JSON functions.
        for (;;) {
          if (
            this.eatWord('FROM') ||
            this.eatWord('FOR') ||
            this.eatWord('PLACING') ||
            this.eatWord('SEPARATOR')
          ) {
            this.exprInto(expr);
          } else if (this.eatWord('ORDER', 'BY')) {
            for (const item of this.sortList()) mergeInto(expr, item);
          } else if (this.eatWord('IGNORE', 'NULLS') || this.eatWord('RESPECT', 'NULLS')) {
            // window null treatment
          } else if (this.eatWord('LIMIT')) {
            this.exprInto(expr);
          } else {
            break;
          }
        }
      } while (this.eatPunct(','));
      this.expectPunct(')');
    }
    this.afterCall(expr);
    if (last === 'MATCH' && this.isWord('AGAINST')) {
      this.pos++;
      this.functionCall(expr, [{ value: 'AGAINST', quote: '', start: 0 }]);
      return { shape: 'other' };
    }
    return { shape: 'func', funcName: last.toLowerCase() };
  }

  /** WITHIN GROUP (ORDER BY …), FILTER (WHERE …), OVER (…) / OVER name, IGNORE NULLS. */
  protected afterCall(expr: Expr): void {
    if (this.eatWord('WITHIN', 'GROUP')) {
      this.expectPunct('(');
      this.expectWord('ORDER');
      this.expectWord('BY');
      for (const item of this.sortList()) mergeInto(expr, item);
      this.expectPunct(')');
    }
    if (this.eatWord('FILTER')) {
      this.expectPunct('(');
      this.expectWord('WHERE');
      this.exprInto(expr);
      this.expectPunct(')');
    }
    this.eatWord('IGNORE', 'NULLS') || this.eatWord('RESPECT', 'NULLS');
    if (this.eatWord('OVER')) {
      if (this.isPunct('(')) mergeInto(expr, this.windowSpec());
      else this.ident(true);
    }
  }

  /** `( [name] [PARTITION BY …] [ORDER BY …] [frame] )` as one expression. */
  protected windowSpec(): Expr {
    const expr = newExpr();
    this.expectPunct('(');
    if (this.isIdent() && !this.isAnyWord(WINDOW_CLAUSE_START)) this.ident();
    if (this.eatWord('PARTITION', 'BY')) for (const item of this.exprList()) mergeInto(expr, item);
    if (this.eatWord('ORDER', 'BY')) for (const item of this.sortList()) mergeInto(expr, item);
    if (this.isAnyWord(FRAME_UNITS)) {
      this.pos++;
      const between = this.eatWord('BETWEEN');
      this.frameBound(expr);
      if (between) {
        this.expectWord('AND');
        this.frameBound(expr);
      }
      if (this.eatWord('EXCLUDE')) {
        if (
          !(
            this.eatWord('CURRENT', 'ROW') ||
            this.eatWord('GROUP') ||
            this.eatWord('TIES') ||
            this.eatWord('NO', 'OTHERS')
          )
        ) {
          throw new SqlSyntaxError('EXCLUDE');
        }
      }
    }
    this.expectPunct(')');
    return expr;
  }

  /** A window frame bound: `UNBOUNDED PRECEDING`, `CURRENT ROW`, `n FOLLOWING`. */
  protected frameBound(expr: Expr): void {
    if (this.eatWord('UNBOUNDED')) {
      if (!(this.eatWord('PRECEDING') || this.eatWord('FOLLOWING')))
        throw new SqlSyntaxError('frame');
      return;
    }
    if (this.eatWord('CURRENT', 'ROW')) return;
    this.operand(expr);
    this.postfix(expr);
    if (!(this.eatWord('PRECEDING') || this.eatWord('FOLLOWING')))
      throw new SqlSyntaxError('frame');
  }
}
