// Name resolution of DDL: the tables and columns CREATE TABLE / INDEX / VIEW, ALTER TABLE, DROP
// TABLE, TRUNCATE and COMMENT ON name, and the tables they create, change or drop for the
// statements after them.

import { columnMap } from './column-map.js';
import { joinName } from './join-name.js';
import type { AlterAction, ColumnDef, ForeignKeyRef, Ident, Statement } from './sql-ast.js';
import type { SqlNameLookup } from './sql-name-lookup.js';
import type { SqlQueryResolver } from './sql-query-resolver.js';
import type { Relation } from './sql-schema-index.js';
import { type Scope, tableScope } from './sql-scope.js';
import type { SqlTableCatalog } from './sql-table-catalog.js';

/** Resolves DDL statements and records their effect in the table catalog. */
export class SqlDdlResolver {
  readonly #queries: SqlQueryResolver;
  readonly #lookup: SqlNameLookup;
  readonly #catalog: SqlTableCatalog;

  /** Resolves with `queries` and its name lookup and table catalog. */
  constructor(queries: SqlQueryResolver) {
    this.#queries = queries;
    this.#lookup = queries.lookup;
    this.#catalog = queries.catalog;
  }

  /** `CREATE TABLE`: its columns exist from here on (also for its own `REFERENCES`). */
  createTable(statement: Statement & { kind: 'create-table' }): void {
    const name = joinName(statement.name);
    let relation: Relation;
    if (statement.query) {
      const output = this.#queries.query(statement.query, undefined);
      relation = { name, columns: output.columns, open: output.open };
    } else if (statement.like) {
      const like = this.#catalog.lookup(statement.like, undefined, true);
      const columns = new Map(like?.columns ?? []);
      for (const column of statement.columns) {
        columns.set(column.name.value.toLowerCase(), column.name.value);
      }
      relation = { name, columns: like?.columns ? columns : undefined, open: !like };
    } else {
      relation = { name, columns: new Map(), open: false };
      for (const column of statement.columns) {
        relation.columns?.set(column.name.value.toLowerCase(), column.name.value);
      }
    }
    // Registered first, so that self-references (`parent_id REFERENCES categories`) resolve.
    this.#catalog.define(name, relation);
    const scope = tableScope(relation, statement.name);
    for (const column of statement.columns) this.#columnDef(column, scope);
    for (const constraint of statement.constraints) {
      for (const column of constraint.columns)
        this.#lookup.checkColumnOf(relation, column, [column]);
      if (constraint.references) this.#foreignKey(constraint.references);
      for (const expr of constraint.exprs) this.#queries.expr(expr, scope);
    }
  }

  /** `CREATE INDEX`: its columns, expressions, `INCLUDE` and `WHERE` name the table's columns. */
  createIndex(statement: Statement & { kind: 'create-index' }): void {
    const relation = this.#catalog.lookup(statement.table, undefined, true);
    if (!relation) return;
    const scope = tableScope(relation, statement.table);
    for (const expr of statement.items) this.#queries.expr(expr, scope);
    for (const column of statement.include) this.#lookup.checkColumnOf(relation, column, [column]);
    for (const expr of statement.where) this.#queries.expr(expr, scope);
  }

  /** `CREATE VIEW`: a relation of its query's output (or its column list) from here on. */
  createView(statement: Statement & { kind: 'create-view' }): void {
    const output = this.#queries.query(statement.query, undefined);
    const name = joinName(statement.name);
    const relation: Relation = statement.columns
      ? { name, columns: columnMap(statement.columns), open: false }
      : { name, columns: output.columns, open: output.open };
    this.#catalog.define(name, relation);
  }

  /** `ALTER TABLE`: checks what each action names, and applies it to a copy of the table. */
  alterTable(statement: Statement & { kind: 'alter-table' }): void {
    const found = this.#catalog.lookup(statement.table, undefined, !statement.ifExists);
    if (!found) return;
    // A private copy: later statements see the altered table.
    const relation: Relation = {
      name: found.name,
      columns: found.columns ? new Map(found.columns) : undefined,
      open: found.open,
      ...(found.table ? { table: found.table } : {}),
    };
    this.#catalog.set(relation.name.toLowerCase(), relation);
    const scope = tableScope(relation, statement.table);
    for (const action of statement.actions) this.#alterAction(action, relation, scope);
  }

