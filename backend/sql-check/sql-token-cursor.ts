// The bottom layer of the SQL reader: a cursor over one statement's tokens (lookahead, keyword
// and punctuation matching, names) and the syntax error every layer above it throws.

import type { SqlToken } from '../schema/tokenize-sql.js';
import type { Ident, QuoteKind } from './sql-ast.js';

/** Thrown (and caught per statement) when the text is not SQL this reader understands. */
export class SqlSyntaxError extends Error {}

/** Words that never name a column or an alias: they end an expression or a list item. */
export const RESERVED: ReadonlySet<string> = new Set(
  (
    'ALL AND ANY APPLY AS ASC BETWEEN BY CASE CHECK COLLATE CONSTRAINT CREATE CROSS DEFAULT DELETE ' +
    'DESC DISTINCT DO DROP ELSE END ESCAPE EXCEPT EXISTS FETCH FOR FOREIGN FROM FULL GLOB GROUP ' +
    'HAVING ILIKE IN INNER INSERT INTERSECT INTO IS ISNULL JOIN LATERAL LEFT LIKE LIMIT MINUS ' +
    'NATURAL NOT NOTNULL NULL OFFSET ON OR ORDER OUTER PRIMARY QUALIFY REFERENCES REGEXP RETURNING ' +
    'RIGHT RLIKE SELECT SET SIMILAR SOME STRAIGHT_JOIN TABLE THEN UNION UNIQUE UPDATE USING VALUES ' +
    'WHEN WHERE WINDOW WITH TOP TABLESAMPLE INDEXED USE FORCE IGNORE OVERLAPS XOR DIV MOD OVER ' +
    'FILTER WITHIN LOCK TRUE FALSE'
  ).split(' '),
);

/**
 * Reads the tokens `start` to `end` of a tokenized text, one statement. Each layer of the reader
 * (expressions, queries, DML, DDL, statements) extends the one below it; this one knows tokens and
 * names only. Methods that match something consume it and return `true`; `expect…` methods throw
 * a {@link SqlSyntaxError} instead.
 */
export class SqlTokenCursor {
  readonly #tokens: SqlToken[];
  readonly #text: string;
  readonly #end: number;
  /** Index of the next token. */
  protected pos: number;
  /** Guards against pathological nesting (a stack overflow would be a RangeError anyway). */
  #depth = 0;

  constructor(tokens: SqlToken[], text: string, start: number, end: number) {
    this.#tokens = tokens;
    this.#text = text;
    this.pos = start;
    this.#end = end;
  }

  /** Index of the next token (where reading stopped). */
  get position(): number {
    return this.pos;
  }

  /** The token `offset` tokens ahead, `undefined` past the statement's end. */
  protected peek(offset = 0): SqlToken | undefined {
    const index = this.pos + offset;
    return index < this.#end ? this.#tokens[index] : undefined;
  }

  /** Consumes and returns the next token. */
  protected next(): SqlToken {
    const token = this.peek();
    if (!token) throw new SqlSyntaxError('unexpected end');
    this.pos++;
    return token;
  }

  /** Whether the token at `offset` is the word `upper`. */
  protected isWord(upper: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.upper === upper;
  }

  /** Whether the token at `offset` is one of `words`. */
  protected isAnyWord(words: ReadonlySet<string>, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && words.has(token.upper);
  }

  /** Consumes the words `uppers` when all of them come next, in order. */
  protected eatWord(...uppers: string[]): boolean {
    for (let k = 0; k < uppers.length; k++) if (!this.isWord(uppers[k] as string, k)) return false;
    this.pos += uppers.length;
    return true;
  }

  /** Consumes the word `upper`, or throws. */
  protected expectWord(upper: string): void {
    if (!this.eatWord(upper)) throw new SqlSyntaxError(`expected ${upper}`);
  }

  /** Whether the token at `offset` is the punctuation `value`. */
  protected isPunct(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'punct' && token.value === value;
  }

