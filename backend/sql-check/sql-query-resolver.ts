// Scope building of the SQL checker: resolves queries level by level (CTEs, FROM items, select
// lists, subqueries) and returns each query's output columns, for the level that reads it.

import { columnMap, renameColumns } from './column-map.js';
import { joinName } from './join-name.js';
import type {
  Cte,
  Expr,
  FromItem,
  Ident,
  QueryCore,
  QueryNode,
  SelectItem,
  Statement,
} from './sql-ast.js';
import type { SqlNameLookup } from './sql-name-lookup.js';
import type { Relation } from './sql-schema-index.js';
import { createScope, type Scope, unknownRelation } from './sql-scope.js';
import type { SqlTableCatalog } from './sql-table-catalog.js';

/**
 * Resolves a statement other than a query that is the body of a CTE (a data-modifying CTE) in
 * `scope`; returns its `RETURNING` output, if any.
 */
export type ResolveCteStatement = (statement: Statement, scope: Scope) => Relation | undefined;

/**
 * Builds the scopes of queries and resolves every name in them through `lookup`. Each `SELECT`
 * gets a scope of its `FROM` items below the scope that holds its CTEs; subqueries get a scope
 * below the one they appear in, so correlated names resolve outwards.
 */
export class SqlQueryResolver {
  /** Where names are looked up (the DML and DDL resolvers use it too). */
  readonly lookup: SqlNameLookup;
  /** The tables the statements can name. */
  readonly catalog: SqlTableCatalog;
  readonly #cteStatement: ResolveCteStatement;

  constructor(lookup: SqlNameLookup, catalog: SqlTableCatalog, cteStatement: ResolveCteStatement) {
    this.lookup = lookup;
    this.catalog = catalog;
    this.#cteStatement = cteStatement;
  }

  /** Resolves a query below `outer`; returns its output columns. */
  query(query: QueryNode, outer: Scope | undefined): Relation {
    const holder = this.withCtes(query.ctes, query.recursive, outer);
    let first: { scope: Scope; output: Relation } | undefined;
    for (const core of query.cores) {
      const result = this.#core(core, holder);
      first ??= result;
    }
    const orderScope = first?.scope ?? holder;
    for (const expr of query.orderBy) this.expr(expr, orderScope);
    for (const expr of query.limit) this.expr(expr, holder);
    return first?.output ?? unknownRelation();
  }

  /** A scope holding CTEs (resolved in order; a recursive one sees itself). */
  withCtes(ctes: Cte[], recursive: boolean, outer: Scope | undefined): Scope {
    const holder = createScope(outer);
    for (const cte of ctes) {
      const key = cte.name.value.toLowerCase();
      const declared = cte.columns ? columnMap(cte.columns) : undefined;
      if (recursive) {
        holder.ctes.set(key, { name: cte.name.value, columns: declared, open: !declared });
      }
      const output = this.#statementOutput(cte.statement, holder);
      holder.ctes.set(key, {
        name: cte.name.value,
        columns: declared ?? output.columns,
        open: declared ? false : output.open,
      });
    }
    return holder;
  }

