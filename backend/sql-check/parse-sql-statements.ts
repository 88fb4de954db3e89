// A strict recursive-descent reader of SQL statements (Postgres, MySQL, SQLite, SQL Server forms)
// into the small tree of sql-ast.ts. Anything it does not fully understand is an error, so that the
// checker reports `unparsed` instead of guessing.

import { type SqlToken, tokenizeSql } from '../schema/tokenize-sql.js';
import type {
  AlterAction,
  Assignment,
  ColumnDef,
  ColumnRef,
  Cte,
  Expr,
  ForeignKeyRef,
  FromItem,
  Ident,
  QueryCore,
  QueryNode,
  QuoteKind,
  SelectItem,
  Statement,
  TableConstraint,
} from './sql-ast.js';

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

/** Thrown (and caught per statement) when the text is not SQL this reader understands. */
class SqlSyntaxError extends Error {}

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

/** Words that never name a column or an alias: they end an expression or a list item. */
const RESERVED = new Set(
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

/** Interval units (`INTERVAL 1 DAY`, `INTERVAL '1' HOUR TO MINUTE`, `EXTRACT(YEAR FROM …)`). */
const INTERVAL_UNITS = new Set(
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

/**
 * Splits `text` into statements (at `;` outside parentheses, and at a SQL Server `GO` line) and
 * reads each one. Never throws: a statement it cannot read has `statement: undefined`.
 */
export function parseSqlStatements(text: string): ParsedStatement[] {
  const tokens = tokenizeSql(text);
  const results: ParsedStatement[] = [];
  for (const [start, end] of splitStatements(tokens, text)) {
    const first = tokens[start];
    const keyword = first?.kind === 'word' ? first.upper : first?.value === '(' ? '(' : '';
    const mayDefineNames = definesNames(tokens, start, end, keyword);
    const parser = new Parser(tokens, text, start, end);
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

function splitStatements(tokens: SqlToken[], text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as SqlToken;
    if (token.kind === 'punct') {
      if (token.value === '(') depth++;
      else if (token.value === ')') depth = Math.max(0, depth - 1);
      else if (token.value === ';' && depth === 0) {
        if (i > start) ranges.push([start, i]);
        start = i + 1;
      }
    } else if (
      token.kind === 'word' &&
      token.upper === 'GO' &&
      depth === 0 &&
      onOwnLine(text, token)
    ) {
      if (i > start) ranges.push([start, i]);
      start = i + 1;
    }
  }
  if (tokens.length > start) ranges.push([start, tokens.length]);
  return ranges;
}

function onOwnLine(text: string, token: SqlToken): boolean {
  const lineStart = text.lastIndexOf('\n', token.start - 1) + 1;
  const lineEnd = text.indexOf('\n', token.end);
  return (
    text.slice(lineStart, token.start).trim() === '' &&
    text.slice(token.end, lineEnd === -1 ? text.length : lineEnd).trim() === ''
  );
}

function newExpr(): Expr {
  return { refs: [], queries: [], shape: 'other' };
}

class Parser {
  readonly #tokens: SqlToken[];
  readonly #text: string;
  readonly #end: number;
  #pos: number;
  /** Guards against pathological nesting (a stack overflow would be a RangeError anyway). */
  #depth = 0;

  constructor(tokens: SqlToken[], text: string, start: number, end: number) {
    this.#tokens = tokens;
    this.#text = text;
    this.#pos = start;
    this.#end = end;
  }

  /** Index of the next token (where reading stopped). */
  get position(): number {
    return this.#pos;
  }

  // --- token helpers -----------------------------------------------------------------------

  #peek(offset = 0): SqlToken | undefined {
    const index = this.#pos + offset;
    return index < this.#end ? this.#tokens[index] : undefined;
  }

  #next(): SqlToken {
    const token = this.#peek();
    if (!token) throw new SqlSyntaxError('unexpected end');
    this.#pos++;
    return token;
  }

  #isWord(upper: string, offset = 0): boolean {
    const token = this.#peek(offset);
    return token?.kind === 'word' && token.upper === upper;
  }

  #isAnyWord(words: ReadonlySet<string>, offset = 0): boolean {
    const token = this.#peek(offset);
    return token?.kind === 'word' && words.has(token.upper);
  }

  #eatWord(...uppers: string[]): boolean {
    for (let k = 0; k < uppers.length; k++) if (!this.#isWord(uppers[k] as string, k)) return false;
    this.#pos += uppers.length;
    return true;
  }

  #expectWord(upper: string): void {
    if (!this.#eatWord(upper)) throw new SqlSyntaxError(`expected ${upper}`);
  }

  #isPunct(value: string, offset = 0): boolean {
    const token = this.#peek(offset);
    return token?.kind === 'punct' && token.value === value;
  }

  #eatPunct(value: string): boolean {
    if (!this.#isPunct(value)) return false;
    this.#pos++;
    return true;
  }

  #expectPunct(value: string): void {
    if (!this.#eatPunct(value)) throw new SqlSyntaxError(`expected ${value}`);
  }

  /** Whether the token at `offset` directly follows the previous one (no space between). */
  #adjacent(offset = 0): boolean {
    const token = this.#peek(offset);
    const previous = this.#tokens[this.#pos + offset - 1];
    return token !== undefined && previous !== undefined && previous.end === token.start;
  }

  #atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  #quoteOf(token: SqlToken): QuoteKind {
    if (token.kind !== 'quoted') return '';
    const char = this.#text[token.start];
    return char === '"' || char === '`' || char === '[' ? char : '"';
  }

  /** Whether the next token can be an identifier (a quoted one, or a word that is not reserved). */
  #isIdent(offset = 0): boolean {
    const token = this.#peek(offset);
    if (!token) return false;
    if (token.kind === 'quoted') return true;
    return token.kind === 'word' && !RESERVED.has(token.upper);
  }

  /** An identifier; reserved words are accepted only when `anyWord` (after `.` or `AS`). */
  #ident(anyWord = false): Ident {
    const token = this.#peek();
    if (!token || !(token.kind === 'quoted' || token.kind === 'word')) {
      throw new SqlSyntaxError('expected a name');
    }
    if (token.kind === 'word' && !anyWord && RESERVED.has(token.upper)) {
      throw new SqlSyntaxError(`unexpected ${token.upper}`);
    }
    this.#pos++;
    return { value: token.value, quote: this.#quoteOf(token), start: token.start };
  }

  /** `a`, `a.b`, `a.b.c`. */
  #qualifiedName(): Ident[] {
    const parts = [this.#ident()];
    while (this.#isPunct('.') && this.#peek(1) && this.#peek(1)?.kind !== 'punct') {
      this.#pos++;
      parts.push(this.#ident(true));
    }
    return parts;
  }

  /** `(a, b, c)` of plain names. */
  #nameList(): Ident[] {
    this.#expectPunct('(');
    const names: Ident[] = [];
    if (!this.#isPunct(')')) {
      do names.push(this.#ident(true));
      while (this.#eatPunct(','));
    }
    this.#expectPunct(')');
    return names;
  }

  /** Skips a balanced `( … )` group starting at the current `(`. */
  #skipGroup(): void {
    this.#expectPunct('(');
    let depth = 1;
    while (depth > 0) {
      const token = this.#next();
      if (token.kind !== 'punct') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')') depth--;
    }
  }

  #enter(): void {
    if (++this.#depth > 200) throw new SqlSyntaxError('too deep');
  }

  #leave(): void {
    this.#depth--;
  }

  // --- statements ---------------------------------------------------------------------------

  parseStatement(): Statement {
    const statement = this.#statement();
    if (!this.#atEnd()) throw new SqlSyntaxError('unexpected text after the statement');
    return statement;
  }

  #statement(): Statement {
    const token = this.#peek();
    if (!token) throw new SqlSyntaxError('empty statement');
    if (token.kind === 'punct' && token.value === '(')
      return { kind: 'query', query: this.#query() };
    if (token.kind !== 'word') throw new SqlSyntaxError('not a statement');
    switch (token.upper) {
      case 'SELECT':
      case 'VALUES':
      case 'TABLE':
        return { kind: 'query', query: this.#query() };
      case 'WITH':
        return this.#withStatement();
      case 'INSERT':
      case 'REPLACE':
        return this.#insert([]);
      case 'UPDATE':
        return this.#update([]);
      case 'DELETE':
        return this.#delete([]);
      case 'CREATE':
        return this.#create();
      case 'ALTER':
        return this.#alter();
      case 'DROP':
        return this.#drop();
      case 'TRUNCATE':
        return this.#truncate();
      case 'COMMENT':
        return this.#comment();
      case 'EXPLAIN': {
        this.#pos++;
        // EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement; MySQL EXPLAIN FORMAT=JSON.
        while (this.#isAnyWord(new Set(['ANALYZE', 'VERBOSE', 'QUERY', 'PLAN', 'EXTENDED']))) {
          this.#pos++;
        }
        if (this.#isPunct('(')) this.#skipGroup();
        if (this.#isWord('FORMAT')) {
          this.#pos++;
          this.#eatPunct('=');
          this.#next();
        }
        return this.#statement();
      }
      case 'SET':
      case 'RESET':
        // Session settings name no table or column.
        this.#pos = this.#end;
        return { kind: 'noop' };
      case 'BEGIN':
      case 'COMMIT':
      case 'ROLLBACK':
      case 'START':
      case 'END':
      case 'SAVEPOINT':
      case 'RELEASE':
        // Transaction control: nothing to check, but only its simple forms are accepted.
        this.#pos++;
        while (!this.#atEnd()) {
          const word = this.#next();
          if (word.kind !== 'word') throw new SqlSyntaxError('unexpected token');
        }
        return { kind: 'noop' };
      default:
        throw new SqlSyntaxError(`unsupported statement ${token.upper}`);
    }
  }

  #ctes(): { ctes: Cte[]; recursive: boolean } {
    this.#expectWord('WITH');
    const recursive = this.#eatWord('RECURSIVE');
    const ctes: Cte[] = [];
    do {
      const name = this.#ident();
      const columns = this.#isPunct('(') ? this.#nameList() : undefined;
      this.#expectWord('AS');
      this.#eatWord('NOT');
      this.#eatWord('MATERIALIZED');
      this.#expectPunct('(');
      const statement = this.#statement();
      this.#expectPunct(')');
      // Postgres SEARCH / CYCLE clauses of recursive CTEs are not read.
      if (this.#isWord('SEARCH') || this.#isWord('CYCLE')) throw new SqlSyntaxError('SEARCH/CYCLE');
      const cte: Cte = { name, statement };
      if (columns) cte.columns = columns;
      ctes.push(cte);
    } while (this.#eatPunct(','));
    return { ctes, recursive };
  }

  #withStatement(): Statement {
    const start = this.#pos;
    const { ctes } = this.#ctes();
    if (this.#isWord('INSERT') || this.#isWord('REPLACE')) return this.#insert(ctes);
    if (this.#isWord('UPDATE')) return this.#update(ctes);
    if (this.#isWord('DELETE')) return this.#delete(ctes);
    this.#pos = start;
    return { kind: 'query', query: this.#query() };
  }

  // --- queries ------------------------------------------------------------------------------

  #query(): QueryNode {
    this.#enter();
    const node: QueryNode = { ctes: [], recursive: false, cores: [], orderBy: [], limit: [] };
    if (this.#isWord('WITH')) {
      const { ctes, recursive } = this.#ctes();
      node.ctes = ctes;
      node.recursive = recursive;
    }
    node.cores.push(this.#queryCore());
    while (this.#isAnyWord(new Set(['UNION', 'INTERSECT', 'EXCEPT', 'MINUS']))) {
      this.#pos++;
      this.#eatWord('ALL') || this.#eatWord('DISTINCT');
      node.cores.push(this.#queryCore());
    }
    this.#queryTail(node);
    this.#leave();
    return node;
  }

  /** ORDER BY, LIMIT, OFFSET, FETCH, FOR UPDATE after a query body. */
  #queryTail(node: QueryNode): void {
    if (this.#eatWord('ORDER', 'BY')) node.orderBy = this.#sortList();
    for (;;) {
      if (this.#eatWord('LIMIT')) {
        if (this.#eatWord('ALL')) continue;
        node.limit.push(this.#expr());
        if (this.#eatPunct(',')) node.limit.push(this.#expr()); // MySQL LIMIT offset, count
      } else if (this.#eatWord('OFFSET')) {
        node.limit.push(this.#expr());
        this.#eatWord('ROWS') || this.#eatWord('ROW');
      } else if (this.#eatWord('FETCH')) {
        if (!(this.#eatWord('FIRST') || this.#eatWord('NEXT'))) throw new SqlSyntaxError('FETCH');
        if (!this.#isWord('ROW') && !this.#isWord('ROWS')) node.limit.push(this.#expr());
        if (!(this.#eatWord('ROWS') || this.#eatWord('ROW'))) throw new SqlSyntaxError('FETCH');
        if (!(this.#eatWord('ONLY') || this.#eatWord('WITH', 'TIES'))) {
          throw new SqlSyntaxError('FETCH');
        }
      } else if (
        this.#isWord('FOR') &&
        this.#isAnyWord(new Set(['UPDATE', 'SHARE', 'NO', 'KEY']), 1)
      ) {
        this.#pos++;
        while (this.#isAnyWord(new Set(['UPDATE', 'SHARE', 'NO', 'KEY']))) this.#pos++;
        if (this.#eatWord('OF')) {
          do this.#qualifiedName();
          while (this.#eatPunct(','));
        }
        this.#eatWord('NOWAIT') || this.#eatWord('SKIP', 'LOCKED');
      } else if (this.#eatWord('LOCK', 'IN', 'SHARE', 'MODE')) {
        // MySQL
      } else {
        return;
      }
    }
  }

  #queryCore(): QueryCore {
    if (this.#eatPunct('(')) {
      const query = this.#query();
      this.#expectPunct(')');
      return { kind: 'query', query };
    }
    if (this.#eatWord('VALUES')) return { kind: 'values', rows: this.#valueRows() };
    if (this.#eatWord('TABLE')) return { kind: 'table', name: this.#qualifiedName() };
    this.#expectWord('SELECT');
    const core: QueryCore & { kind: 'select' } = {
      kind: 'select',
      items: [],
      from: [],
      where: [],
      groupBy: [],
      having: [],
      windows: [],
    };
    if (this.#eatWord('DISTINCT')) {
      if (this.#eatWord('ON')) {
        this.#expectPunct('(');
        core.where.push(...this.#exprList());
        this.#expectPunct(')');
      }
    } else {
      this.#eatWord('ALL');
    }
    this.#eatWord('DISTINCTROW');
    while (
      this.#isAnyWord(
        new Set(['SQL_CALC_FOUND_ROWS', 'HIGH_PRIORITY', 'SQL_NO_CACHE', 'STRAIGHT_JOIN']),
      )
    ) {
      this.#pos++;
    }
    if (this.#eatWord('TOP')) {
      // SQL Server TOP n [PERCENT] [WITH TIES] / TOP (n)
      core.where.push(this.#operandExpr());
      this.#eatWord('PERCENT');
      this.#eatWord('WITH', 'TIES');
    }
    core.items = this.#selectItems();
    if (this.#eatWord('INTO')) this.#selectInto();
    if (this.#eatWord('FROM')) core.from = this.#fromList();
    if (this.#eatWord('WHERE')) core.where.push(this.#expr());
    if (this.#eatWord('GROUP', 'BY')) {
      this.#eatWord('ALL') || this.#eatWord('DISTINCT');
      core.groupBy = this.#groupingList();
      this.#eatWord('WITH', 'ROLLUP');
    }
    if (this.#eatWord('HAVING')) core.having.push(this.#expr());
    if (this.#eatWord('WINDOW')) {
      do {
        this.#ident();
        this.#expectWord('AS');
        core.windows.push(this.#windowSpec());
      } while (this.#eatPunct(','));
    }
    if (this.#eatWord('QUALIFY')) core.having.push(this.#expr());
    return core;
  }

  /** `SELECT … INTO [TEMP] [TABLE] name` (Postgres, SQL Server) or MySQL `INTO @a, @b`. */
  #selectInto(): void {
    while (this.#isAnyWord(new Set(['TEMP', 'TEMPORARY', 'UNLOGGED', 'TABLE']))) this.#pos++;
    do {
      if (this.#eatPunct('@')) this.#ident(true);
      else this.#qualifiedName();
    } while (this.#eatPunct(','));
  }

  #groupingList(): Expr[] {
    const items: Expr[] = [];
    do {
      if (this.#eatWord('GROUPING', 'SETS')) {
        items.push(this.#parenthesizedOperand());
      } else if (this.#isPunct('(') && this.#isPunct(')', 1)) {
        this.#pos += 2; // () — the empty grouping set
      } else {
        items.push(this.#expr());
      }
    } while (this.#eatPunct(','));
    return items;
  }

  #selectItems(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      if (this.#eatPunct('*')) {
        items.push({ kind: 'star' });
        continue;
      }
      // t.* / s.t.*
      const star = this.#qualifiedStar();
      if (star) {
        items.push({ kind: 'qualified-star', qualifier: star });
        continue;
      }
      const expr = this.#expr();
      const alias = this.#alias(true);
      items.push(alias ? { kind: 'expr', expr, alias } : { kind: 'expr', expr });
    } while (this.#eatPunct(','));
    return items;
  }

  /** `t.*` at the current position: the qualifier, or undefined (position unchanged). */
  #qualifiedStar(): Ident[] | undefined {
    let offset = 0;
    while (this.#peek(offset)?.kind === 'word' || this.#peek(offset)?.kind === 'quoted') {
      if (!this.#isPunct('.', offset + 1)) return undefined;
      if (this.#isPunct('*', offset + 2)) {
        const parts: Ident[] = [];
        for (let k = 0; k <= offset; k += 2) {
          const token = this.#peek(k) as SqlToken;
          parts.push({ value: token.value, quote: this.#quoteOf(token), start: token.start });
        }
        this.#pos += offset + 3;
        return parts;
      }
      offset += 2;
    }
    return undefined;
  }

  /** `[AS] alias`; a string alias is accepted after AS (MySQL, SQLite). */
  #alias(allowString: boolean): Ident | undefined {
    if (this.#eatWord('AS')) {
      const token = this.#peek();
      if (allowString && token?.kind === 'string') {
        this.#pos++;
        return { value: token.value, quote: '"', start: token.start };
      }
      return this.#ident(true);
    }
    if (this.#isIdent()) return this.#ident();
    const token = this.#peek();
    if (allowString && token?.kind === 'string') {
      this.#pos++;
      return { value: token.value, quote: '"', start: token.start };
    }
    return undefined;
  }

  #sortList(): Expr[] {
    const items: Expr[] = [];
    do {
      items.push(this.#expr());
      this.#eatWord('ASC') || this.#eatWord('DESC');
      if (this.#eatWord('USING')) this.#operator();
      if (this.#eatWord('NULLS')) {
        if (!(this.#eatWord('FIRST') || this.#eatWord('LAST'))) throw new SqlSyntaxError('NULLS');
      }
    } while (this.#eatPunct(','));
    return items;
  }

  #valueRows(): Expr[][] {
    const rows: Expr[][] = [];
    do {
      this.#eatWord('ROW'); // MySQL VALUES ROW(…)
      this.#expectPunct('(');
      rows.push(this.#isPunct(')') ? [] : this.#exprList());
      this.#expectPunct(')');
    } while (this.#eatPunct(','));
    return rows;
  }

  // --- FROM ---------------------------------------------------------------------------------

  #fromList(): FromItem[] {
    const items: FromItem[] = [];
    do items.push(this.#joinedTable());
    while (this.#eatPunct(','));
    return items;
  }

  #joinedTable(): FromItem {
    let left = this.#tableFactor();
    for (;;) {
      const natural = this.#eatWord('NATURAL');
      let isJoin = false;
      let cross = false;
      if (this.#eatWord('JOIN') || this.#eatWord('STRAIGHT_JOIN')) isJoin = true;
      else if (this.#eatWord('INNER', 'JOIN')) isJoin = true;
      else if (this.#eatWord('CROSS', 'JOIN')) isJoin = cross = true;
      else if (this.#eatWord('CROSS', 'APPLY') || this.#eatWord('OUTER', 'APPLY'))
        isJoin = cross = true;
      else if (this.#isAnyWord(new Set(['LEFT', 'RIGHT', 'FULL']))) {
        this.#pos++;
        this.#eatWord('OUTER');
        this.#expectWord('JOIN');
        isJoin = true;
      }
      if (!isJoin) {
        if (natural) throw new SqlSyntaxError('NATURAL without JOIN');
        return left;
      }
      const right = this.#tableFactor();
      const join: FromItem = { kind: 'join', left, right };
      if (!natural && !cross) {
        if (this.#eatWord('ON')) join.on = this.#expr();
        else if (this.#eatWord('USING')) {
          join.using = this.#nameList();
          if (this.#eatWord('AS')) this.#ident();
        }
      }
      left = join;
    }
  }

  #tableFactor(): FromItem {
    this.#enter();
    // LATERAL changes what a subquery may see; the checker lets every subquery see its siblings.
    this.#eatWord('LATERAL');
    let item: FromItem;
    if (this.#isPunct('(')) {
      const inner = this.#peek(1);
      const isQuery =
        inner?.kind === 'word' && ['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(inner.upper);
      if (isQuery || this.#looksLikeParenthesizedQuery()) {
        this.#pos++;
        const query = this.#query();
        this.#expectPunct(')');
        item = { kind: 'subquery', query };
      } else {
        this.#pos++;
        item = this.#joinedTable();
        this.#expectPunct(')');
        if (item.kind !== 'join') {
          // `(t)` or `(t AS x)`: the same item.
          this.#leave();
          return this.#withAlias(item);
        }
        this.#leave();
        return item;
      }
    } else if (this.#isIdent() && this.#isFunctionCallAhead()) {
      const expr = newExpr();
      this.#operand(expr);
      this.#eatWord('WITH', 'ORDINALITY');
      item = { kind: 'function', expr };
    } else {
      this.#eatWord('ONLY');
      const name = this.#qualifiedName();
      if (this.#isPunct('*')) this.#pos++; // Postgres: the table and its descendants
      item = { kind: 'table', name };
      if (this.#isWord('PARTITION') && this.#isPunct('(', 1)) {
        this.#pos++;
        this.#nameList();
      }
    }
    item = this.#withAlias(item);
    this.#tableHints();
    this.#leave();
    return item;
  }

  /** `((SELECT …))` and `(SELECT …) UNION (SELECT …)` start with two parentheses. */
  #looksLikeParenthesizedQuery(): boolean {
    let offset = 0;
    while (this.#isPunct('(', offset)) offset++;
    const token = this.#peek(offset);
    return (
      offset > 1 && token?.kind === 'word' && ['SELECT', 'WITH', 'VALUES'].includes(token.upper)
    );
  }

  #isFunctionCallAhead(): boolean {
    let offset = 1;
    while (this.#isPunct('.', offset) && this.#peek(offset + 1)?.kind !== 'punct') offset += 2;
    return this.#isPunct('(', offset);
  }

  #withAlias(item: FromItem): FromItem {
    if (item.kind === 'join') return item;
    const alias = this.#alias(false);
    if (!alias) return item;
    const aliased = { ...item, alias };
    if (this.#isPunct('(')) {
      // Column aliases; a function's may carry types: AS x(a int, b text).
      this.#pos++;
      const names: Ident[] = [];
      do {
        names.push(this.#ident(true));
        while (!this.#isPunct(',') && !this.#isPunct(')')) {
          if (this.#isPunct('(')) this.#skipGroup();
          else this.#next();
        }
      } while (this.#eatPunct(','));
      this.#expectPunct(')');
      aliased.columnAliases = names;
    }
    return aliased;
  }

  /** MySQL index hints, SQLite INDEXED BY, SQL Server WITH (NOLOCK), TABLESAMPLE. */
  #tableHints(): void {
    for (;;) {
      if (
        this.#isAnyWord(new Set(['USE', 'FORCE', 'IGNORE'])) &&
        this.#isAnyWord(new Set(['INDEX', 'KEY']), 1)
      ) {
        this.#pos += 2;
        if (this.#eatWord('FOR')) {
          if (!this.#eatWord('JOIN')) {
            this.#eatWord('ORDER') || this.#eatWord('GROUP');
            this.#expectWord('BY');
          }
        }
        this.#skipGroup();
      } else if (this.#eatWord('INDEXED', 'BY')) {
        this.#ident(true);
      } else if (this.#eatWord('NOT', 'INDEXED')) {
        // SQLite
      } else if (this.#isWord('WITH') && this.#isPunct('(', 1)) {
        this.#pos++;
        this.#skipGroup();
      } else if (this.#eatWord('TABLESAMPLE')) {
        this.#ident(true);
        this.#skipGroup();
        if (this.#eatWord('REPEATABLE')) this.#skipGroup();
      } else {
        return;
      }
    }
  }

  // --- DML ----------------------------------------------------------------------------------

  #insert(ctes: Cte[]): Statement {
    const replace = this.#isWord('REPLACE');
    this.#pos++;
    if (!replace && this.#eatWord('OR')) {
      // SQLite INSERT OR REPLACE / IGNORE / ABORT / FAIL / ROLLBACK
      this.#next();
    }
    while (this.#isAnyWord(new Set(['IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY'])))
      this.#pos++;
    this.#eatWord('INTO');
    const table = this.#qualifiedName();
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
    if (this.#eatWord('AS')) statement.alias = this.#ident(true);
    else if (this.#isIdent() && !this.#isWord('OVERRIDING') && !this.#isWord('VALUE')) {
      statement.alias = this.#ident(); // SQLite / MySQL allow a bare alias
    }
    if (this.#isPunct('(') && !this.#isQueryInParens()) statement.columns = this.#nameList();
    if (this.#eatWord('OVERRIDING')) {
      this.#next();
      this.#expectWord('VALUE');
    }
    if (this.#eatWord('DEFAULT', 'VALUES')) {
      // nothing
    } else if (this.#eatWord('VALUES') || this.#eatWord('VALUE')) {
      statement.values = this.#valueRows();
      if (this.#eatWord('AS')) {
        statement.rowAlias = this.#ident(true);
        if (this.#isPunct('(')) this.#nameList();
      }
    } else if (this.#eatWord('SET')) {
      statement.set = this.#assignments();
    } else {
      statement.query = this.#query();
    }
    if (this.#eatWord('ON', 'CONFLICT')) {
      if (this.#isPunct('(')) {
        this.#pos++;
        statement.conflictTarget = this.#exprList();
        this.#expectPunct(')');
        if (this.#eatWord('WHERE')) statement.conflictWhere.push(this.#expr());
      } else if (this.#eatWord('ON', 'CONSTRAINT')) {
        this.#ident(true);
      }
      this.#expectWord('DO');
      if (!this.#eatWord('NOTHING')) {
        this.#expectWord('UPDATE');
        this.#expectWord('SET');
        statement.conflictSet = this.#assignments();
        if (this.#eatWord('WHERE')) statement.conflictWhere.push(this.#expr());
      }
    } else if (this.#eatWord('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
      statement.duplicateSet = this.#assignments();
    }
    if (this.#eatWord('RETURNING')) statement.returning = this.#selectItems();
    return statement;
  }

  #isQueryInParens(): boolean {
    let offset = 0;
    while (this.#isPunct('(', offset)) offset++;
    const token = this.#peek(offset);
    return token?.kind === 'word' && ['SELECT', 'WITH', 'VALUES'].includes(token.upper);
  }

  #assignments(): Assignment[] {
    const list: Assignment[] = [];
    do {
      let targets: Ident[][];
      if (this.#isPunct('(')) {
        this.#pos++;
        targets = [];
        do targets.push(this.#qualifiedName());
        while (this.#eatPunct(','));
        this.#expectPunct(')');
      } else {
        targets = [this.#qualifiedName()];
      }
      this.#expectPunct('=');
      list.push({ targets, value: this.#expr() });
    } while (this.#eatPunct(','));
    return list;
  }

  #update(ctes: Cte[]): Statement {
    this.#expectWord('UPDATE');
    while (this.#isAnyWord(new Set(['LOW_PRIORITY', 'IGNORE']))) this.#pos++;
    if (this.#eatWord('OR')) this.#next(); // SQLite UPDATE OR REPLACE
    // SET is reserved, so the FROM reader stops before it.
    const target = this.#fromList();
    this.#expectWord('SET');
    const statement: Statement & { kind: 'update' } = {
      kind: 'update',
      ctes,
      target,
      set: this.#assignments(),
      from: [],
      where: [],
      orderBy: [],
      returning: [],
    };
    if (this.#eatWord('FROM')) statement.from = this.#fromList();
    if (this.#eatWord('WHERE')) {
      if (this.#eatWord('CURRENT', 'OF')) this.#ident();
      else statement.where.push(this.#expr());
    }
    if (this.#eatWord('ORDER', 'BY')) statement.orderBy = this.#sortList();
    if (this.#eatWord('LIMIT')) statement.where.push(this.#expr());
    if (this.#eatWord('RETURNING')) statement.returning = this.#selectItems();
    return statement;
  }

  #delete(ctes: Cte[]): Statement {
    this.#expectWord('DELETE');
    while (this.#isAnyWord(new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']))) this.#pos++;
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
    if (!this.#isWord('FROM')) {
      // MySQL multi-table: DELETE a, b FROM a JOIN b …
      do {
        const name = this.#qualifiedName();
        if (this.#isPunct('.') && this.#isPunct('*', 1)) this.#pos += 2;
        statement.targetAliases.push(name);
      } while (this.#eatPunct(','));
    }
    this.#expectWord('FROM');
    if (statement.targetAliases.length > 0) {
      statement.target = this.#fromList();
    } else {
      this.#eatWord('ONLY');
      const name = this.#qualifiedName();
      if (this.#isPunct('.') && this.#isPunct('*', 1)) this.#pos += 2;
      let item: FromItem = { kind: 'table', name };
      item = this.#withAlias(item);
      statement.target = [item];
      // MySQL: DELETE FROM a, b USING …  / DELETE FROM t1 JOIN … is not valid; accept a list.
      while (this.#eatPunct(',')) statement.target.push(this.#joinedTable());
    }
    if (this.#eatWord('USING')) statement.using = this.#fromList();
    if (this.#eatWord('WHERE')) {
      if (this.#eatWord('CURRENT', 'OF')) this.#ident();
      else statement.where.push(this.#expr());
    }
    if (this.#eatWord('ORDER', 'BY')) statement.orderBy = this.#sortList();
    if (this.#eatWord('LIMIT')) statement.where.push(this.#expr());
    if (this.#eatWord('RETURNING')) statement.returning = this.#selectItems();
    return statement;
  }

  // --- DDL ----------------------------------------------------------------------------------

  #create(): Statement {
    this.#expectWord('CREATE');
    this.#eatWord('OR', 'REPLACE');
    while (
      this.#isAnyWord(
        new Set(['GLOBAL', 'LOCAL', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'MATERIALIZED', 'RECURSIVE']),
      )
    ) {
      this.#pos++;
    }
    // CREATE [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] VIEW (MySQL)
    while (this.#isAnyWord(new Set(['ALGORITHM', 'DEFINER']))) {
      this.#pos++;
      this.#expectPunct('=');
      this.#next();
      if (this.#eatPunct('@')) this.#next();
    }
    if (this.#eatWord('SQL', 'SECURITY')) this.#next();
    if (this.#eatWord('TABLE')) return this.#createTable();
    if (
      this.#isWord('UNIQUE') ||
      this.#isWord('INDEX') ||
      this.#isWord('FULLTEXT') ||
      this.#isWord('SPATIAL')
    ) {
      return this.#createIndex();
    }
    if (this.#eatWord('VIEW')) return this.#createView();
    throw new SqlSyntaxError('unsupported CREATE');
  }

  #ifNotExists(): void {
    this.#eatWord('IF', 'NOT', 'EXISTS');
  }

  #createTable(): Statement {
    this.#ifNotExists();
    const name = this.#qualifiedName();
    const statement: Statement & { kind: 'create-table' } = {
      kind: 'create-table',
      name,
      columns: [],
      constraints: [],
    };
    if (this.#eatWord('LIKE')) {
      statement.like = this.#qualifiedName();
      return statement;
    }
    if (this.#eatWord('AS')) {
      statement.query = this.#query();
      this.#skipTableOptions();
      return statement;
    }
    if (this.#isPunct('(') && !this.#isQueryInParens()) {
      this.#pos++;
      do {
        if (this.#eatWord('LIKE')) {
          statement.like = this.#qualifiedName();
          while (this.#isWord('INCLUDING') || this.#isWord('EXCLUDING')) this.#pos += 2;
        } else if (this.#isTableConstraintStart()) {
          statement.constraints.push(this.#tableConstraint());
        } else {
          statement.columns.push(this.#columnDef());
        }
      } while (this.#eatPunct(','));
      this.#expectPunct(')');
    }
    this.#skipTableOptions();
    if (this.#eatWord('AS')) statement.query = this.#query();
    return statement;
  }

  /** Table options after the body: MySQL `ENGINE=InnoDB COMMENT='…'`, SQLite `STRICT`, `WITHOUT ROWID`. */
  #skipTableOptions(): void {
    while (!this.#atEnd() && !this.#isWord('AS')) {
      const token = this.#peek() as SqlToken;
      if (token.kind === 'punct' && token.value === '(') this.#skipGroup();
      else if (token.kind === 'punct' && token.value !== '=' && token.value !== ',') {
        throw new SqlSyntaxError('unexpected table option');
      } else this.#pos++;
      if (token.kind === 'word' && token.upper === 'SELECT') throw new SqlSyntaxError('option');
    }
  }

  #isTableConstraintStart(): boolean {
    if (
      this.#isAnyWord(
        new Set([
          'CONSTRAINT',
          'PRIMARY',
          'FOREIGN',
          'CHECK',
          'UNIQUE',
          'EXCLUDE',
          'FULLTEXT',
          'SPATIAL',
        ]),
      )
    ) {
      return true;
    }
    // MySQL `KEY name (a)` / `INDEX (a)` versus a column named key (`key varchar(10)`).
    if (this.#isWord('KEY') || this.#isWord('INDEX')) {
      return (
        this.#isPunct('(', 1) ||
        (this.#isIdent(1) && this.#isPunct('(', 2) && this.#peek(3)?.kind !== 'number')
      );
    }
    return false;
  }

  #tableConstraint(): TableConstraint {
    if (this.#eatWord('CONSTRAINT')) this.#ident(true);
    const constraint: TableConstraint = { columns: [], exprs: [] };
    if (this.#eatWord('CHECK')) {
      constraint.exprs.push(this.#parenthesizedOperand());
      this.#skipConstraintTail();
      return constraint;
    }
    if (this.#eatWord('EXCLUDE')) {
      // Postgres exclusion constraints: operators the checker does not read.
      while (!this.#atEnd() && !this.#isPunct(',') && !this.#isPunct(')')) {
        if (this.#isPunct('(')) this.#skipGroup();
        else this.#pos++;
      }
      return constraint;
    }
    if (this.#eatWord('FOREIGN', 'KEY')) {
      if (this.#isIdent() && !this.#isPunct('(')) this.#ident();
      constraint.columns = this.#indexColumns();
      constraint.references = this.#references();
      this.#skipConstraintTail();
      return constraint;
    }
    if (this.#eatWord('PRIMARY', 'KEY') || this.#eatWord('UNIQUE')) {
      this.#eatWord('KEY') || this.#eatWord('INDEX');
    } else {
      this.#eatWord('FULLTEXT') || this.#eatWord('SPATIAL');
      if (!(this.#eatWord('KEY') || this.#eatWord('INDEX'))) throw new SqlSyntaxError('constraint');
    }
    if (this.#isIdent() && !this.#isWord('USING')) this.#ident();
    if (this.#eatWord('USING')) this.#next();
    constraint.columns = this.#indexColumns();
    this.#skipConstraintTail();
    return constraint;
  }

  /** Columns of a key: `(a, b DESC, name(10))`. */
  #indexColumns(): Ident[] {
    this.#expectPunct('(');
    const names: Ident[] = [];
    do {
      names.push(this.#ident(true));
      if (this.#isPunct('(')) this.#skipGroup(); // MySQL prefix length
      this.#eatWord('ASC') || this.#eatWord('DESC');
      if (this.#eatWord('COLLATE')) this.#ident(true);
    } while (this.#eatPunct(','));
    this.#expectPunct(')');
    return names;
  }

  #references(): ForeignKeyRef {
    this.#expectWord('REFERENCES');
    const table = this.#qualifiedName();
    const columns = this.#isPunct('(') ? this.#nameList() : [];
    return { table, columns };
  }

  /** ON DELETE/UPDATE actions, MATCH, DEFERRABLE, USING INDEX …, NOT VALID, ENFORCED, conflict clauses. */
  #skipConstraintTail(): void {
    while (!this.#atEnd() && !this.#isPunct(',') && !this.#isPunct(')')) {
      const token = this.#peek() as SqlToken;
      if (token.kind === 'punct' && token.value === '(') this.#skipGroup();
      else if (token.kind === 'word' || token.kind === 'quoted') this.#pos++;
      else throw new SqlSyntaxError('constraint tail');
    }
  }

  #columnDef(): ColumnDef {
    const name = this.#ident(true);
    const column: ColumnDef = { name, exprs: [] };
    // The type: words and groups until a constraint keyword (SQLite allows no type at all).
    while (!this.#atEnd() && !this.#isPunct(',') && !this.#isPunct(')')) {
      const token = this.#peek() as SqlToken;
      if (token.kind === 'word' && COLUMN_CONSTRAINT_START.has(token.upper)) break;
      if (token.kind === 'punct' && token.value === '(') this.#skipGroup();
      else if (token.kind === 'string') throw new SqlSyntaxError('string in a type');
      else this.#pos++;
    }
    while (!this.#atEnd() && !this.#isPunct(',') && !this.#isPunct(')')) {
      if (this.#eatWord('CONSTRAINT')) {
        this.#ident(true);
      } else if (this.#eatWord('CHECK')) {
        column.exprs.push(this.#parenthesizedOperand());
      } else if (this.#eatWord('DEFAULT')) {
        column.exprs.push(this.#isPunct('(') ? this.#parenthesizedOperand() : this.#operandExpr());
      } else if (this.#isWord('REFERENCES')) {
        column.references = this.#references();
      } else if (this.#eatWord('GENERATED')) {
        while (!this.#eatWord('AS')) this.#next();
        if (this.#eatWord('IDENTITY')) {
          if (this.#isPunct('(')) this.#skipGroup();
        } else {
          column.exprs.push(this.#parenthesizedOperand());
        }
      } else if (this.#eatWord('AS')) {
        column.exprs.push(this.#parenthesizedOperand()); // MySQL / SQLite generated column
      } else if (this.#eatWord('COLLATE')) {
        this.#ident(true);
      } else if (this.#eatWord('COMMENT')) {
        if (this.#peek()?.kind !== 'string') throw new SqlSyntaxError('COMMENT');
        this.#pos++;
      } else if (this.#eatWord('ON', 'UPDATE')) {
        // MySQL `ON UPDATE CURRENT_TIMESTAMP`, or a referential action (CASCADE, SET NULL, …).
        if (!this.#isAnyWord(new Set(['CASCADE', 'RESTRICT', 'SET', 'NO']))) this.#operandExpr();
      } else if (this.#eatWord('ON', 'DELETE')) {
        // referential action after REFERENCES
      } else {
        const token = this.#peek() as SqlToken;
        if (token.kind === 'punct' && token.value === '(') this.#skipGroup();
        else if (token.kind === 'word' || token.kind === 'number') this.#pos++;
        else throw new SqlSyntaxError('column constraint');
      }
    }
    return column;
  }

  #createIndex(): Statement {
    this.#eatWord('UNIQUE') || this.#eatWord('FULLTEXT') || this.#eatWord('SPATIAL');
    this.#expectWord('INDEX');
    this.#eatWord('CONCURRENTLY');
    this.#ifNotExists();
    if (!this.#isWord('ON')) this.#qualifiedName();
    if (this.#eatWord('USING')) this.#next();
    this.#expectWord('ON');
    this.#eatWord('ONLY');
    const table = this.#qualifiedName();
    const statement: Statement & { kind: 'create-index' } = {
      kind: 'create-index',
      table,
      items: [],
      include: [],
      where: [],
    };
    if (this.#eatWord('USING')) this.#next();
    this.#expectPunct('(');
    do {
      const expr = newExpr();
      // MySQL prefix index `name(10)` names a column.
      if (
        this.#isIdent() &&
        this.#isPunct('(', 1) &&
        this.#peek(2)?.kind === 'number' &&
        this.#isPunct(')', 3)
      ) {
        const name = this.#ident();
        this.#pos += 3;
        expr.refs.push({ parts: [name], star: false });
        expr.shape = 'ref';
      } else {
        this.#exprInto(expr);
      }
      statement.items.push(expr);
      // operator class, ordering
      if (this.#isIdent() && !this.#isAnyWord(new Set(['ASC', 'DESC', 'NULLS'])))
        this.#qualifiedName();
      this.#eatWord('ASC') || this.#eatWord('DESC');
      if (this.#eatWord('NULLS')) this.#eatWord('FIRST') || this.#eatWord('LAST');
    } while (this.#eatPunct(','));
    this.#expectPunct(')');
    if (this.#eatWord('INCLUDE')) statement.include = this.#nameList();
    if (this.#eatWord('NULLS')) {
      this.#eatWord('NOT');
      this.#expectWord('DISTINCT');
    }
    if (this.#eatWord('WITH') && this.#isPunct('(')) this.#skipGroup();
    if (this.#eatWord('TABLESPACE')) this.#ident(true);
    if (this.#eatWord('WHERE')) statement.where.push(this.#expr());
    // MySQL index options
    while (
      this.#isAnyWord(new Set(['USING', 'COMMENT', 'ALGORITHM', 'LOCK', 'VISIBLE', 'INVISIBLE']))
    ) {
      this.#pos++;
      this.#eatPunct('=');
      if (!this.#atEnd()) this.#next();
    }
    return statement;
  }

  #createView(): Statement {
    this.#ifNotExists();
    const name = this.#qualifiedName();
    const columns = this.#isPunct('(') ? this.#nameList() : undefined;
    if (this.#eatWord('WITH') && this.#isPunct('(')) this.#skipGroup();
    this.#expectWord('AS');
    const query = this.#query();
    if (this.#eatWord('WITH')) {
      this.#eatWord('CASCADED') || this.#eatWord('LOCAL') || this.#eatWord('NO');
      if (!this.#eatWord('CHECK', 'OPTION')) this.#expectWord('DATA');
    }
    const statement: Statement & { kind: 'create-view' } = { kind: 'create-view', name, query };
    if (columns) statement.columns = columns;
    return statement;
  }

  #alter(): Statement {
    this.#expectWord('ALTER');
    if (!this.#eatWord('TABLE')) throw new SqlSyntaxError('unsupported ALTER');
    const ifExists = this.#eatWord('IF', 'EXISTS');
    this.#eatWord('ONLY');
    const table = this.#qualifiedName();
    const actions: AlterAction[] = [];
    do actions.push(this.#alterAction());
    while (this.#eatPunct(','));
    return { kind: 'alter-table', table, ifExists, actions };
  }

  #alterAction(): AlterAction {
    if (this.#eatWord('ADD')) {
      if (this.#eatWord('COLUMN')) {
        this.#ifNotExists();
        return { kind: 'add-column', column: this.#columnDef() };
      }
      this.#ifNotExists();
      if (this.#isTableConstraintStart())
        return { kind: 'add-constraint', constraint: this.#tableConstraint() };
      return { kind: 'add-column', column: this.#columnDef() };
    }
    if (this.#eatWord('DROP')) {
      if (
        this.#eatWord('CONSTRAINT') ||
        this.#eatWord('INDEX') ||
        this.#eatWord('KEY') ||
        this.#eatWord('PRIMARY', 'KEY') ||
        this.#eatWord('FOREIGN', 'KEY') ||
        this.#eatWord('CHECK')
      ) {
        this.#eatWord('IF', 'EXISTS');
        if (this.#isIdent()) this.#ident();
        this.#eatWord('CASCADE') || this.#eatWord('RESTRICT');
        return { kind: 'other' };
      }
      this.#eatWord('COLUMN');
      const ifExists = this.#eatWord('IF', 'EXISTS');
      const name = this.#ident(true);
      this.#eatWord('CASCADE') || this.#eatWord('RESTRICT');
      return { kind: 'drop-column', name, ifExists };
    }
    if (this.#eatWord('RENAME')) {
      if (this.#eatWord('TO') || this.#eatWord('AS'))
        return { kind: 'rename-table', to: this.#qualifiedName() };
      if (this.#eatWord('CONSTRAINT') || this.#eatWord('INDEX') || this.#eatWord('KEY')) {
        this.#ident(true);
        this.#expectWord('TO');
        this.#ident(true);
        return { kind: 'other' };
      }
      this.#eatWord('COLUMN');
      const from = this.#ident(true);
      this.#expectWord('TO');
      return { kind: 'rename-column', from, to: this.#ident(true) };
    }
    if (this.#eatWord('ALTER')) {
      this.#eatWord('COLUMN');
      const name = this.#ident(true);
      const exprs: Expr[] = [];
      while (!this.#atEnd() && !this.#isPunct(',')) {
        if (this.#eatWord('DEFAULT') || this.#eatWord('USING')) {
          if (!this.#atEnd() && !this.#isPunct(',')) exprs.push(this.#expr());
        } else if (this.#isPunct('(')) this.#skipGroup();
        else if (this.#peek()?.kind === 'punct' && !this.#isPunct('.') && !this.#isPunct('[]')) {
          throw new SqlSyntaxError('ALTER COLUMN');
        } else this.#pos++;
      }
      return { kind: 'alter-column', name, exprs };
    }
    if (this.#eatWord('MODIFY')) {
      this.#eatWord('COLUMN');
      return { kind: 'modify-column', column: this.#columnDef() };
    }
    if (this.#eatWord('CHANGE')) {
      this.#eatWord('COLUMN');
      const from = this.#ident(true);
      return { kind: 'change-column', from, column: this.#columnDef() };
    }
    // OWNER TO, SET …, ENABLE/DISABLE TRIGGER, VALIDATE CONSTRAINT, ENGINE=…: nothing to check.
    const token = this.#peek();
    if (
      token?.kind === 'word' &&
      [
        'OWNER',
        'SET',
        'RESET',
        'ENABLE',
        'DISABLE',
        'VALIDATE',
        'ENGINE',
        'CLUSTER',
        'INHERIT',
        'NO',
        'REPLICA',
        'FORCE',
        'AUTO_INCREMENT',
        'COMMENT',
        'DEFAULT',
        'CHARACTER',
        'CONVERT',
      ].includes(token.upper)
    ) {
      while (!this.#atEnd() && !this.#isPunct(',')) {
        if (this.#isPunct('(')) this.#skipGroup();
        else this.#pos++;
      }
      return { kind: 'other' };
    }
    throw new SqlSyntaxError('unsupported ALTER TABLE action');
  }

  #drop(): Statement {
    this.#expectWord('DROP');
    if (this.#eatWord('TABLE')) {
      const ifExists = this.#eatWord('IF', 'EXISTS');
      const names: Ident[][] = [];
      do names.push(this.#qualifiedName());
      while (this.#eatPunct(','));
      this.#eatWord('CASCADE') || this.#eatWord('RESTRICT');
      return { kind: 'drop-table', names, ifExists };
    }
    if (
      this.#isAnyWord(
        new Set([
          'INDEX',
          'VIEW',
          'MATERIALIZED',
          'SEQUENCE',
          'TYPE',
          'SCHEMA',
          'FUNCTION',
          'TRIGGER',
        ]),
      )
    ) {
      // Names the checker does not track: accepted without a check.
      while (!this.#atEnd()) {
        if (this.#isPunct('(')) this.#skipGroup();
        else this.#pos++;
      }
      return { kind: 'noop' };
    }
    throw new SqlSyntaxError('unsupported DROP');
  }

  #truncate(): Statement {
    this.#expectWord('TRUNCATE');
    this.#eatWord('TABLE');
    this.#eatWord('ONLY');
    const names: Ident[][] = [];
    do names.push(this.#qualifiedName());
    while (this.#eatPunct(','));
    while (this.#isAnyWord(new Set(['RESTART', 'CONTINUE', 'IDENTITY', 'CASCADE', 'RESTRICT'])))
      this.#pos++;
    return { kind: 'truncate', names };
  }

  #comment(): Statement {
    this.#expectWord('COMMENT');
    this.#expectWord('ON');
    const target = this.#isWord('TABLE') ? 'table' : this.#isWord('COLUMN') ? 'column' : undefined;
    if (!target) throw new SqlSyntaxError('unsupported COMMENT');
    this.#pos++;
    const name = this.#qualifiedName();
    this.#expectWord('IS');
    const value = this.#next();
    if (value.kind !== 'string' && !(value.kind === 'word' && value.upper === 'NULL')) {
      throw new SqlSyntaxError('COMMENT value');
    }
    return { kind: 'comment', target, name };
  }

  // --- expressions --------------------------------------------------------------------------

  #exprList(): Expr[] {
    const list: Expr[] = [];
    do list.push(this.#expr());
    while (this.#eatPunct(','));
    return list;
  }

  #expr(): Expr {
    const expr = newExpr();
    this.#exprInto(expr);
    return expr;
  }

  /** One operand with its postfix operators, as an expression of its own (DEFAULT, TOP n). */
  #operandExpr(): Expr {
    const expr = newExpr();
    this.#operand(expr);
    this.#postfix(expr);
    return expr;
  }

  /** `( expr )` as an expression of its own (CHECK (…), GROUPING SETS (…)). */
  #parenthesizedOperand(): Expr {
    if (!this.#isPunct('(')) throw new SqlSyntaxError('expected (');
    return this.#operandExpr();
  }

  /** Reads an expression (operands joined by operators) into `expr`. */
  #exprInto(expr: Expr): void {
    this.#enter();
    let operands = 0;
    let shape: Expr['shape'] = 'other';
    let funcName: string | undefined;
    for (;;) {
      const kind = this.#operand(expr);
      const postfixed = this.#postfix(expr);
      operands++;
      if (operands === 1 && !postfixed) {
        shape = kind.shape;
        funcName = kind.funcName;
      }
      if (!this.#binaryOperator()) break;
    }
    if (operands === 1) {
      expr.shape = shape;
      if (funcName !== undefined) expr.funcName = funcName;
    } else {
      expr.shape = 'other';
    }
    this.#leave();
  }

  /** Consumes a binary operator if one comes next. */
  #binaryOperator(): boolean {
    const token = this.#peek();
    if (!token) return false;
    if (token.kind === 'punct' && OPERATOR_CHARS.has(token.value)) {
      this.#operator();
      return true;
    }
    if (token.kind !== 'word') return false;
    if (WORD_OPERATORS.has(token.upper)) {
      this.#pos++;
      if (token.upper === 'BETWEEN') this.#eatWord('SYMMETRIC') || this.#eatWord('ASYMMETRIC');
      return true;
    }
    if (token.upper === 'NOT') {
      const next = this.#peek(1);
      if (
        next?.kind === 'word' &&
        ['IN', 'LIKE', 'ILIKE', 'BETWEEN', 'SIMILAR', 'REGEXP', 'RLIKE', 'GLOB'].includes(
          next.upper,
        )
      ) {
        this.#pos++;
        return this.#binaryOperator();
      }
      return false;
    }
    if (token.upper === 'SIMILAR') {
      this.#pos++;
      this.#expectWord('TO');
      return true;
    }
    if (token.upper === 'IN') {
      this.#pos++;
      return true; // the operand reader handles `( list )`, `(SELECT …)` and POSITION's `a IN b`
    }
    if (token.upper === 'SOUNDS' && this.#isWord('LIKE', 1)) {
      this.#pos += 2;
      return true;
    }
    if (token.upper === 'MEMBER' && this.#isWord('OF', 1)) {
      this.#pos += 2;
      return true;
    }
    if (token.upper === 'OPERATOR' && this.#isPunct('(', 1)) {
      this.#pos++;
      this.#skipGroup();
      return true;
    }
    return false;
  }

  /** A run of adjacent operator characters (`->>`, `<=`, `||`, `@>`), kept apart from a unary sign. */
  #operator(): void {
    const first = this.#next();
    if (first.kind !== 'punct' || !OPERATOR_CHARS.has(first.value))
      throw new SqlSyntaxError('operator');
    while (
      this.#peek()?.kind === 'punct' &&
      OPERATOR_CHARS.has((this.#peek() as SqlToken).value) &&
      this.#adjacent()
    ) {
      const value = (this.#peek() as SqlToken).value;
      // `=?` / `=@v` / `=-1`: a placeholder, variable or sign starts the next operand.
      if (value === '?' || (value === '@' && first.value !== '<')) break;
      if (
        (value === '-' || value === '+') &&
        !['-', '#', '>'].includes((this.#peek(1) as SqlToken | undefined)?.value ?? '')
      ) {
        if (this.#isOperandStart(1)) break;
      }
      this.#pos++;
    }
  }

  #isOperandStart(offset: number): boolean {
    const token = this.#peek(offset);
    if (!token) return false;
    return token.kind !== 'punct' || token.value === '(' || token.value === '$';
  }

  /** Postfix operators: `::type`, subscripts, IS [NOT] …, COLLATE, AT TIME ZONE. True if any. */
  #postfix(expr: Expr): boolean {
    let any = false;
    for (;;) {
      if (this.#isPunct(':') && this.#isPunct(':', 1) && this.#adjacent(1)) {
        this.#pos += 2;
        this.#typeName();
      } else if (
        this.#peek()?.kind === 'quoted' &&
        this.#text[(this.#peek() as SqlToken).start] === '[' &&
        this.#adjacent()
      ) {
        this.#pos++; // subscript `a[i]` read by the lexer as a bracketed name: not a column
      } else if (this.#isPunct('[]') && this.#adjacent()) {
        this.#pos++;
      } else if (this.#isWord('IS')) {
        this.#pos++;
        this.#eatWord('NOT');
        if (this.#eatWord('DISTINCT', 'FROM')) {
          this.#operand(expr);
        } else if (this.#isAnyWord(new Set(['NULL', 'TRUE', 'FALSE', 'UNKNOWN']))) {
          this.#pos++;
        } else if (this.#eatWord('JSON')) {
          this.#isAnyWord(new Set(['OBJECT', 'ARRAY', 'SCALAR', 'VALUE'])) && this.#pos++;
        } else {
          this.#operand(expr); // SQLite `a IS b`
        }
      } else if (this.#isWord('ISNULL') || this.#isWord('NOTNULL')) {
        this.#pos++;
      } else if (this.#isWord('NOT') && this.#isWord('NULL', 1)) {
        this.#pos += 2; // SQLite `a NOT NULL`
      } else if (this.#eatWord('COLLATE')) {
        this.#qualifiedNameAnyWord();
      } else if (this.#eatWord('AT', 'TIME', 'ZONE')) {
        this.#operand(expr);
      } else if (this.#isPunct('.') && this.#adjacent() && this.#peek(-1)?.value === ')') {
        // `(composite).field` / `(row).*`
        this.#pos++;
        if (!this.#eatPunct('*')) this.#ident(true);
      } else {
        return any;
      }
      any = true;
    }
  }

  #qualifiedNameAnyWord(): void {
    this.#ident(true);
    while (this.#eatPunct('.')) this.#ident(true);
  }

  /** A type after `::` (`int`, `numeric(10,2)`, `timestamp with time zone`, `text[]`). */
  #typeName(): void {
    const first = this.#ident(true);
    const upper = first.value.toUpperCase();
    while (this.#isPunct('.') && this.#adjacent()) {
      this.#pos++;
      this.#ident(true);
    }
    if (upper === 'DOUBLE') this.#eatWord('PRECISION');
    if ((upper === 'CHARACTER' || upper === 'CHAR' || upper === 'BIT') && this.#isWord('VARYING'))
      this.#pos++;
    if (this.#isPunct('(')) this.#skipGroup();
    if (upper === 'TIMESTAMP' || upper === 'TIME') {
      if (this.#eatWord('WITH') || this.#eatWord('WITHOUT')) {
        this.#expectWord('TIME');
        this.#expectWord('ZONE');
      }
    }
    if (upper === 'INTERVAL') {
      while (this.#isAnyWord(INTERVAL_UNITS) || this.#isWord('TO')) this.#pos++;
    }
    while (this.#isPunct('[]')) this.#pos++;
  }

  /** Reads one operand into `expr`; says whether it was one column reference or one call. */
  #operand(expr: Expr): { shape: Expr['shape']; funcName?: string } {
    this.#enter();
    try {
      return this.#operandInner(expr);
    } finally {
      this.#leave();
    }
  }

  #operandInner(expr: Expr): { shape: Expr['shape']; funcName?: string } {
    const token = this.#peek();
    if (!token) throw new SqlSyntaxError('expected an expression');
    const other = { shape: 'other' as const };
    switch (token.kind) {
      case 'string':
        this.#pos++;
        // Adjacent strings concatenate ('a' 'b'); MySQL charset introducers were read as words.
        while (this.#peek()?.kind === 'string') this.#pos++;
        return other;
      case 'number':
        this.#pos++;
        // 0x1F / 1e5 pieces and 10K-style suffixes read as an adjacent word.
        if (this.#peek()?.kind === 'word' && this.#adjacent()) this.#pos++;
        return other;
      case 'quoted':
        if (this.#text[token.start] === '[') {
          // `ARRAY[…]` contents or a bracketed name: a name when it reads as one.
          if (/^[^,\s][^,]*$/.test(token.value) && !/^\d/.test(token.value))
            return this.#nameOperand(expr);
          this.#pos++;
          return other;
        }
        return this.#nameOperand(expr);
      case 'punct':
        return this.#punctOperand(expr, token);
      default:
        return this.#wordOperand(expr, token);
    }
  }

  #punctOperand(expr: Expr, token: SqlToken): { shape: Expr['shape']; funcName?: string } {
    const other = { shape: 'other' as const };
    switch (token.value) {
      case '(': {
        const paren = this.#parenGroup(expr);
        return paren;
      }
      case '-':
      case '+':
      case '~':
      case '!':
        this.#pos++;
        this.#operand(expr);
        this.#postfix(expr);
        return other;
      case '$':
        // $1 placeholder
        this.#pos++;
        if ((this.#peek()?.kind === 'number' || this.#peek()?.kind === 'word') && this.#adjacent())
          this.#pos++;
        else throw new SqlSyntaxError('$');
        return other;
      case '?':
        this.#pos++;
        if (this.#peek()?.kind === 'number' && this.#adjacent()) this.#pos++;
        return other;
      case ':':
        // :name placeholder (`::` casts are postfix and never reach here)
        this.#pos++;
        if ((this.#peek()?.kind === 'word' || this.#peek()?.kind === 'quoted') && this.#adjacent())
          this.#pos++;
        else throw new SqlSyntaxError(':');
        return other;
      case '@':
        // MySQL @var / @@system_var, SQL Server @param
        this.#pos++;
        if (this.#isPunct('@') && this.#adjacent()) this.#pos++;
        if (this.#peek() && this.#peek()?.kind !== 'punct' && this.#adjacent()) this.#pos++;
        else throw new SqlSyntaxError('@');
        while (this.#isPunct('.') && this.#adjacent()) {
          this.#pos++;
          this.#ident(true);
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

  /** `( … )`: a subquery, a row / list, or a parenthesized expression. */
  #parenGroup(expr: Expr): { shape: Expr['shape']; funcName?: string } {
    this.#expectPunct('(');
    if (this.#isQueryAhead()) {
      expr.queries.push(this.#query());
      this.#expectPunct(')');
      return { shape: 'other' };
    }
    if (this.#eatPunct(')')) return { shape: 'other' }; // () — empty row / grouping set
    let count = 0;
    let inner: { shape: Expr['shape']; funcName?: string } = { shape: 'other' };
    do {
      const sub = newExpr();
      this.#exprInto(sub);
      expr.refs.push(...sub.refs);
      expr.queries.push(...sub.queries);
      inner = { shape: sub.shape, ...(sub.funcName ? { funcName: sub.funcName } : {}) };
      count++;
    } while (this.#eatPunct(','));
    this.#expectPunct(')');
    return count === 1 ? inner : { shape: 'other' };
  }

  #isQueryAhead(): boolean {
    let offset = 0;
    while (this.#isPunct('(', offset)) offset++;
    const token = this.#peek(offset);
    return (
      token?.kind === 'word' &&
      (token.upper === 'SELECT' ||
        token.upper === 'WITH' ||
        (token.upper === 'VALUES' && offset === 0 && this.#isPunct('(', 1)))
    );
  }

  #wordOperand(expr: Expr, token: SqlToken): { shape: Expr['shape']; funcName?: string } {
    const other = { shape: 'other' as const };
    const upper = token.upper;
    const next = this.#peek(1);
    // String prefixes: E'…', N'…', X'…', B'…', _utf8mb4'…'.
    if (
      next?.kind === 'string' &&
      this.#adjacent(1) &&
      (/^(E|N|X|B|U&?)$/.test(upper) || upper.startsWith('_'))
    ) {
      this.#pos += 2;
      return other;
    }
    if (TYPED_LITERAL.has(upper) && next?.kind === 'string') {
      this.#pos += 2;
      return other;
    }
    if (
      (upper === 'TIMESTAMP' || upper === 'TIME') &&
      (this.#isWord('WITH', 1) || this.#isWord('WITHOUT', 1))
    ) {
      // timestamp with time zone '…'
      this.#pos++;
      this.#typeNameTail(upper);
      if (this.#peek()?.kind === 'string') {
        this.#pos++;
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
        if (upper === 'DEFAULT' && this.#isPunct('(', 1)) break;
        this.#pos++;
        return other;
      case 'CASE':
        this.#caseExpr(expr);
        return other;
      case 'NOT':
        this.#pos++;
        this.#operand(expr);
        this.#postfix(expr);
        return other;
      case 'EXISTS':
        this.#pos++;
        this.#parenGroup(expr);
        return other;
      case 'INTERVAL':
        this.#pos++;
        if (this.#peek()?.kind === 'string') {
          this.#pos++;
        } else {
          this.#operand(expr); // MySQL INTERVAL expr unit
        }
        while (this.#isAnyWord(INTERVAL_UNITS) || this.#isWord('TO')) this.#pos++;
        if (this.#isPunct('(')) this.#skipGroup(); // SECOND(3)
        return other;
      case 'ARRAY':
        if (next?.kind === 'quoted' && this.#text[next.start] === '[') {
          this.#pos += 2;
          return other;
        }
        if (this.#isPunct('[]', 1)) {
          this.#pos += 2;
          return other;
        }
        break;
      case 'ROW':
        if (this.#isPunct('(', 1)) {
          this.#pos++;
          this.#parenGroup(expr);
          return other;
        }
        break;
      case 'BINARY':
        // MySQL BINARY x
        if (next && !(next.kind === 'punct' && next.value !== '(')) {
          this.#pos++;
          this.#operand(expr);
          return other;
        }
        break;
      default:
        break;
    }
    if (NILADIC.has(upper) && !this.#isPunct('(', 1)) {
      this.#pos++;
      return other;
    }
    if (this.#isPunct('(', 1) && (!RESERVED.has(upper) || CALLABLE_RESERVED.has(upper))) {
      this.#pos++;
      return this.#functionCall(expr, [{ value: token.value, quote: '', start: token.start }]);
    }
    if (RESERVED.has(upper)) throw new SqlSyntaxError(`unexpected ${upper}`);
    return this.#nameOperand(expr);
  }

  #typeNameTail(upper: string): void {
    if (upper === 'TIMESTAMP' || upper === 'TIME') {
      if (this.#eatWord('WITH') || this.#eatWord('WITHOUT')) {
        this.#expectWord('TIME');
        this.#expectWord('ZONE');
      }
    }
  }

  /** A name: a column reference (`a`, `t.a`, `t.*`) or a qualified function call. */
  #nameOperand(expr: Expr): { shape: Expr['shape']; funcName?: string } {
    const parts: Ident[] = [this.#ident(true)];
    while (this.#isPunct('.')) {
      const after = this.#peek(1);
      if (after?.kind === 'punct' && after.value === '*') {
        this.#pos += 2;
        expr.refs.push({ parts, star: true });
        return { shape: 'other' };
      }
      if (!after || (after.kind !== 'word' && after.kind !== 'quoted')) break;
      this.#pos++;
      parts.push(this.#ident(true));
    }
    if (this.#isPunct('(')) return this.#functionCall(expr, parts);
    // A typed literal with a user-defined type name: `point '(1,2)'` — too rare to guess at.
    if (this.#peek()?.kind === 'string' && parts.length === 1 && parts[0]?.quote === '') {
      throw new SqlSyntaxError('typed literal');
    }
    const ref: ColumnRef = { parts, star: false };
    expr.refs.push(ref);
    return { shape: 'ref' };
  }

  #caseExpr(expr: Expr): void {
    this.#expectWord('CASE');
    if (!this.#isWord('WHEN')) this.#exprInto(expr);
    while (this.#eatWord('WHEN')) {
      this.#exprInto(expr);
      this.#expectWord('THEN');
      this.#exprInto(expr);
    }
    if (this.#eatWord('ELSE')) this.#exprInto(expr);
    this.#expectWord('END');
  }

  /** `name(args)` with its special forms, then WITHIN GROUP, FILTER, OVER. */
  #functionCall(expr: Expr, name: Ident[]): { shape: Expr['shape']; funcName?: string } {
    const last = (name[name.length - 1] as Ident).value.toUpperCase();
    this.#expectPunct('(');
    if (name.length === 1) {
      if (last === 'CAST' || last === 'TRY_CAST' || last === 'SAFE_CAST') {
        this.#exprInto(expr);
        this.#expectWord('AS');
        this.#skipUntilClose();
        return { shape: 'func', funcName: last.toLowerCase() };
      }
      if (last === 'CONVERT') {
        this.#exprInto(expr);
        if (this.#eatPunct(',') || this.#eatWord('USING')) this.#skipUntilClose();
        else this.#expectPunct(')');
        return { shape: 'func', funcName: 'convert' };
      }
      if (last === 'EXTRACT') {
        const field = this.#next();
        if (field.kind !== 'word' && field.kind !== 'string') throw new SqlSyntaxError('EXTRACT');
        this.#expectWord('FROM');
        this.#exprInto(expr);
        this.#expectPunct(')');
        this.#afterCall(expr);
        return { shape: 'func', funcName: 'extract' };
      }
      if (last === 'TRIM') {
        this.#eatWord('BOTH') || this.#eatWord('LEADING') || this.#eatWord('TRAILING');
        if (this.#eatWord('FROM')) {
          this.#exprInto(expr);
          this.#expectPunct(')');
          return { shape: 'func', funcName: 'trim' };
        }
      }
      if (last === 'AGAINST') {
        this.#operand(expr);
        while (!this.#isPunct(')')) this.#next(); // IN BOOLEAN MODE / WITH QUERY EXPANSION
        this.#expectPunct(')');
        return { shape: 'other' };
      }
    }
    if (!this.#eatPunct(')')) {
      this.#eatWord('DISTINCT') || this.#eatWord('ALL');
      do {
        if (this.#eatPunct('*')) continue;
        // Named arguments: f(a => 1), f(a := 1)
        if (this.#isIdent() && this.#isPunct('=', 1) && this.#isPunct('>', 2) && this.#adjacent(2))
          this.#pos += 3;
        else if (
          this.#isIdent() &&
          this.#isPunct(':', 1) &&
          this.#isPunct('=', 2) &&
          this.#adjacent(2)
        )
          this.#pos += 3;
        if (this.#isQueryAhead()) {
          expr.queries.push(this.#query());
          continue;
        }
        this.#exprInto(expr);
        // Keyword-separated arguments: SUBSTRING(a FROM 1 FOR 2), POSITION(a IN b), OVERLAY(… PLACING …),
        // GROUP_CONCAT(a ORDER BY b SEPARATOR ','), string_agg(a, ',' ORDER BY b), x AS type in JSON functions.
        for (;;) {
          if (
            this.#eatWord('FROM') ||
            this.#eatWord('FOR') ||
            this.#eatWord('PLACING') ||
            this.#eatWord('SEPARATOR')
          ) {
            this.#exprInto(expr);
          } else if (this.#eatWord('ORDER', 'BY')) {
            for (const item of this.#sortList()) mergeInto(expr, item);
          } else if (this.#eatWord('IGNORE', 'NULLS') || this.#eatWord('RESPECT', 'NULLS')) {
            // window null treatment
          } else if (this.#eatWord('LIMIT')) {
            this.#exprInto(expr);
          } else {
            break;
          }
        }
      } while (this.#eatPunct(','));
      this.#expectPunct(')');
    }
    this.#afterCall(expr);
    if (last === 'MATCH' && this.#isWord('AGAINST')) {
      this.#pos++;
      this.#functionCall(expr, [{ value: 'AGAINST', quote: '', start: 0 }]);
      return { shape: 'other' };
    }
    return { shape: 'func', funcName: last.toLowerCase() };
  }

  #skipUntilClose(): void {
    let depth = 1;
    while (depth > 0) {
      const token = this.#next();
      if (token.kind !== 'punct') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')') depth--;
    }
  }

  /** WITHIN GROUP (ORDER BY …), FILTER (WHERE …), OVER (…) / OVER name, IGNORE NULLS. */
  #afterCall(expr: Expr): void {
    if (this.#eatWord('WITHIN', 'GROUP')) {
      this.#expectPunct('(');
      this.#expectWord('ORDER');
      this.#expectWord('BY');
      for (const item of this.#sortList()) mergeInto(expr, item);
      this.#expectPunct(')');
    }
    if (this.#eatWord('FILTER')) {
      this.#expectPunct('(');
      this.#expectWord('WHERE');
      this.#exprInto(expr);
      this.#expectPunct(')');
    }
    this.#eatWord('IGNORE', 'NULLS') || this.#eatWord('RESPECT', 'NULLS');
    if (this.#eatWord('OVER')) {
      if (this.#isPunct('(')) mergeInto(expr, this.#windowSpec());
      else this.#ident(true);
    }
  }

  /** `( [name] [PARTITION BY …] [ORDER BY …] [frame] )` as one expression. */
  #windowSpec(): Expr {
    const expr = newExpr();
    this.#expectPunct('(');
    if (this.#isIdent() && !this.#isAnyWord(new Set(['PARTITION', 'ROWS', 'RANGE', 'GROUPS'])))
      this.#ident();
    if (this.#eatWord('PARTITION', 'BY'))
      for (const item of this.#exprList()) mergeInto(expr, item);
    if (this.#eatWord('ORDER', 'BY')) for (const item of this.#sortList()) mergeInto(expr, item);
    if (this.#isAnyWord(new Set(['ROWS', 'RANGE', 'GROUPS']))) {
      this.#pos++;
      const between = this.#eatWord('BETWEEN');
      this.#frameBound(expr);
      if (between) {
        this.#expectWord('AND');
        this.#frameBound(expr);
      }
      if (this.#eatWord('EXCLUDE')) {
        if (
          !(
            this.#eatWord('CURRENT', 'ROW') ||
            this.#eatWord('GROUP') ||
            this.#eatWord('TIES') ||
            this.#eatWord('NO', 'OTHERS')
          )
        ) {
          throw new SqlSyntaxError('EXCLUDE');
        }
      }
    }
    this.#expectPunct(')');
    return expr;
  }

  #frameBound(expr: Expr): void {
    if (this.#eatWord('UNBOUNDED')) {
      if (!(this.#eatWord('PRECEDING') || this.#eatWord('FOLLOWING')))
        throw new SqlSyntaxError('frame');
      return;
    }
    if (this.#eatWord('CURRENT', 'ROW')) return;
    this.#operand(expr);
    this.#postfix(expr);
    if (!(this.#eatWord('PRECEDING') || this.#eatWord('FOLLOWING')))
      throw new SqlSyntaxError('frame');
  }
}

/** Words that end a column's type in a column definition. */
const COLUMN_CONSTRAINT_START = new Set(
  (
    'NOT NULL PRIMARY UNIQUE DEFAULT REFERENCES CHECK CONSTRAINT COLLATE GENERATED AUTO_INCREMENT ' +
    'AUTOINCREMENT IDENTITY COMMENT ON AS KEY STORED VIRTUAL FIRST AFTER'
  ).split(' '),
);

function mergeInto(target: Expr, source: Expr): void {
  target.refs.push(...source.refs);
  target.queries.push(...source.queries);
}
