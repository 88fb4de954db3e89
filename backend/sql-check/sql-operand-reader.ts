// The operand layer of the SQL reader: literals, placeholders, column references, `CASE`,
// `EXISTS`, parenthesized expressions, rows and subqueries. Function calls are read by the layer
// above (sql-function-call-reader.ts), subqueries by the query layer (sql-query-reader.ts).

import type { SqlToken, SqlTokenKind } from '../schema/tokenize-sql.js';
import type { ColumnRef, Expr, Ident, QueryNode } from './sql-ast.js';
import {
  INTERVAL_UNITS,
  newExpr,
  type OperandShape,
  SqlExpressionReader,
} from './sql-expression-reader.js';
import { RESERVED, SqlSyntaxError } from './sql-token-cursor.js';

/** Reserved words that may still be called as functions (`LEFT(s, 2)`, MySQL `VALUES(col)`). */
const CALLABLE_RESERVED = new Set(
  'LEFT RIGHT REPLACE INSERT VALUES ANY ALL SOME EXISTS DEFAULT IF MOD DIV CHECK'.split(' '),
);

/** Niladic functions written without parentheses. */
const NILADIC = new Set(
  (
    'CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP LOCALTIME LOCALTIMESTAMP CURRENT_USER ' +
    'SESSION_USER CURRENT_ROLE CURRENT_SCHEMA CURRENT_CATALOG SYSDATE SYSTIMESTAMP UTC_DATE ' +
    'UTC_TIME UTC_TIMESTAMP'
  ).split(' '),
);

/** Words before a string that make it a typed literal (`DATE '2024-01-01'`). */
const TYPED_LITERAL = new Set(['DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMPTZ', 'DATETIME', 'JSON']);

/** What may follow `$` in a placeholder: `$1`, `$name`. */
const DOLLAR_PLACEHOLDER: ReadonlySet<SqlTokenKind> = new Set(['number', 'word']);

/** What may follow `:` in a placeholder: `:name`, `:"name"`. */
const NAMED_PLACEHOLDER: ReadonlySet<SqlTokenKind> = new Set(['word', 'quoted']);

/** Reads operands: everything an operator can stand between. */
export abstract class SqlOperandReader extends SqlExpressionReader {
  /** Reads `name(args…)` after its name, the `(` next (sql-function-call-reader.ts). */
  protected abstract functionCall(expr: Expr, name: Ident[]): OperandShape;

  /** Reads a query: a subquery here (sql-query-reader.ts). */
  protected abstract query(): QueryNode;

  /** Reads one operand into `expr`; says whether it was one column reference or one call. */
  protected override operand(expr: Expr): OperandShape {
    this.enter();
    try {
      return this.operandInner(expr);
    } finally {
      this.leave();
    }
  }

  /** The operand at the current token, by the token's kind. */
  protected operandInner(expr: Expr): OperandShape {
    const token = this.peek();
    if (!token) throw new SqlSyntaxError('expected an expression');
    const other = { shape: 'other' as const };
    switch (token.kind) {
      case 'string':
        this.pos++;
        // Adjacent strings concatenate ('a' 'b'); MySQL charset introducers were read as words.
        while (this.peek()?.kind === 'string') this.pos++;
        return other;
      case 'number':
        this.pos++;
        // 0x1F / 1e5 pieces and 10K-style suffixes read as an adjacent word.
        if (this.peek()?.kind === 'word' && this.adjacent()) this.pos++;
        return other;
      case 'quoted':
        if (this.isBracketed(token)) {
          // `ARRAY[…]` contents or a bracketed name: a name when it reads as one.
          if (/^[^,\s][^,]*$/.test(token.value) && !/^\d/.test(token.value))
            return this.nameOperand(expr);
          this.pos++;
          return other;
        }
        return this.nameOperand(expr);
      case 'punct':
        return this.punctOperand(expr, token);
      default:
        return this.wordOperand(expr, token);
    }
  }

