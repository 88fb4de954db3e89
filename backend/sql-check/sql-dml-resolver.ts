// Name resolution of INSERT, UPDATE and DELETE: target columns, SET assignments, upserts
// (`EXCLUDED`, MySQL row aliases), FROM / USING joins and RETURNING.

import { joinName } from './join-name.js';
import type { Assignment, Ident, SelectItem, Statement } from './sql-ast.js';
import type { SqlQueryResolver } from './sql-query-resolver.js';
import type { Relation } from './sql-schema-index.js';
import { createScope, type Scope, unknownRelation } from './sql-scope.js';

/** Resolves data-modifying statements; each returns its `RETURNING` output when it has one. */
export class SqlDmlResolver {
  readonly #queries: SqlQueryResolver;

  /** Resolves with `queries` and its name lookup and table catalog. */
  constructor(queries: SqlQueryResolver) {
    this.#queries = queries;
  }

  /** `INSERT` below `outer` (the CTEs around a data-modifying CTE). */
  insert(statement: Statement & { kind: 'insert' }, outer?: Scope): Relation | undefined {
    const queries = this.#queries;
    const holder = queries.withCtes(statement.ctes, false, outer);
    const target = queries.catalog.lookup(statement.table, holder, true);
    const relation = target ?? unknownRelation(joinName(statement.table));
    const alias = statement.alias ?? (statement.table[statement.table.length - 1] as Ident);
    const scope = createScope(holder, [{ alias, relation }]);
    for (const column of statement.columns)
      queries.lookup.checkColumnOf(relation, column, [column]);
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
    const lookup = this.#queries.lookup;
    for (const assignment of assignments) {
      for (const target of assignment.targets) {
        if (target.length === 1) {
          const column = target[0] as Ident;
          if (lookup.mayHaveColumn(relation, column)) continue;
          // MySQL multi-table UPDATE: an unqualified target may belong to a joined table.
          if (scope.sources.length > 1 && lookup.columnInScope(column, scope)) continue;
          lookup.checkColumnOf(relation, column, target);
        } else {
          lookup.ref({ parts: target, star: false }, scope);
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
