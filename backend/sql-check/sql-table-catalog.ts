// The tables a block of SQL can name: the schema's, plus those its statements created, altered,
// renamed or dropped so far; looked up as the database would, reporting unknown ones.

import { stripDefaultSchema } from '../schema/normalize-tables.js';
import { closestName } from './closest-name.js';
import type { SqlDialect } from './find-column.js';
import { joinName } from './join-name.js';
import type { Ident } from './sql-ast.js';
import type { UnknownIdentifier } from './sql-check-protocol.js';
import type { Relation, SqlSchemaIndex } from './sql-schema-index.js';
import type { Scope } from './sql-scope.js';
import type { UnknownNameReports } from './unknown-name-reports.js';

/**
 * The schema's tables with the changes of the statements read so far laid over them. Unknown
 * tables are added to `reports`, with the closest real (or created) table as suggestion.
 */
export class SqlTableCatalog {
  readonly #index: SqlSchemaIndex;
  readonly #dialect: SqlDialect;
  readonly #reports: UnknownNameReports;
  /** Tables the statements created or changed (`null`: dropped), by lower-case full name. */
  readonly #overlay = new Map<string, Relation | null>();

  constructor(index: SqlSchemaIndex, dialect: SqlDialect, reports: UnknownNameReports) {
    this.#index = index;
    this.#dialect = dialect;
    this.#reports = reports;
  }

  /** Makes the lower-case full name `key` name `relation` from now on (`null`: dropped). */
  set(key: string, relation: Relation | null): void {
    this.#overlay.set(key, relation);
  }

  /** {@link set} for `name` and for `name` without its default schema (`public.`, `dbo.`, `main.`). */
  define(name: string, relation: Relation | null): void {
    const key = name.toLowerCase();
    this.#overlay.set(key, relation);
    this.#overlay.set(stripDefaultSchema(key), relation);
  }

  /**
   * The relation a table name refers to: a CTE in scope, a table the statements created, or a
   * schema table (schema prefix optional). Reports it as unknown when `report` and not found.
   */
  lookup(name: Ident[], scope: Scope | undefined, report: boolean): Relation | undefined {
    const last = name[name.length - 1] as Ident;
    if (name.length === 1) {
      for (let s = scope; s; s = s.parent) {
        const cte = s.ctes.get(last.value.toLowerCase());
        if (cte) return cte;
      }
    }
    const full = joinName(name).toLowerCase();
    const keys = [full, stripDefaultSchema(full)];
    for (const key of keys) {
      if (this.#overlay.has(key)) {
        const relation = this.#overlay.get(key);
        if (relation) return this.#caseChecked(relation, name, report);
        if (report) this.#reportTable(name);
        return undefined;
      }
    }
    let relation: Relation | undefined;
    for (const key of keys) {
      relation = this.#index.tables.get(key);
      if (relation) break;
    }
    if (!relation) {
      // `other_schema.books` or `books` for `billing.books`: one table with that last name.
      const candidates = this.#index.byShortName.get(last.value.toLowerCase()) ?? [];
      if (candidates.length === 1) relation = candidates[0];
      else if (candidates.length > 1) return candidates[0]; // several: any will do, never report
    }
    if (relation && this.#overlay.get(relation.name.toLowerCase()) === null) relation = undefined;
    if (!relation) {
      if (report) this.#reportTable(name);
      return undefined;
    }
    return this.#caseChecked(relation, name, report);
  }

  /** Applies the double-quote case rule: `"Books"` does not name `books`. */
  #caseChecked(relation: Relation, name: Ident[], report: boolean): Relation | undefined {
    const last = name[name.length - 1] as Ident;
    if (last.quote !== '"' || this.#dialect === 'mysql') return relation;
    const real = relation.name.slice(relation.name.lastIndexOf('.') + 1);
    if (last.value === real || last.value === real.toLowerCase()) return relation;
    if (report) {
      this.#reports.add(
        { kind: 'table', name: joinName(name), suggestion: relation.name },
        last.start,
      );
    }
    return undefined;
  }

  #reportTable(name: Ident[]): void {
    const candidates = [...this.#index.tableNames];
    for (const [key, relation] of this.#overlay) {
      if (relation) candidates.push(relation.name);
      else {
        const index = candidates.findIndex((candidate) => candidate.toLowerCase() === key);
        if (index !== -1) candidates.splice(index, 1);
      }
    }
    const written = joinName(name);
    const suggestion =
      closestName(written, candidates) ??
      closestName((name[name.length - 1] as Ident).value, candidates);
    const unknown: UnknownIdentifier = { kind: 'table', name: written };
    if (suggestion) unknown.suggestion = suggestion;
    this.#reports.add(unknown, (name[0] as Ident).start);
  }
}