  /** An operand that starts with punctuation: parentheses, signs, placeholders, variables. */
  protected punctOperand(expr: Expr, token: SqlToken): OperandShape {
    const other = { shape: 'other' as const };
    switch (token.value) {
      case '(': {
        const paren = this.parenGroup(expr);
        return paren;
      }
      case '-':
      case '+':
      case '~':
      case '!':
        this.pos++;
        this.operand(expr);
        this.postfix(expr);
        return other;
      case '$':
        return this.placeholder('$', DOLLAR_PLACEHOLDER); // $1
      case '?':
        this.pos++;
        if (this.peek()?.kind === 'number' && this.adjacent()) this.pos++;
        return other;
      case ':':
        // :name (`::` casts are postfix and never reach here)
        return this.placeholder(':', NAMED_PLACEHOLDER);
      case '@':
        // MySQL @var / @@system_var, SQL Server @param
        this.pos++;
        if (this.isPunct('@') && this.adjacent()) this.pos++;
        if (this.peek() && this.peek()?.kind !== 'punct' && this.adjacent()) this.pos++;
        else throw new SqlSyntaxError('@');
        while (this.isPunct('.') && this.adjacent()) {
          this.pos++;
          this.ident(true);
        }
        return other;
      case '*':
        throw new SqlSyntaxError('unexpected *');
      case '{':
        throw new SqlSyntaxError('template');
      default:
        throw new SqlSyntaxError(`unexpected ${token.value}`);
    }
  }

  /** A placeholder: its `marker`, then a token of one of `kinds` written right after it. */
  protected placeholder(marker: string, kinds: ReadonlySet<SqlTokenKind>): OperandShape {
    this.pos++;
    const kind = this.peek()?.kind;
    if (kind === undefined || !kinds.has(kind) || !this.adjacent())
      throw new SqlSyntaxError(marker);
    this.pos++;
    return { shape: 'other' };
  }

  /** `( … )`: a subquery, a row / list, or a parenthesized expression. */
  protected parenGroup(expr: Expr): OperandShape {
    this.expectPunct('(');
    if (this.isQueryAhead()) {
      expr.queries.push(this.query());
      this.expectPunct(')');
      return { shape: 'other' };
    }
    if (this.eatPunct(')')) return { shape: 'other' }; // () — empty row / grouping set
    let count = 0;
    let inner: OperandShape = { shape: 'other' };
    do {
      const sub = newExpr();
      this.exprInto(sub);
      expr.refs.push(...sub.refs);
      expr.queries.push(...sub.queries);
      inner = { shape: sub.shape, ...(sub.funcName ? { funcName: sub.funcName } : {}) };
      count++;
    } while (this.eatPunct(','));
    this.expectPunct(')');
    return count === 1 ? inner : { shape: 'other' };
  }

  /** Whether a subquery comes next (after any number of `(`). */
  protected isQueryAhead(): boolean {
    let offset = 0;
    while (this.isPunct('(', offset)) offset++;
    const token = this.peek(offset);
    return (
      token?.kind === 'word' &&
      (token.upper === 'SELECT' ||
        token.upper === 'WITH' ||
        (token.upper === 'VALUES' && offset === 0 && this.isPunct('(', 1)))
    );
  }

