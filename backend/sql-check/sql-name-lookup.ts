// Name lookup of the SQL checker: which source in scope a column reference or qualifier names, and
// the report of a column that none could supply.

import { closestName } from './closest-name.js';
import { findColumn, type SqlDialect, sameName } from './find-column.js';
import { joinName } from './join-name.js';
import type { ColumnRef, Ident } from './sql-ast.js';
import type { UnknownIdentifier } from './sql-check-protocol.js';
import type { Relation, SqlSchemaIndex } from './sql-schema-index.js';
import type { Scope, Source } from './sql-scope.js';
import type { SqlTableCatalog } from './sql-table-catalog.js';
import { type ColumnSuggestionOptions, suggestColumn } from './suggest-column.js';
import type { UnknownNameReports } from './unknown-name-reports.js';

/** Columns every table has without declaring them (SQLite rowid, Postgres system columns). */
const SYSTEM_COLUMNS = new Set([
  'rowid',
  '_rowid_',
  'oid',
  'ctid',
  'xmin',
  'xmax',
  'cmin',
  'cmax',
  'tableoid',
]);

/**
 * Bare words that some syntax the reader skips may use as keywords (date parts, frame words):
 * never reported as unknown columns.
 */
const SOFT_KEYWORDS = new Set(
  (
    'year month week day hour minute second epoch dow doy isodow isoyear quarter century decade ' +
    'millennium milliseconds microseconds timezone current row rows unbounded preceding following ' +
    'nulls first last zone local separator mode prior level rownum sysdate'
  ).split(' '),
);

/**
 * Looks names up in scopes that are already built, and reports what is certainly unknown: quiet
 * whenever a name could come from somewhere it cannot see (an open relation, an output alias, a
 * table that is real but not in `FROM`).
 */
export class SqlNameLookup {
  readonly #index: SqlSchemaIndex;
  readonly #dialect: SqlDialect;
  readonly #catalog: SqlTableCatalog;
  readonly #reports: UnknownNameReports;

  constructor(
    index: SqlSchemaIndex,
    dialect: SqlDialect,
    catalog: SqlTableCatalog,
    reports: UnknownNameReports,
  ) {
    this.#index = index;
    this.#dialect = dialect;
    this.#catalog = catalog;
    this.#reports = reports;
  }

  /** Resolves a column reference (`col`, `t.col`, `s.t.col`, `t.*`) in `scope`. */
  ref(ref: ColumnRef, scope: Scope): void {
    const { parts } = ref;
    if (parts.length === 1 && !ref.star) {
      this.#unqualified(parts[0] as Ident, scope);
      return;
    }
    const qualifier = ref.star ? parts : parts.slice(0, -1);
    const column = ref.star ? undefined : (parts[parts.length - 1] as Ident);
    const found = this.findSource(qualifier, scope);
    if (found) {
      if (column) this.checkColumnOf(found.relation, column, parts);
      return;
    }
    const head = qualifier[0] as Ident;
    const headKey = head.value.toLowerCase();
    if (
      qualifier.length === 1 &&
      (headKey === 'new' || headKey === 'old' || headKey === 'excluded')
    ) {
      return;
    }
    // `col.field` (composite / JSON / struct access) when the first part is a column in scope.
    if (this.columnInScope(head, scope)) return;
    if (qualifier.length > 1) {
      // s.t.col: when `s.t` is a real table that is not in FROM, it is not an unknown name.
      return;
    }
    // A real table named but not in FROM is a different mistake than an invented name: quiet.
    if (this.#catalog.lookup(qualifier, scope, false)) return;
    if (this.#dialect === 'mysql' && head.quote === '"') return;
    const candidates: string[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const source of s.sources) {
        if (source.alias.value) candidates.push(source.alias.value);
        if (source.relation.name && source.relation.name !== source.alias.value) {
          candidates.push(source.relation.name);
        }
      }
    }
    const suggestion = closestName(head.value, candidates);
    this.#reports.add(
      { kind: 'table', name: head.value, ...(suggestion ? { suggestion } : {}) },
      head.start,
    );
  }

