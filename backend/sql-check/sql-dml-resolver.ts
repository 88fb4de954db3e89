// Name resolution of INSERT, UPDATE and DELETE: target columns, SET assignments, upserts
// (`EXCLUDED`, MySQL row aliases), FROM / USING joins and RETURNING.

import { findColumn, type SqlDialect } from './find-column.js';
import { joinName } from './join-name.js';
import type { Assignment, Ident, SelectItem, Statement } from './sql-ast.js';
import type { SqlNameLookup } from './sql-name-lookup.js';
import type { SqlQueryResolver } from './sql-query-resolver.js';
import type { Relation } from './sql-schema-index.js';
import { createScope, type Scope, unknownRelation } from './sql-scope.js';
import type { SqlTableCatalog } from './sql-table-catalog.js';

/** Resolves data-modifying statements; each returns its `RETURNING` output when it has one. */
export class SqlDmlResolver {
  readonly #dialect: SqlDialect;
  readonly #queries: SqlQueryResolver;
  readonly #lookup: SqlNameLookup;
  readonly #catalog: SqlTableCatalog;

  constructor(
    dialect: SqlDialect,
    queries: SqlQueryResolver,
    lookup: SqlNameLookup,
    catalog: SqlTableCatalog,
  ) {
    this.#dialect = dialect;
    this.#queries = queries;
    this.#lookup = lookup;
    this.#catalog = catalog;
  }

  /** `INSERT` below `outer` (the CTEs around a data-modifying CTE). */
  insert(statement: Statement & { kind: 'insert' }, outer?: Scope): Relation | undefined {
    const queries = this.#queries;
    const holder = queries.withCtes(statement.ctes, false, outer);
    const target = this.#catalog.lookup(statement.table, holder, true);
    const relation = target ?? unknownRelation(joinName(statement.table));
    const alias = statement.alias ?? (statement.table[statement.table.length - 1] as Ident);
    const scope = createScope(holder, [{ alias, relation }]);
    for (const column of statement.columns) this.#lookup.checkColumnOf(relation, column, [column]);
    for (const row of statement.values) for (const expr of row) queries.expr(expr, scope);
    if (statement.query) queries.query(statement.query, holder);
    this.#assignments(statement.set, relation, scope);
    for (const expr of statement.conflictTarget) queries.expr(expr, scope);
    const conflictScope: Scope = {
      ...scope,
      sources: [...scope.sources, { alias: { value: 'excluded', quote: '', start: 0 }, relation }],
    };
    this.#assignments(statement.conflictSet, relation, conflictScope);
    for (const expr of statement.conflictWhere) queries.expr(expr, conflictScope);
    const duplicateScope: Scope = statement.rowAlias
      ? { ...scope, sources: [...scope.sources, { alias: statement.rowAlias, relation }] }
      : scope;
    this.#assignments(statement.duplicateSet, relation, duplicateScope);
    return this.#returning(statement.returning, scope);
  }

  /** `UPDATE` below `outer`. */
  update(statement: Statement & { kind: 'update' }, outer?: Scope): Relation | undefined {
    const queries = this.#queries;
    const scope = createScope(queries.withCtes(statement.ctes, false, outer));
    for (const item of statement.target) queries.fromItem(item, scope);
    const targetRelation = scope.sources[0]?.relation ?? unknownRelation();
    for (const item of statement.from) queries.fromItem(item, scope);
    this.#assignments(statement.set, targetRelation, scope);
    for (const expr of statement.where) queries.expr(expr, scope);
    for (const expr of statement.orderBy) queries.expr(expr, scope);
    return this.#returning(statement.returning, scope);
  }

  /** `DELETE` below `outer`. */
  delete(statement: Statement & { kind: 'delete' }, outer?: Scope): Relation | undefined {
    const queries = this.#queries;
    const scope = createScope(queries.withCtes(statement.ctes, false, outer));
    for (const item of statement.target) queries.fromItem(item, scope);
    for (const item of statement.using) queries.fromItem(item, scope);
    for (const expr of statement.where) queries.expr(expr, scope);
    for (const expr of statement.orderBy) queries.expr(expr, scope);
    return this.#returning(statement.returning, scope);
  }

  /** `SET col = expr`: targets are columns of `relation` (or of a qualified source). */
  #assignments(assignments: Assignment[], relation: Relation, scope: Scope): void {
    for (const assignment of assignments) {
      for (const target of assignment.targets) {
        if (target.length === 1) {
          const column = target[0] as Ident;
          const result = findColumn(relation, column, this.#dialect);
          if (result.found || result.unsure) continue;
          // MySQL multi-table UPDATE: an unqualified target may belong to a joined table.
          if (scope.sources.length > 1 && this.#lookup.columnInScope(column, scope)) continue;
          this.#lookup.checkColumnOf(relation, column, target);
        } else {
          this.#lookup.ref({ parts: target, star: false }, scope);
        }
      }
      this.#queries.expr(assignment.value, scope);
    }
  }

  #returning(items: SelectItem[], scope: Scope): Relation | undefined {
    if (items.length === 0) return undefined;
    this.#queries.selectItems(items, scope);
    return this.#queries.output(items, scope);
  }
}