  /** An operand that starts with a word: literals, `CASE`, `EXISTS`, calls, names. */
  protected wordOperand(expr: Expr, token: SqlToken): OperandShape {
    const other = { shape: 'other' as const };
    const upper = token.upper;
    const next = this.peek(1);
    // String prefixes: E'…', N'…', X'…', B'…', _utf8mb4'…'.
    if (
      next?.kind === 'string' &&
      this.adjacent(1) &&
      (/^(E|N|X|B|U&?)$/.test(upper) || upper.startsWith('_'))
    ) {
      this.pos += 2;
      return other;
    }
    if (TYPED_LITERAL.has(upper) && next?.kind === 'string') {
      this.pos += 2;
      return other;
    }
    if (
      (upper === 'TIMESTAMP' || upper === 'TIME') &&
      (this.isWord('WITH', 1) || this.isWord('WITHOUT', 1))
    ) {
      // timestamp with time zone '…'
      this.pos++;
      this.typeNameTail(upper);
      if (this.peek()?.kind === 'string') {
        this.pos++;
        return other;
      }
      throw new SqlSyntaxError('typed literal');
    }
    switch (upper) {
      case 'NULL':
      case 'TRUE':
      case 'FALSE':
      case 'UNKNOWN':
      case 'DEFAULT':
        if (upper === 'DEFAULT' && this.isPunct('(', 1)) break;
        this.pos++;
        return other;
      case 'CASE':
        this.caseExpr(expr);
        return other;
      case 'NOT':
        this.pos++;
        this.operand(expr);
        this.postfix(expr);
        return other;
      case 'EXISTS':
        this.pos++;
        this.parenGroup(expr);
        return other;
      case 'INTERVAL':
        this.pos++;
        if (this.peek()?.kind === 'string') {
          this.pos++;
        } else {
          this.operand(expr); // MySQL INTERVAL expr unit
        }
        while (this.isAnyWord(INTERVAL_UNITS) || this.isWord('TO')) this.pos++;
        if (this.isPunct('(')) this.skipGroup(); // SECOND(3)
        return other;
      case 'ARRAY':
        if (next?.kind === 'quoted' && this.isBracketed(next)) {
          this.pos += 2;
          return other;
        }
        if (this.isPunct('[]', 1)) {
          this.pos += 2;
          return other;
        }
        break;
      case 'ROW':
        if (this.isPunct('(', 1)) {
          this.pos++;
          this.parenGroup(expr);
          return other;
        }
        break;
      case 'BINARY':
        // MySQL BINARY x
        if (next && !(next.kind === 'punct' && next.value !== '(')) {
          this.pos++;
          this.operand(expr);
          return other;
        }
        break;
      default:
        break;
    }
    if (NILADIC.has(upper) && !this.isPunct('(', 1)) {
      this.pos++;
      return other;
    }
    if (this.isPunct('(', 1) && (!RESERVED.has(upper) || CALLABLE_RESERVED.has(upper))) {
      this.pos++;
      return this.functionCall(expr, [{ value: token.value, quote: '', start: token.start }]);
    }
    if (RESERVED.has(upper)) throw new SqlSyntaxError(`unexpected ${upper}`);
    return this.nameOperand(expr);
  }

  /** A name: a column reference (`a`, `t.a`, `t.*`) or a qualified function call. */
  protected nameOperand(expr: Expr): OperandShape {
    const parts: Ident[] = [this.ident(true)];
    while (this.isPunct('.')) {
      const after = this.peek(1);
      if (after?.kind === 'punct' && after.value === '*') {
        this.pos += 2;
        expr.refs.push({ parts, star: true });
        return { shape: 'other' };
      }
      if (!after || (after.kind !== 'word' && after.kind !== 'quoted')) break;
      this.pos++;
      parts.push(this.ident(true));
    }
    if (this.isPunct('(')) return this.functionCall(expr, parts);
    // A typed literal with a user-defined type name: `point '(1,2)'` — too rare to guess at.
    if (this.peek()?.kind === 'string' && parts.length === 1 && parts[0]?.quote === '') {
      throw new SqlSyntaxError('typed literal');
    }
    const ref: ColumnRef = { parts, star: false };
    expr.refs.push(ref);
    return { shape: 'ref' };
  }

  /** `CASE [x] WHEN … THEN … [ELSE …] END`. */
  protected caseExpr(expr: Expr): void {
    this.expectWord('CASE');
    if (!this.isWord('WHEN')) this.exprInto(expr);
    while (this.eatWord('WHEN')) {
      this.exprInto(expr);
      this.expectWord('THEN');
      this.exprInto(expr);
    }
    if (this.eatWord('ELSE')) this.exprInto(expr);
    this.expectWord('END');
  }
}