  /** Consumes the punctuation `value` when it comes next. */
  protected eatPunct(value: string): boolean {
    if (!this.isPunct(value)) return false;
    this.pos++;
    return true;
  }

  /** Consumes the punctuation `value`, or throws. */
  protected expectPunct(value: string): void {
    if (!this.eatPunct(value)) throw new SqlSyntaxError(`expected ${value}`);
  }

  /** Whether the token at `offset` directly follows the previous one (no space between). */
  protected adjacent(offset = 0): boolean {
    const token = this.peek(offset);
    const previous = this.#tokens[this.pos + offset - 1];
    return token !== undefined && previous !== undefined && previous.end === token.start;
  }

  /** Whether the whole statement has been read. */
  protected atEnd(): boolean {
    return this.pos >= this.#end;
  }

  /** Skips the rest of the statement. */
  protected skipToEnd(): void {
    this.pos = this.#end;
  }

  /** Whether `token` was written in brackets (`[x]`: a SQL Server name, or an array subscript). */
  protected isBracketed(token: SqlToken): boolean {
    return this.#text[token.start] === '[';
  }

  /** How `token` was quoted. */
  protected quoteOf(token: SqlToken): QuoteKind {
    if (token.kind !== 'quoted') return '';
    const char = this.#text[token.start];
    return char === '"' || char === '`' || char === '[' ? char : '"';
  }

  /** Whether the next token can be an identifier (a quoted one, or a word that is not reserved). */
  protected isIdent(offset = 0): boolean {
    const token = this.peek(offset);
    if (!token) return false;
    if (token.kind === 'quoted') return true;
    return token.kind === 'word' && !RESERVED.has(token.upper);
  }

  /** An identifier; reserved words are accepted only when `anyWord` (after `.` or `AS`). */
  protected ident(anyWord = false): Ident {
    const token = this.peek();
    if (!token || !(token.kind === 'quoted' || token.kind === 'word')) {
      throw new SqlSyntaxError('expected a name');
    }
    if (token.kind === 'word' && !anyWord && RESERVED.has(token.upper)) {
      throw new SqlSyntaxError(`unexpected ${token.upper}`);
    }
    this.pos++;
    return { value: token.value, quote: this.quoteOf(token), start: token.start };
  }

  /** `a`, `a.b`, `a.b.c`. */
  protected qualifiedName(): Ident[] {
    const parts = [this.ident()];
    while (this.isPunct('.') && this.peek(1) && this.peek(1)?.kind !== 'punct') {
      this.pos++;
      parts.push(this.ident(true));
    }
    return parts;
  }

  /** `(a, b, c)` of plain names. */
  protected nameList(): Ident[] {
    this.expectPunct('(');
    const names: Ident[] = [];
    if (!this.isPunct(')')) {
      do names.push(this.ident(true));
      while (this.eatPunct(','));
    }
    this.expectPunct(')');
    return names;
  }

  /** Skips a balanced `( … )` group starting at the current `(`. */
  protected skipGroup(): void {
    this.expectPunct('(');
    this.skipUntilClose();
  }

  /** Skips to just after the `)` that closes a group already opened. */
  protected skipUntilClose(): void {
    let depth = 1;
    while (depth > 0) {
      const token = this.next();
      if (token.kind !== 'punct') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')') depth--;
    }
  }

  /**
   * Skips tokens, a parenthesized group at a time, up to the end of the statement or to the first
   * punctuation of `stops` outside those groups (not consumed): what the checker does not read.
   */
  protected skipGroupsUntil(...stops: string[]): void {
    while (!this.atEnd() && !stops.some((stop) => this.isPunct(stop))) {
      if (this.isPunct('(')) this.skipGroup();
      else this.pos++;
    }
  }

  /** Enters one level of nesting (a query, an expression, a table factor); throws when too deep. */
  protected enter(): void {
    if (++this.#depth > 200) throw new SqlSyntaxError('too deep');
  }

  /** Leaves the level {@link enter} entered. */
  protected leave(): void {
    this.#depth--;
  }
}
