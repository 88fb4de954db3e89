// The FROM layer of the SQL reader: tables, derived tables, table functions, joins (`ON`, `USING`,
// `NATURAL`, `CROSS` / `OUTER APPLY`), aliases with column lists, and table hints.

import type { FromItem, Ident } from './sql-ast.js';
import { newExpr } from './sql-expression-reader.js';
import { SqlFunctionCallReader } from './sql-function-call-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** Outer join kinds. */
const OUTER_JOINS = new Set(['LEFT', 'RIGHT', 'FULL']);

/** MySQL index hint verbs (`USE INDEX (…)`). */
const INDEX_HINTS = new Set(['USE', 'FORCE', 'IGNORE']);

/** `INDEX` or its MySQL synonym `KEY`. */
const INDEX_WORDS = new Set(['INDEX', 'KEY']);

/** Reads `FROM` lists and the join trees in them. */
export abstract class SqlFromReader extends SqlFunctionCallReader {
  /** A `FROM` list: comma-separated join trees. */
  protected fromList(): FromItem[] {
    const items: FromItem[] = [];
    do items.push(this.joinedTable());
    while (this.eatPunct(','));
    return items;
  }

  /** A table factor and the joins after it, as a left-deep join tree. */
  protected joinedTable(): FromItem {
    let left = this.tableFactor();
    for (;;) {
      const natural = this.eatWord('NATURAL');
      let isJoin = false;
      let cross = false;
      if (this.eatWord('JOIN') || this.eatWord('STRAIGHT_JOIN')) isJoin = true;
      else if (this.eatWord('INNER', 'JOIN')) isJoin = true;
      else if (this.eatWord('CROSS', 'JOIN')) isJoin = cross = true;
      else if (this.eatWord('CROSS', 'APPLY') || this.eatWord('OUTER', 'APPLY'))
        isJoin = cross = true;
      else if (this.isAnyWord(OUTER_JOINS)) {
        this.pos++;
        this.eatWord('OUTER');
        this.expectWord('JOIN');
        isJoin = true;
      }
      if (!isJoin) {
        if (natural) throw new SqlSyntaxError('NATURAL without JOIN');
        return left;
      }
      const right = this.tableFactor();
      const join: FromItem = { kind: 'join', left, right };
      if (!natural && !cross) {
        if (this.eatWord('ON')) join.on = this.expr();
        else if (this.eatWord('USING')) {
          join.using = this.nameList();
          if (this.eatWord('AS')) this.ident();
        }
      }
      left = join;
    }
  }

  /** One `FROM` item: a table, a derived table, a table function or a parenthesized join. */
  protected tableFactor(): FromItem {
    this.enter();
    // LATERAL changes what a subquery may see; the checker lets every subquery see its siblings.
    this.eatWord('LATERAL');
    let item: FromItem;
    if (this.isPunct('(')) {
      const inner = this.peek(1);
      const isQuery =
        inner?.kind === 'word' && ['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(inner.upper);
      if (isQuery || this.looksLikeParenthesizedQuery()) {
        this.pos++;
        const query = this.query();
        this.expectPunct(')');
        item = { kind: 'subquery', query };
      } else {
        this.pos++;
        item = this.joinedTable();
        this.expectPunct(')');
        if (item.kind !== 'join') {
          // `(t)` or `(t AS x)`: the same item.
          this.leave();
          return this.withAlias(item);
        }
        this.leave();
        return item;
      }
    } else if (this.isIdent() && this.isFunctionCallAhead()) {
      const expr = newExpr();
      this.operand(expr);
      this.eatWord('WITH', 'ORDINALITY');
      item = { kind: 'function', expr };
    } else {
      this.eatWord('ONLY');
      const name = this.qualifiedName();
      if (this.isPunct('*')) this.pos++; // Postgres: the table and its descendants
      item = { kind: 'table', name };
      if (this.isWord('PARTITION') && this.isPunct('(', 1)) {
        this.pos++;
        this.nameList();
      }
    }
    item = this.withAlias(item);
    this.tableHints();
    this.leave();
    return item;
  }

  /** `((SELECT …))` and `(SELECT …) UNION (SELECT …)` start with two parentheses. */
  protected looksLikeParenthesizedQuery(): boolean {
    let offset = 0;
    while (this.isPunct('(', offset)) offset++;
    const token = this.peek(offset);
    return (
      offset > 1 && token?.kind === 'word' && ['SELECT', 'WITH', 'VALUES'].includes(token.upper)
    );
  }

  /** Whether a (qualified) name followed by `(` comes next: a table function. */
  protected isFunctionCallAhead(): boolean {
    let offset = 1;
    while (this.isPunct('.', offset) && this.peek(offset + 1)?.kind !== 'punct') offset += 2;
    return this.isPunct('(', offset);
  }

  /** `item [AS] alias [(column aliases)]`. */
  protected withAlias(item: FromItem): FromItem {
    if (item.kind === 'join') return item;
    const alias = this.alias(false);
    if (!alias) return item;
    const aliased = { ...item, alias };
    if (this.isPunct('(')) {
      // Column aliases; a function's may carry types: AS x(a int, b text).
      this.pos++;
      const names: Ident[] = [];
      do {
        names.push(this.ident(true));
        while (!this.isPunct(',') && !this.isPunct(')')) {
          if (this.isPunct('(')) this.skipGroup();
          else this.next();
        }
      } while (this.eatPunct(','));
      this.expectPunct(')');
      aliased.columnAliases = names;
    }
    return aliased;
  }

  /** `[AS] alias`; a string alias is accepted after AS (MySQL, SQLite). */
  protected alias(allowString: boolean): Ident | undefined {
    if (this.eatWord('AS')) {
      const token = this.peek();
      if (allowString && token?.kind === 'string') {
        this.pos++;
        return { value: token.value, quote: '"', start: token.start };
      }
      return this.ident(true);
    }
    if (this.isIdent()) return this.ident();
    const token = this.peek();
    if (allowString && token?.kind === 'string') {
      this.pos++;
      return { value: token.value, quote: '"', start: token.start };
    }
    return undefined;
  }

  /** MySQL index hints, SQLite INDEXED BY, SQL Server WITH (NOLOCK), TABLESAMPLE. */
  protected tableHints(): void {
    for (;;) {
      if (this.isAnyWord(INDEX_HINTS) && this.isAnyWord(INDEX_WORDS, 1)) {
        this.pos += 2;
        if (this.eatWord('FOR')) {
          if (!this.eatWord('JOIN')) {
            this.eatWord('ORDER') || this.eatWord('GROUP');
            this.expectWord('BY');
          }
        }
        this.skipGroup();
      } else if (this.eatWord('INDEXED', 'BY')) {
        this.ident(true);
      } else if (this.eatWord('NOT', 'INDEXED')) {
        // SQLite
      } else if (this.isWord('WITH') && this.isPunct('(', 1)) {
        this.pos++;
        this.skipGroup();
      } else if (this.eatWord('TABLESAMPLE')) {
        this.ident(true);
        this.skipGroup();
        if (this.eatWord('REPEATABLE')) this.skipGroup();
      } else {
        return;
      }
    }
  }
}