  /** Resolves a CTE body; returns its output (a query's columns, or a DML's RETURNING). */
  #statementOutput(statement: Statement, scope: Scope): Relation {
    if (statement.kind === 'query') return this.query(statement.query, scope);
    // Data-modifying CTEs: resolve them as statements that see the enclosing CTEs.
    return this.#cteStatement(statement, scope) ?? unknownRelation();
  }

  #core(core: QueryCore, parent: Scope): { scope: Scope; output: Relation } {
    const scope = createScope(parent);
    switch (core.kind) {
      case 'query':
        return { scope, output: this.query(core.query, parent) };
      case 'values': {
        for (const row of core.rows) for (const expr of row) this.expr(expr, scope);
        const width = core.rows[0]?.length ?? 0;
        const columns = new Map<string, string>();
        for (let i = 1; i <= width; i++) columns.set(`column${i}`, `column${i}`);
        return { scope, output: { name: '', columns, open: true } };
      }
      case 'table': {
        const relation = this.catalog.lookup(core.name, parent, true);
        return { scope, output: relation ?? unknownRelation() };
      }
      case 'select':
        break;
    }
    for (const item of core.from) this.fromItem(item, scope);
    const aliases = new Set<string>();
    for (const item of core.items) {
      if (item.kind === 'expr' && item.alias) aliases.add(item.alias.value.toLowerCase());
    }
    scope.outputAliases = aliases;
    this.selectItems(core.items, scope);
    for (const expr of core.where) this.expr(expr, scope);
    for (const expr of core.groupBy) this.expr(expr, scope);
    for (const expr of core.having) this.expr(expr, scope);
    for (const expr of core.windows) this.expr(expr, scope);
    return { scope, output: this.output(core.items, scope) };
  }

  /** Resolves the names of a select list (or `RETURNING` list) in `scope`. */
  selectItems(items: SelectItem[], scope: Scope): void {
    for (const item of items) {
      if (item.kind === 'expr') this.expr(item.expr, scope);
      else if (item.kind === 'qualified-star')
        this.lookup.ref({ parts: item.qualifier, star: true }, scope);
    }
  }

  /** The output columns of a select list over `scope`. */
  output(items: SelectItem[], scope: Scope): Relation {
    const columns = new Map<string, string>();
    let open = false;
    const addAll = (relation: Relation) => {
      if (!relation.columns) {
        open = true;
        return;
      }
      if (relation.open) open = true;
      for (const [key, name] of relation.columns) if (!columns.has(key)) columns.set(key, name);
    };
    for (const item of items) {
      if (item.kind === 'star') {
        for (const source of scope.sources) addAll(source.relation);
      } else if (item.kind === 'qualified-star') {
        const source = this.lookup.findSource(item.qualifier, scope);
        if (source) addAll(source.relation);
        else open = true;
      } else if (item.alias) {
        columns.set(item.alias.value.toLowerCase(), item.alias.value);
      } else if (item.expr.shape === 'ref') {
        const ref = item.expr.refs[0];
        const last = ref?.parts[ref.parts.length - 1];
        if (last) columns.set(last.value.toLowerCase(), last.value);
        else open = true;
      } else {
        // Unnamed expressions get dialect-specific names (`count`, `?column?`, the text itself).
        if (item.expr.funcName) columns.set(item.expr.funcName, item.expr.funcName);
        open = true;
      }
    }
    return { name: '', columns, open };
  }

  /** Adds a `FROM` item's sources to `scope`, resolving what it names on the way. */
  fromItem(item: FromItem, scope: Scope): void {
    switch (item.kind) {
      case 'table': {
        const found = this.catalog.lookup(item.name, scope, true);
        const last = item.name[item.name.length - 1] as Ident;
        let relation: Relation = found ?? unknownRelation(joinName(item.name));
        if (item.columnAliases) relation = renameColumns(relation, item.columnAliases);
        scope.sources.push({ alias: item.alias ?? last, relation });
        return;
      }
      case 'subquery': {
        const output = this.query(item.query, scope);
        const name = item.alias?.value ?? '';
        let relation: Relation = { name, columns: output.columns, open: output.open };
        if (item.columnAliases) relation = renameColumns(relation, item.columnAliases);
        scope.sources.push({ alias: item.alias ?? { value: '', quote: '', start: 0 }, relation });
        return;
      }
      case 'function': {
        this.expr(item.expr, scope);
        const name = item.alias?.value ?? item.expr.funcName ?? '';
        const relation: Relation = item.columnAliases
          ? { name, columns: columnMap(item.columnAliases), open: false }
          : unknownRelation(name);
        scope.sources.push({ alias: item.alias ?? { value: name, quote: '', start: 0 }, relation });
        return;
      }
      case 'join': {
        const before = scope.sources.length;
        this.fromItem(item.left, scope);
        const middle = scope.sources.length;
        this.fromItem(item.right, scope);
        if (item.on) this.expr(item.on, scope);
        if (item.using)
          this.lookup.using(
            item.using,
            scope.sources.slice(before, middle),
            scope.sources.slice(middle),
          );
        return;
      }
    }
  }

  /** Resolves the names and subqueries of an expression in `scope`. */
  expr(expr: Expr, scope: Scope): void {
    for (const ref of expr.refs) this.lookup.ref(ref, scope);
    for (const query of expr.queries) this.query(query, scope);
  }
}
