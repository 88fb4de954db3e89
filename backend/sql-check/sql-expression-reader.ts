// The expression layer of the SQL reader: operands joined by operators, postfix operators
// (`::type`, `IS NULL`, `COLLATE`, `AT TIME ZONE`), type names and sort lists. Operands themselves are
// read by the layer above (sql-operand-reader.ts).

import type { SqlToken } from '../schema/tokenize-sql.js';
import type { Expr } from './sql-ast.js';
import { SqlSyntaxError, SqlTokenCursor } from './sql-token-cursor.js';

/** What an operand was: one column reference, one call (and its lower-case name), or other. */
export interface OperandShape {
  shape: Expr['shape'];
  funcName?: string;
}

/** Interval units (`INTERVAL 1 DAY`, `INTERVAL '1' HOUR TO MINUTE`, `EXTRACT(YEAR FROM …)`). */
export const INTERVAL_UNITS: ReadonlySet<string> = new Set(
  (
    'YEAR YEARS MONTH MONTHS WEEK WEEKS DAY DAYS HOUR HOURS MINUTE MINUTES SECOND SECONDS ' +
    'MICROSECOND MILLISECOND QUARTER YEAR_MONTH DAY_HOUR DAY_MINUTE DAY_SECOND HOUR_MINUTE ' +
    'HOUR_SECOND MINUTE_SECOND DAY_MICROSECOND HOUR_MICROSECOND MINUTE_MICROSECOND ' +
    'SECOND_MICROSECOND'
  ).split(' '),
);

/** Word operators between two operands. */
const WORD_OPERATORS = new Set(
  'AND OR XOR LIKE ILIKE GLOB REGEXP RLIKE DIV MOD BETWEEN SYMMETRIC ESCAPE OVERLAPS'.split(' '),
);

/** Punctuation that forms operators (runs of adjacent characters make one operator). */
const OPERATOR_CHARS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '|',
  '&',
  '#',
  '<',
  '>',
  '=',
  '!',
  '~',
  '?',
  '@',
]);

/** An expression that names nothing yet. */
export function newExpr(): Expr {
  return { refs: [], queries: [], shape: 'other' };
}

/** Adds the names and subqueries of `source` to `target`. */
export function mergeInto(target: Expr, source: Expr): void {
  target.refs.push(...source.refs);
  target.queries.push(...source.queries);
}

/** What `IS [NOT]` may test for besides `DISTINCT FROM` and `JSON`. */
const IS_LITERALS = new Set(['NULL', 'TRUE', 'FALSE', 'UNKNOWN']);

/** `IS JSON` kinds. */
const JSON_KINDS = new Set(['OBJECT', 'ARRAY', 'SCALAR', 'VALUE']);

/** Reads expressions: what they name (`Expr.refs`), their subqueries and their shape. */
export abstract class SqlExpressionReader extends SqlTokenCursor {
  /** Reads one operand into `expr` (sql-operand-reader.ts). */
  protected abstract operand(expr: Expr): OperandShape;

  /** Comma-separated expressions. */
  protected exprList(): Expr[] {
    const list: Expr[] = [];
    do list.push(this.expr());
    while (this.eatPunct(','));
    return list;
  }

  /** One expression. */
  protected expr(): Expr {
    const expr = newExpr();
    this.exprInto(expr);
    return expr;
  }

  /** One operand with its postfix operators, as an expression of its own (DEFAULT, TOP n). */
  protected operandExpr(): Expr {
    const expr = newExpr();
    this.operand(expr);
    this.postfix(expr);
    return expr;
  }

  /** `( expr )` as an expression of its own (CHECK (…), GROUPING SETS (…)). */
  protected parenthesizedOperand(): Expr {
    if (!this.isPunct('(')) throw new SqlSyntaxError('expected (');
    return this.operandExpr();
  }

  /** Reads an expression (operands joined by operators) into `expr`. */
  protected exprInto(expr: Expr): void {
    this.enter();
    let operands = 0;
    let shape: Expr['shape'] = 'other';
    let funcName: string | undefined;
    for (;;) {
      const kind = this.operand(expr);
      const postfixed = this.postfix(expr);
      operands++;
      if (operands === 1 && !postfixed) {
        shape = kind.shape;
        funcName = kind.funcName;
      }
      if (!this.binaryOperator()) break;
    }
    if (operands === 1) {
      expr.shape = shape;
      if (funcName !== undefined) expr.funcName = funcName;
    } else {
      expr.shape = 'other';
    }
    this.leave();
  }

  /** Consumes a binary operator if one comes next. */
  protected binaryOperator(): boolean {
    const token = this.peek();
    if (!token) return false;
    if (token.kind === 'punct' && OPERATOR_CHARS.has(token.value)) {
      this.operator();
      return true;
    }
    if (token.kind !== 'word') return false;
    if (WORD_OPERATORS.has(token.upper)) {
      this.pos++;
      if (token.upper === 'BETWEEN') this.eatWord('SYMMETRIC') || this.eatWord('ASYMMETRIC');
      return true;
    }
    if (token.upper === 'NOT') {
      const next = this.peek(1);
      if (
        next?.kind === 'word' &&
        ['IN', 'LIKE', 'ILIKE', 'BETWEEN', 'SIMILAR', 'REGEXP', 'RLIKE', 'GLOB'].includes(
          next.upper,
        )
      ) {
        this.pos++;
        return this.binaryOperator();
      }
      return false;
    }
    if (token.upper === 'SIMILAR') {
      this.pos++;
      this.expectWord('TO');
      return true;
    }
    if (token.upper === 'IN') {
      this.pos++;
      return true; // the operand reader handles `( list )`, `(SELECT …)` and POSITION's `a IN b`
    }
    if (token.upper === 'SOUNDS' && this.isWord('LIKE', 1)) {
      this.pos += 2;
      return true;
    }
    if (token.upper === 'MEMBER' && this.isWord('OF', 1)) {
      this.pos += 2;
      return true;
    }
    if (token.upper === 'OPERATOR' && this.isPunct('(', 1)) {
      this.pos++;
      this.skipGroup();
      return true;
    }
    return false;
  }

