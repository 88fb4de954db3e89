// The small syntax tree the SQL checker reads: only what name resolution needs (sources, scopes,
// column references, names a statement creates), not a full SQL AST.

/** How an identifier was quoted: `"x"`, `` `x` ``, `[x]`, or not at all. */
export type QuoteKind = '' | '"' | '`' | '[';

/** One identifier as written. */
export interface Ident {
  /** The name without its quotes. */
  value: string;
  quote: QuoteKind;
  /** Offset in the statement's source text (for ordering reports). */
  start: number;
}

/** A column reference: `col`, `t.col`, `s.t.col`; `star` for `t.*`. */
export interface ColumnRef {
  parts: Ident[];
  star: boolean;
}

/** The names an expression uses, and the subqueries inside it. */
export interface Expr {
  refs: ColumnRef[];
  queries: QueryNode[];
  /** `ref` when the expression is one bare column reference, `func` a single call, else `other`. */
  shape: 'ref' | 'func' | 'other';
  /** Lower-case function name when `shape` is `func`. */
  funcName?: string;
}

/** One item of a select list or a `RETURNING` list. */
export type SelectItem =
  | { kind: 'star' }
  | { kind: 'qualified-star'; qualifier: Ident[] }
  | { kind: 'expr'; expr: Expr; alias?: Ident };

/** One entry of a `FROM` list (or of a join tree). */
export type FromItem =
  | { kind: 'table'; name: Ident[]; alias?: Ident; columnAliases?: Ident[] }
  | {
      kind: 'subquery';
      query: QueryNode;
      alias?: Ident;
      columnAliases?: Ident[];
    }
  | { kind: 'function'; expr: Expr; alias?: Ident; columnAliases?: Ident[] }
  | {
      kind: 'join';
      left: FromItem;
      right: FromItem;
      on?: Expr;
      using?: Ident[];
    };

/** A `SELECT …` (or `VALUES …`, `TABLE x`) without its set operations. */
export type QueryCore =
  | {
      kind: 'select';
      items: SelectItem[];
      from: FromItem[];
      /** `WHERE`, `DISTINCT ON`, `TOP`, `QUALIFY`: input columns only. */
      where: Expr[];
      groupBy: Expr[];
      having: Expr[];
      /** `WINDOW w AS (…)` definitions. */
      windows: Expr[];
    }
  | { kind: 'values'; rows: Expr[][] }
  | { kind: 'table'; name: Ident[] }
  | { kind: 'query'; query: QueryNode };

/** A common table expression. */
export interface Cte {
  name: Ident;
  columns?: Ident[];
  statement: Statement;
}

/** A query: `WITH …`, set operations of cores, `ORDER BY`, `LIMIT`. */
export interface QueryNode {
  ctes: Cte[];
  recursive: boolean;
  cores: QueryCore[];
  orderBy: Expr[];
  /** `LIMIT`, `OFFSET`, `FETCH`: no column scope of their own. */
  limit: Expr[];
}

/** `col = expr` in `SET`, or `(a, b) = (…)`. */
export interface Assignment {
  targets: Ident[][];
  value: Expr;
}

/** A column definition of `CREATE TABLE` or `ALTER TABLE … ADD`. */
export interface ColumnDef {
  name: Ident;
  /** `CHECK`, `GENERATED … AS (…)` and `DEFAULT` expressions (they see the table's columns). */
  exprs: Expr[];
  references?: ForeignKeyRef;
}

/** `REFERENCES t (a, b)`. */
export interface ForeignKeyRef {
  table: Ident[];
  columns: Ident[];
}

/** A table constraint: the columns it names, its foreign key, its `CHECK` expression. */
export interface TableConstraint {
  columns: Ident[];
  references?: ForeignKeyRef;
  exprs: Expr[];
}

/** One action of `ALTER TABLE`. */
export type AlterAction =
  | { kind: 'add-column'; column: ColumnDef }
  | { kind: 'add-constraint'; constraint: TableConstraint }
  | { kind: 'drop-column'; name: Ident; ifExists: boolean }
  | { kind: 'alter-column'; name: Ident; exprs: Expr[] }
  | { kind: 'rename-column'; from: Ident; to: Ident }
  | { kind: 'rename-table'; to: Ident[] }
  | { kind: 'modify-column'; column: ColumnDef }
  | { kind: 'change-column'; from: Ident; column: ColumnDef }
  | { kind: 'other' };

/** A statement the checker understands. */
export type Statement =
  | { kind: 'query'; query: QueryNode }
  | {
      kind: 'insert';
      ctes: Cte[];
      table: Ident[];
      alias?: Ident;
      columns: Ident[];
      values: Expr[][];
      query?: QueryNode;
      /** MySQL `INSERT … SET a = 1`. */
      set: Assignment[];
      conflictTarget: Expr[];
      conflictSet: Assignment[];
      conflictWhere: Expr[];
      /** MySQL `ON DUPLICATE KEY UPDATE`. */
      duplicateSet: Assignment[];
      /** MySQL `VALUES (…) AS new` row alias. */
      rowAlias?: Ident;
      returning: SelectItem[];
    }
  | {
      kind: 'update';
      ctes: Cte[];
      /** The target table, with MySQL joins (`UPDATE a JOIN b …`) as a join tree. */
      target: FromItem[];
      set: Assignment[];
      from: FromItem[];
      where: Expr[];
      orderBy: Expr[];
      returning: SelectItem[];
    }
  | {
      kind: 'delete';
      ctes: Cte[];
      /** The table(s) deleted from, with MySQL `DELETE a FROM a JOIN b` as a join tree. */
      target: FromItem[];
      /** MySQL multi-table targets (`DELETE a, b FROM …`): aliases of `target`. */
      targetAliases: Ident[][];
      using: FromItem[];
      where: Expr[];
      orderBy: Expr[];
      returning: SelectItem[];
    }
  | {
      kind: 'create-table';
      name: Ident[];
      columns: ColumnDef[];
      constraints: TableConstraint[];
      query?: QueryNode;
      /** `CREATE TABLE x (LIKE y)` / `CREATE TABLE x LIKE y`: columns unknown to the checker. */
      like?: Ident[];
    }
  | {
      kind: 'create-index';
      table: Ident[];
      items: Expr[];
      include: Ident[];
      where: Expr[];
    }
  | { kind: 'create-view'; name: Ident[]; columns?: Ident[]; query: QueryNode }
  | { kind: 'alter-table'; table: Ident[]; ifExists: boolean; actions: AlterAction[] }
  | { kind: 'drop-table'; names: Ident[][]; ifExists: boolean }
  | { kind: 'truncate'; names: Ident[][] }
  | { kind: 'comment'; target: 'table' | 'column'; name: Ident[] }
  /** A statement that names nothing checkable (`BEGIN`, `COMMIT`, `SET x = 1`, `DROP INDEX …`). */
  | { kind: 'noop' };