  #unqualified(column: Ident, scope: Scope): void {
    if (this.#dialect === 'mysql' && column.quote === '"') return; // a string in MySQL
    const key = column.value.toLowerCase();
    if (column.quote === '' && SYSTEM_COLUMNS.has(key)) return;
    let home: Scope | undefined;
    let caseSuggestion: string | undefined;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (!home && s.sources.length > 0) home = s;
      let unsure = false;
      for (const source of s.sources) {
        const result = findColumn(source.relation, column, this.#dialect);
        if (result.found) return;
        if (result.unsure) unsure = true;
        caseSuggestion ??= result.caseSuggestion;
        // A bare alias is a whole-row reference in Postgres (`row_to_json(b)`, `count(b)`).
        if (sameName(source.alias, column)) return;
      }
      if (s.outputAliases?.has(key)) return;
      if (unsure) return;
    }
    if (column.quote === '' && SOFT_KEYWORDS.has(key)) return;
    // SQLite reads an unknown "name" as a string literal.
    if (column.quote === '"' && this.#dialect === 'sqlite' && !caseSuggestion) return;
    const sources = home?.sources ?? [];
    const only =
      sources.length === 1 && (sources[0] as Source).relation.columns
        ? (sources[0] as Source).relation
        : undefined;
    this.#reportColumn(
      column,
      [column],
      only,
      sources.map((source) => source.relation),
      caseSuggestion ? { caseSuggestion } : {},
    );
  }

  /** Whether `relation` has `column` or may have it (its columns are not all known). */
  mayHaveColumn(relation: Relation, column: Ident): boolean {
    const result = findColumn(relation, column, this.#dialect);
    return result.found || result.unsure;
  }

  /** Whether `name` is a column of some source in scope (for `col.field` access). */
  columnInScope(name: Ident, scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const source of s.sources) if (this.mayHaveColumn(source.relation, name)) return true;
    }
    return false;
  }

  /** The source a qualifier (`b`, `books`, `public.books`) names, innermost scope first. */
  findSource(qualifier: Ident[], scope: Scope): Source | undefined {
    const last = qualifier[qualifier.length - 1] as Ident;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const source of s.sources) {
        if (sameName(source.alias, last)) return source;
      }
      // Lenient: the real table name although it has an alias (an error in most dialects, but not
      // an unknown name).
      for (const source of s.sources) {
        const name = source.relation.name;
        if (!name) continue;
        const short = name.slice(name.lastIndexOf('.') + 1);
        if (short.toLowerCase() === last.value.toLowerCase()) return source;
      }
    }
    return undefined;
  }

  /**
   * Checks `column` of a known relation; `parts` is the reference as written. `fallback` is the
   * suggestion when no column is close (a referenced table's primary key).
   */
  checkColumnOf(relation: Relation, column: Ident, parts: Ident[], fallback?: string): void {
    const result = findColumn(relation, column, this.#dialect);
    if (result.found || result.unsure) return;
    if (column.quote === '' && SYSTEM_COLUMNS.has(column.value.toLowerCase())) return;
    const options: ColumnSuggestionOptions = {};
    if (result.caseSuggestion) options.caseSuggestion = result.caseSuggestion;
    if (fallback) {
      options.fallback = fallback;
      options.otherTables = false;
    }
    this.#reportColumn(column, parts, relation, [relation], options);
  }

  /** `USING (a, b)`: each column must exist on both sides. */
  using(columns: Ident[], left: Source[], right: Source[]): void {
    for (const column of columns) {
      for (const side of [right, left]) {
        let unsure = false;
        let found = false;
        for (const source of side) {
          const result = findColumn(source.relation, column, this.#dialect);
          if (result.found) found = true;
          else if (result.unsure) unsure = true;
        }
        if (found || unsure || side.length === 0) continue;
        const only = side.length === 1 ? (side[0] as Source).relation : undefined;
        // No other-table hint here: the column usually lives on the other side of the join.
        this.#reportColumn(
          column,
          [column],
          only,
          side.map((s) => s.relation),
          {
            otherTables: false,
          },
        );
      }
    }
  }

  #reportColumn(
    column: Ident,
    parts: Ident[],
    table: Relation | undefined,
    lookedIn: Relation[],
    options: ColumnSuggestionOptions = {},
  ): void {
    const suggestion = suggestColumn(column, lookedIn, this.#index, options);
    const unknown: UnknownIdentifier = { kind: 'column', name: joinName(parts) };
    if (table?.name) unknown.table = table.name;
    if (suggestion) unknown.suggestion = suggestion;
    this.#reports.add(unknown, column.start);
  }
}