  /** `DROP TABLE`: the tables stop counting (unknown ones are reported unless `IF EXISTS`). */
  dropTable(statement: Statement & { kind: 'drop-table' }): void {
    for (const name of statement.names) {
      const relation = this.#catalog.lookup(name, undefined, !statement.ifExists);
      if (relation) this.#catalog.set(joinName(name).toLowerCase(), null);
      if (relation?.name) this.#catalog.set(relation.name.toLowerCase(), null);
    }
  }

  /** `TRUNCATE`: the tables must exist. */
  truncate(statement: Statement & { kind: 'truncate' }): void {
    for (const name of statement.names) this.#catalog.lookup(name, undefined, true);
  }

  /** `COMMENT ON TABLE t` / `COMMENT ON COLUMN t.c`: the table (and column) must exist. */
  comment(statement: Statement & { kind: 'comment' }): void {
    if (statement.target === 'table') {
      this.#catalog.lookup(statement.name, undefined, true);
      return;
    }
    const column = statement.name[statement.name.length - 1] as Ident;
    const tableName = statement.name.slice(0, -1);
    if (tableName.length === 0) return;
    const relation = this.#catalog.lookup(tableName, undefined, true);
    if (relation) this.#lookup.checkColumnOf(relation, column, [...tableName, column]);
  }

  #columnDef(column: ColumnDef, scope: Scope): void {
    for (const expr of column.exprs) this.#queries.expr(expr, scope);
    if (column.references) this.#foreignKey(column.references);
  }

  #foreignKey(references: ForeignKeyRef): void {
    const target = this.#catalog.lookup(references.table, undefined, true);
    if (!target) return;
    const key = target.table?.primaryKey;
    const fallback = key?.length === 1 ? key[0] : undefined;
    for (const column of references.columns) {
      this.#lookup.checkColumnOf(target, column, [column], fallback);
    }
  }

  #alterAction(action: AlterAction, relation: Relation, scope: Scope): void {
    const columns = relation.columns;
    const lookup = this.#lookup;
    switch (action.kind) {
      case 'add-column':
        columns?.set(action.column.name.value.toLowerCase(), action.column.name.value);
        this.#columnDef(action.column, scope);
        return;
      case 'add-constraint':
        for (const column of action.constraint.columns) {
          lookup.checkColumnOf(relation, column, [column]);
        }
        if (action.constraint.references) this.#foreignKey(action.constraint.references);
        for (const expr of action.constraint.exprs) this.#queries.expr(expr, scope);
        return;
      case 'drop-column':
        if (!action.ifExists) lookup.checkColumnOf(relation, action.name, [action.name]);
        columns?.delete(action.name.value.toLowerCase());
        return;
      case 'alter-column':
        lookup.checkColumnOf(relation, action.name, [action.name]);
        for (const expr of action.exprs) this.#queries.expr(expr, scope);
        return;
      case 'rename-column':
        lookup.checkColumnOf(relation, action.from, [action.from]);
        columns?.delete(action.from.value.toLowerCase());
        columns?.set(action.to.value.toLowerCase(), action.to.value);
        return;
      case 'modify-column':
        lookup.checkColumnOf(relation, action.column.name, [action.column.name]);
        this.#columnDef(action.column, scope);
        return;
      case 'change-column':
        lookup.checkColumnOf(relation, action.from, [action.from]);
        columns?.delete(action.from.value.toLowerCase());
        columns?.set(action.column.name.value.toLowerCase(), action.column.name.value);
        this.#columnDef(action.column, scope);
        return;
      case 'rename-table': {
        const name = joinName(action.to);
        this.#catalog.define(relation.name, null);
        relation.name = name;
        this.#catalog.define(name, relation);
        return;
      }
      case 'other':
        return;
    }
  }
}
