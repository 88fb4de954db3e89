// Resolves the names of parsed SQL statements against a schema, one statement after another:
// wires the table catalog (sql-table-catalog.ts), name lookup (sql-name-lookup.ts), scope building
// of queries (sql-query-resolver.ts) and the DML and DDL resolvers, and collects what is unknown.

import type { SqlDialect } from './find-column.js';
import type { Statement } from './sql-ast.js';
import type { UnknownIdentifier } from './sql-check-protocol.js';
import { SqlDdlResolver } from './sql-ddl-resolver.js';
import { SqlDmlResolver } from './sql-dml-resolver.js';
import { SqlNameLookup } from './sql-name-lookup.js';
import { SqlQueryResolver } from './sql-query-resolver.js';
import type { Relation, SqlSchemaIndex } from './sql-schema-index.js';
import type { Scope } from './sql-scope.js';
import { SqlTableCatalog } from './sql-table-catalog.js';
import { UnknownNameReports } from './unknown-name-reports.js';

export type { SqlDialect } from './find-column.js';

/**
 * Resolves statements one after another; tables and columns created, renamed or dropped by one
 * statement are seen by the next. Reports only what is certainly unknown; whenever a name could
 * come from somewhere it cannot see, it is quiet.
 */
export class NameResolver {
  readonly #reports = new UnknownNameReports();
  readonly #queries: SqlQueryResolver;
  readonly #dml: SqlDmlResolver;
  readonly #ddl: SqlDdlResolver;

  constructor(index: SqlSchemaIndex, dialect: SqlDialect) {
    const catalog = new SqlTableCatalog(index, dialect, this.#reports);
    const lookup = new SqlNameLookup(index, dialect, catalog, this.#reports);
    this.#queries = new SqlQueryResolver(lookup, catalog, (statement, scope) =>
      this.#cteStatement(statement, scope),
    );
    this.#dml = new SqlDmlResolver(this.#queries);
    this.#ddl = new SqlDdlResolver(this.#queries);
  }

  /** Unknown identifiers found so far, in order of appearance. */
  get unknown(): UnknownIdentifier[] {
    return this.#reports.unknown;
  }

  /** How many unknowns have been reported so far. */
  get reportCount(): number {
    return this.#reports.count;
  }

  /** Drops the reports after the first `count` (a statement whose checking was abandoned). */
  truncateReports(count: number): void {
    this.#reports.truncate(count);
  }

  /** Resolves one statement, after the ones before it. */
  statement(statement: Statement): void {
    switch (statement.kind) {
      case 'query':
        this.#queries.query(statement.query, undefined);
        return;
      case 'insert':
        this.#dml.insert(statement);
        return;
      case 'update':
        this.#dml.update(statement);
        return;
      case 'delete':
        this.#dml.delete(statement);
        return;
      case 'create-table':
        this.#ddl.createTable(statement);
        return;
      case 'create-index':
        this.#ddl.createIndex(statement);
        return;
      case 'create-view':
        this.#ddl.createView(statement);
        return;
      case 'alter-table':
        this.#ddl.alterTable(statement);
        return;
      case 'drop-table':
        this.#ddl.dropTable(statement);
        return;
      case 'truncate':
        this.#ddl.truncate(statement);
        return;
      case 'comment':
        this.#ddl.comment(statement);
        return;
      case 'noop':
        return;
    }
  }

  /** The body of a data-modifying CTE, which sees the enclosing CTEs; its RETURNING output. */
  #cteStatement(statement: Statement, outer: Scope): Relation | undefined {
    switch (statement.kind) {
      case 'insert':
        return this.#dml.insert(statement, outer);
      case 'update':
        return this.#dml.update(statement, outer);
      case 'delete':
        return this.#dml.delete(statement, outer);
      default:
        this.statement(statement);
        return undefined;
    }
  }
}