  /** A run of adjacent operator characters (`->>`, `<=`, `||`, `@>`), kept apart from a unary sign. */
  protected operator(): void {
    const first = this.next();
    if (first.kind !== 'punct' || !OPERATOR_CHARS.has(first.value))
      throw new SqlSyntaxError('operator');
    while (
      this.peek()?.kind === 'punct' &&
      OPERATOR_CHARS.has((this.peek() as SqlToken).value) &&
      this.adjacent()
    ) {
      const value = (this.peek() as SqlToken).value;
      // `=?` / `=@v` / `=-1`: a placeholder, variable or sign starts the next operand.
      if (value === '?' || (value === '@' && first.value !== '<')) break;
      if (
        (value === '-' || value === '+') &&
        !['-', '#', '>'].includes((this.peek(1) as SqlToken | undefined)?.value ?? '')
      ) {
        if (this.isOperandStart(1)) break;
      }
      this.pos++;
    }
  }

  /** Whether the token at `offset` can start an operand. */
  protected isOperandStart(offset: number): boolean {
    const token = this.peek(offset);
    if (!token) return false;
    return token.kind !== 'punct' || token.value === '(' || token.value === '$';
  }

  /** Postfix operators: `::type`, subscripts, IS [NOT] …, COLLATE, AT TIME ZONE. True if any. */
  protected postfix(expr: Expr): boolean {
    let any = false;
    for (;;) {
      if (this.isPunct(':') && this.isPunct(':', 1) && this.adjacent(1)) {
        this.pos += 2;
        this.typeName();
      } else if (
        this.peek()?.kind === 'quoted' &&
        this.isBracketed(this.peek() as SqlToken) &&
        this.adjacent()
      ) {
        this.pos++; // subscript `a[i]` read by the lexer as a bracketed name: not a column
      } else if (this.isPunct('[]') && this.adjacent()) {
        this.pos++;
      } else if (this.isWord('IS')) {
        this.pos++;
        this.eatWord('NOT');
        if (this.eatWord('DISTINCT', 'FROM')) {
          this.operand(expr);
        } else if (this.isAnyWord(IS_LITERALS)) {
          this.pos++;
        } else if (this.eatWord('JSON')) {
          this.isAnyWord(JSON_KINDS) && this.pos++;
        } else {
          this.operand(expr); // SQLite `a IS b`
        }
      } else if (this.isWord('ISNULL') || this.isWord('NOTNULL')) {
        this.pos++;
      } else if (this.isWord('NOT') && this.isWord('NULL', 1)) {
        this.pos += 2; // SQLite `a NOT NULL`
      } else if (this.eatWord('COLLATE')) {
        this.qualifiedNameAnyWord();
      } else if (this.eatWord('AT', 'TIME', 'ZONE')) {
        this.operand(expr);
      } else if (this.isPunct('.') && this.adjacent() && this.peek(-1)?.value === ')') {
        // `(composite).field` / `(row).*`
        this.pos++;
        if (!this.eatPunct('*')) this.ident(true);
      } else {
        return any;
      }
      any = true;
    }
  }

  /** A dotted name whose parts may be reserved words (`COLLATE "C"`, `pg_catalog.default`). */
  protected qualifiedNameAnyWord(): void {
    this.ident(true);
    while (this.eatPunct('.')) this.ident(true);
  }

  /** A type after `::` (`int`, `numeric(10,2)`, `timestamp with time zone`, `text[]`). */
  protected typeName(): void {
    const first = this.ident(true);
    const upper = first.value.toUpperCase();
    while (this.isPunct('.') && this.adjacent()) {
      this.pos++;
      this.ident(true);
    }
    if (upper === 'DOUBLE') this.eatWord('PRECISION');
    if ((upper === 'CHARACTER' || upper === 'CHAR' || upper === 'BIT') && this.isWord('VARYING'))
      this.pos++;
    if (this.isPunct('(')) this.skipGroup();
    this.typeNameTail(upper);
    if (upper === 'INTERVAL') {
      while (this.isAnyWord(INTERVAL_UNITS) || this.isWord('TO')) this.pos++;
    }
    while (this.isPunct('[]')) this.pos++;
  }

  /** `WITH` / `WITHOUT TIME ZONE` after `TIMESTAMP` or `TIME`. */
  protected typeNameTail(upper: string): void {
    if (upper === 'TIMESTAMP' || upper === 'TIME') {
      if (this.eatWord('WITH') || this.eatWord('WITHOUT')) {
        this.expectWord('TIME');
        this.expectWord('ZONE');
      }
    }
  }

  /** `ORDER BY` items: `expr [ASC|DESC] [USING op] [NULLS FIRST|LAST]`. */
  protected sortList(): Expr[] {
    const items: Expr[] = [];
    do {
      items.push(this.expr());
      this.eatWord('ASC') || this.eatWord('DESC');
      if (this.eatWord('USING')) this.operator();
      if (this.eatWord('NULLS')) {
        if (!(this.eatWord('FIRST') || this.eatWord('LAST'))) throw new SqlSyntaxError('NULLS');
      }
    } while (this.eatPunct(','));
    return items;
  }
}
