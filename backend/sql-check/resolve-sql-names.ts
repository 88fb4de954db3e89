// Resolves the names of parsed SQL statements against a schema: scopes of FROM items, aliases,
// CTEs, subqueries and the tables the statements themselves create, alter or drop. Reports only
// what is certainly unknown; whenever a name could come from somewhere it cannot see, it is quiet.

import { stripDefaultSchema } from '../schema/normalize-tables.js';
import type { ParsedTable } from '../schema/parsed-schema.js';
import { closestName } from './closest-name.js';
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
  SelectItem,
  Statement,
} from './sql-ast.js';
import type { UnknownIdentifier } from './sql-check-protocol.js';
import type { Relation, SqlSchemaIndex } from './sql-schema-index.js';

/** How quoted names are read. */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite' | 'unknown';

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

/** A relation visible under a name in a scope. */
interface Source {
  /** The alias, or the table's own (last) name. */
  alias: Ident;
  relation: Relation;
}

/** A level of name visibility: one SELECT's FROM items, or the CTEs of a WITH. */
interface Scope {
  sources: Source[];
  parent: Scope | undefined;
  ctes: Map<string, Relation>;
  /** Output column names of the SELECT (usable in ORDER BY, GROUP BY, HAVING). */
  outputAliases: Set<string> | undefined;
}

/** How an unknown column's suggestion is chosen. */
interface ReportOptions {
  /** The column as defined when only the case of a quoted name differs. */
  caseSuggestion?: string;
  /** Whether a `*_id` column of a nearby table may be suggested. Defaults to true. */
  otherTables?: boolean;
  /** The suggestion when nothing is close. */
  fallback?: string;
}

/** A found unknown, with where it was written (for ordering). */
interface Report {
  unknown: UnknownIdentifier;
  start: number;
}

/**
 * Resolves statements one after another; tables and columns created, renamed or dropped by one
 * statement are seen by the next.
 */
export class NameResolver {
  readonly #index: SqlSchemaIndex;
  readonly #dialect: SqlDialect;
  /** Tables the statements created or changed (`null`: dropped), by lower-case full name. */
  readonly #overlay = new Map<string, Relation | null>();
  readonly #reports: Report[] = [];
  readonly #seen = new Set<string>();

  constructor(index: SqlSchemaIndex, dialect: SqlDialect) {
    this.#index = index;
    this.#dialect = dialect;
  }

  /** Unknown identifiers found so far, in order of appearance. */
  get unknown(): UnknownIdentifier[] {
    return [...this.#reports].sort((a, b) => a.start - b.start).map((report) => report.unknown);
  }

  /** How many unknowns have been reported so far. */
  get reportCount(): number {
    return this.#reports.length;
  }

  /** Drops the reports after the first `count` (a statement whose checking was abandoned). */
  truncateReports(count: number): void {
    const dropped = this.#reports.splice(count);
    for (const report of dropped) this.#seen.delete(reportKey(report.unknown));
  }

  statement(statement: Statement): void {
    switch (statement.kind) {
      case 'query':
        this.#query(statement.query, undefined);
        return;
      case 'insert':
        this.#insert(statement);
        return;
      case 'update':
        this.#update(statement);
        return;
      case 'delete':
        this.#delete(statement);
        return;
      case 'create-table':
        this.#createTable(statement);
        return;
      case 'create-index':
        this.#createIndex(statement);
        return;
      case 'create-view':
        this.#createView(statement);
        return;
      case 'alter-table':
        this.#alterTable(statement);
        return;
      case 'drop-table':
        for (const name of statement.names) {
          const relation = this.#lookupTable(name, undefined, !statement.ifExists);
          if (relation) this.#overlay.set(joinName(name).toLowerCase(), null);
          if (relation?.name) this.#overlay.set(relation.name.toLowerCase(), null);
        }
        return;
      case 'truncate':
        for (const name of statement.names) this.#lookupTable(name, undefined, true);
        return;
      case 'comment': {
        if (statement.target === 'table') {
          this.#lookupTable(statement.name, undefined, true);
          return;
        }
        const column = statement.name[statement.name.length - 1] as Ident;
        const tableName = statement.name.slice(0, -1);
        if (tableName.length === 0) return;
        const relation = this.#lookupTable(tableName, undefined, true);
        if (relation) this.#checkColumnOf(relation, column, [...tableName, column]);
        return;
      }
      case 'noop':
        return;
    }
  }

  // --- queries ------------------------------------------------------------------------------

  /** Resolves a query; returns its output columns. */
  #query(query: QueryNode, outer: Scope | undefined): Relation {
    const holder = this.#withCtes(query.ctes, query.recursive, outer);
    let first: { scope: Scope; output: Relation } | undefined;
    for (const core of query.cores) {
      const result = this.#core(core, holder);
      first ??= result;
    }
    const orderScope = first?.scope ?? holder;
    for (const expr of query.orderBy) this.#expr(expr, orderScope);
    for (const expr of query.limit) this.#expr(expr, holder);
    return first?.output ?? { name: '', columns: undefined, open: true };
  }

  /** A scope holding CTEs (resolved in order; a recursive one sees itself). */
  #withCtes(ctes: Cte[], recursive: boolean, outer: Scope | undefined): Scope {
    const holder: Scope = { sources: [], parent: outer, ctes: new Map(), outputAliases: undefined };
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
    if (statement.kind === 'query') return this.#query(statement.query, scope);
    // Data-modifying CTEs: resolve them as statements that see the enclosing CTEs.
    const returning = this.#dml(statement, scope);
    return returning ?? { name: '', columns: undefined, open: true };
  }

  #core(core: QueryCore, parent: Scope): { scope: Scope; output: Relation } {
    const scope: Scope = { sources: [], parent, ctes: new Map(), outputAliases: undefined };
    switch (core.kind) {
      case 'query':
        return { scope, output: this.#query(core.query, parent) };
      case 'values': {
        for (const row of core.rows) for (const expr of row) this.#expr(expr, scope);
        const width = core.rows[0]?.length ?? 0;
        const columns = new Map<string, string>();
        for (let i = 1; i <= width; i++) columns.set(`column${i}`, `column${i}`);
        return { scope, output: { name: '', columns, open: true } };
      }
      case 'table': {
        const relation = this.#lookupTable(core.name, parent, true);
        return { scope, output: relation ?? { name: '', columns: undefined, open: true } };
      }
      case 'select':
        break;
    }
    for (const item of core.from) this.#fromItem(item, scope);
    const aliases = new Set<string>();
    for (const item of core.items) {
      if (item.kind === 'expr' && item.alias) aliases.add(item.alias.value.toLowerCase());
    }
    scope.outputAliases = aliases;
    this.#selectItems(core.items, scope);
    for (const expr of core.where) this.#expr(expr, scope);
    for (const expr of core.groupBy) this.#expr(expr, scope);
    for (const expr of core.having) this.#expr(expr, scope);
    for (const expr of core.windows) this.#expr(expr, scope);
    return { scope, output: this.#output(core.items, scope) };
  }

  #selectItems(items: SelectItem[], scope: Scope): void {
    for (const item of items) {
      if (item.kind === 'expr') this.#expr(item.expr, scope);
      else if (item.kind === 'qualified-star')
        this.#ref({ parts: item.qualifier, star: true }, scope);
    }
  }

  /** The output columns of a select list over `scope`. */
  #output(items: SelectItem[], scope: Scope): Relation {
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
        const source = this.#findSource(item.qualifier, scope);
        if (source) addAll(source.source.relation);
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

  #fromItem(item: FromItem, scope: Scope): void {
    switch (item.kind) {
      case 'table': {
        const found = this.#lookupTable(item.name, scope, true);
        const last = item.name[item.name.length - 1] as Ident;
        let relation: Relation = found ?? {
          name: joinName(item.name),
          columns: undefined,
          open: true,
        };
        if (item.columnAliases) relation = renamed(relation, item.columnAliases);
        scope.sources.push({ alias: item.alias ?? last, relation });
        return;
      }
      case 'subquery': {
        const output = this.#query(item.query, scope);
        const name = item.alias?.value ?? '';
        let relation: Relation = { name, columns: output.columns, open: output.open };
        if (item.columnAliases) relation = renamed(relation, item.columnAliases);
        scope.sources.push({ alias: item.alias ?? { value: '', quote: '', start: 0 }, relation });
        return;
      }
      case 'function': {
        this.#expr(item.expr, scope);
        const name = item.alias?.value ?? item.expr.funcName ?? '';
        const relation: Relation = item.columnAliases
          ? { name, columns: columnMap(item.columnAliases), open: false }
          : { name, columns: undefined, open: true };
        scope.sources.push({ alias: item.alias ?? { value: name, quote: '', start: 0 }, relation });
        return;
      }
      case 'join': {
        const before = scope.sources.length;
        this.#fromItem(item.left, scope);
        const middle = scope.sources.length;
        this.#fromItem(item.right, scope);
        if (item.on) this.#expr(item.on, scope);
        if (item.using)
          this.#using(item.using, scope.sources.slice(before, middle), scope.sources.slice(middle));
        return;
      }
    }
  }

  /** `USING (a, b)`: each column must exist on both sides. */
  #using(columns: Ident[], left: Source[], right: Source[]): void {
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

  // --- expressions ---------------------------------------------------------------------------

  #expr(expr: Expr, scope: Scope): void {
    for (const ref of expr.refs) this.#ref(ref, scope);
    for (const query of expr.queries) this.#query(query, scope);
  }

  #ref(ref: ColumnRef, scope: Scope): void {
    const { parts } = ref;
    if (parts.length === 1 && !ref.star) {
      this.#unqualified(parts[0] as Ident, scope);
      return;
    }
    const qualifier = ref.star ? parts : parts.slice(0, -1);
    const column = ref.star ? undefined : (parts[parts.length - 1] as Ident);
    const found = this.#findSource(qualifier, scope);
    if (found) {
      if (column) this.#checkColumnOf(found.source.relation, column, parts);
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
    if (this.#columnInScope(head, scope)) return;
    if (qualifier.length > 1) {
      // s.t.col: when `s.t` is a real table that is not in FROM, it is not an unknown name.
      return;
    }
    // A real table named but not in FROM is a different mistake than an invented name: quiet.
    if (this.#lookupTable(qualifier, scope, false)) return;
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
    this.#report(
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

  /** Whether `name` is a column of some source in scope (for `col.field` access). */
  #columnInScope(name: Ident, scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const source of s.sources) {
        const result = findColumn(source.relation, name, this.#dialect);
        if (result.found || result.unsure) return true;
      }
    }
    return false;
  }

  /** The source a qualifier (`b`, `books`, `public.books`) names, innermost scope first. */
  #findSource(qualifier: Ident[], scope: Scope): { source: Source } | undefined {
    const last = qualifier[qualifier.length - 1] as Ident;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const source of s.sources) {
        if (sameName(source.alias, last)) return { source };
      }
      // Lenient: the real table name although it has an alias (an error in most dialects, but not
      // an unknown name).
      for (const source of s.sources) {
        const name = source.relation.name;
        if (!name) continue;
        const short = name.slice(name.lastIndexOf('.') + 1);
        if (short.toLowerCase() === last.value.toLowerCase()) return { source };
      }
    }
    return undefined;
  }

  /**
   * Checks `column` of a known relation; `parts` is the reference as written. `fallback` is the
   * suggestion when no column is close (a referenced table's primary key).
   */
  #checkColumnOf(relation: Relation, column: Ident, parts: Ident[], fallback?: string): void {
    const result = findColumn(relation, column, this.#dialect);
    if (result.found || result.unsure) return;
    if (column.quote === '' && SYSTEM_COLUMNS.has(column.value.toLowerCase())) return;
    const options: ReportOptions = {};
    if (result.caseSuggestion) options.caseSuggestion = result.caseSuggestion;
    if (fallback) {
      options.fallback = fallback;
      options.otherTables = false;
    }
    this.#reportColumn(column, parts, relation, [relation], options);
  }

  #reportColumn(
    column: Ident,
    parts: Ident[],
    table: Relation | undefined,
    lookedIn: Relation[],
    { caseSuggestion, otherTables = true, fallback }: ReportOptions = {},
  ): void {
    let suggestion = caseSuggestion;
    if (!suggestion) {
      const candidates: string[] = [];
      for (const relation of lookedIn) {
        if (relation.columns) candidates.push(...relation.columns.values());
      }
      suggestion = closestName(column.value, candidates);
    }
    if (!suggestion && otherTables) suggestion = this.#otherTableWithColumn(column, lookedIn);
    suggestion ??= fallback;
    const unknown: UnknownIdentifier = { kind: 'column', name: joinName(parts) };
    if (table?.name) unknown.table = table.name;
    if (suggestion) unknown.suggestion = suggestion;
    this.#report(unknown, column.start);
  }

  /**
   * `book_authors.author_id` when the key column `author_id` is not in `books` but in a table one
   * foreign key away (a join table), or in one table only. Only for `*_id` columns: for others
   * (`created_at`, `email`) another table's column is a distraction, not the fix.
   */
  #otherTableWithColumn(column: Ident, lookedIn: Relation[]): string | undefined {
    const key = column.value.toLowerCase();
    if (!key.endsWith('_id')) return undefined;
    const having = this.#index.tablesWithColumn.get(key);
    if (!having || having.length === 0) return undefined;
    const near = new Set<ParsedTable>();
    for (const relation of lookedIn) {
      if (!relation.table) continue;
      for (const table of this.#index.neighbours.get(relation.table) ?? []) near.add(table);
    }
    const pick =
      having.find((table) => near.has(table)) ?? (having.length === 1 ? having[0] : undefined);
    if (!pick) return undefined;
    const spelled = pick.columns.find((c) => c.name.toLowerCase() === key)?.name ?? column.value;
    return `${pick.name}.${spelled}`;
  }

  #report(unknown: UnknownIdentifier, start: number): void {
    const key = reportKey(unknown);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#reports.push({ unknown, start });
  }

  // --- tables ---------------------------------------------------------------------------------

  /**
   * The relation a table name refers to: a CTE in scope, a table the statements created, or a
   * schema table (schema prefix optional). Reports it as unknown when `report` and not found.
   */
  #lookupTable(name: Ident[], scope: Scope | undefined, report: boolean): Relation | undefined {
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
      this.#report({ kind: 'table', name: joinName(name), suggestion: relation.name }, last.start);
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
    this.#report(unknown, (name[0] as Ident).start);
  }

  // --- DML ------------------------------------------------------------------------------------

  /** INSERT / UPDATE / DELETE; returns the RETURNING output when there is one. */
  #dml(statement: Statement, outer: Scope | undefined): Relation | undefined {
    switch (statement.kind) {
      case 'insert':
        return this.#insert(statement, outer);
      case 'update':
        return this.#update(statement, outer);
      case 'delete':
        return this.#delete(statement, outer);
      default:
        this.statement(statement);
        return undefined;
    }
  }

  #insert(statement: Statement & { kind: 'insert' }, outer?: Scope): Relation | undefined {
    const holder = this.#withCtes(statement.ctes, false, outer);
    const target = this.#lookupTable(statement.table, holder, true);
    const relation = target ?? { name: joinName(statement.table), columns: undefined, open: true };
    const alias = statement.alias ?? (statement.table[statement.table.length - 1] as Ident);
    const scope: Scope = {
      sources: [{ alias, relation }],
      parent: holder,
      ctes: new Map(),
      outputAliases: undefined,
    };
    for (const column of statement.columns) this.#checkColumnOf(relation, column, [column]);
    for (const row of statement.values) for (const expr of row) this.#expr(expr, scope);
    if (statement.query) this.#query(statement.query, holder);
    this.#assignments(statement.set, relation, scope);
    for (const expr of statement.conflictTarget) this.#expr(expr, scope);
    const conflictScope: Scope = {
      ...scope,
      sources: [...scope.sources, { alias: { value: 'excluded', quote: '', start: 0 }, relation }],
    };
    this.#assignments(statement.conflictSet, relation, conflictScope);
    for (const expr of statement.conflictWhere) this.#expr(expr, conflictScope);
    const duplicateScope: Scope = statement.rowAlias
      ? { ...scope, sources: [...scope.sources, { alias: statement.rowAlias, relation }] }
      : scope;
    this.#assignments(statement.duplicateSet, relation, duplicateScope);
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
          if (scope.sources.length > 1 && this.#columnInScope(column, scope)) continue;
          this.#checkColumnOf(relation, column, target);
        } else {
          this.#ref({ parts: target, star: false }, scope);
        }
      }
      this.#expr(assignment.value, scope);
    }
  }

  #returning(items: SelectItem[], scope: Scope): Relation | undefined {
    if (items.length === 0) return undefined;
    this.#selectItems(items, scope);
    return this.#output(items, scope);
  }

  #update(statement: Statement & { kind: 'update' }, outer?: Scope): Relation | undefined {
    const holder = this.#withCtes(statement.ctes, false, outer);
    const scope: Scope = { sources: [], parent: holder, ctes: new Map(), outputAliases: undefined };
    for (const item of statement.target) this.#fromItem(item, scope);
    const targetRelation = scope.sources[0]?.relation ?? {
      name: '',
      columns: undefined,
      open: true,
    };
    for (const item of statement.from) this.#fromItem(item, scope);
    this.#assignments(statement.set, targetRelation, scope);
    for (const expr of statement.where) this.#expr(expr, scope);
    for (const expr of statement.orderBy) this.#expr(expr, scope);
    return this.#returning(statement.returning, scope);
  }

  #delete(statement: Statement & { kind: 'delete' }, outer?: Scope): Relation | undefined {
    const holder = this.#withCtes(statement.ctes, false, outer);
    const scope: Scope = { sources: [], parent: holder, ctes: new Map(), outputAliases: undefined };
    for (const item of statement.target) this.#fromItem(item, scope);
    for (const item of statement.using) this.#fromItem(item, scope);
    for (const expr of statement.where) this.#expr(expr, scope);
    for (const expr of statement.orderBy) this.#expr(expr, scope);
    return this.#returning(statement.returning, scope);
  }

  // --- DDL ------------------------------------------------------------------------------------

  #createTable(statement: Statement & { kind: 'create-table' }): void {
    const name = joinName(statement.name);
    let relation: Relation;
    if (statement.query) {
      const output = this.#query(statement.query, undefined);
      relation = { name, columns: output.columns, open: output.open };
    } else if (statement.like) {
      const like = this.#lookupTable(statement.like, undefined, true);
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
    this.#overlay.set(name.toLowerCase(), relation);
    this.#overlay.set(stripDefaultSchema(name.toLowerCase()), relation);
    const scope = this.#tableScope(relation, statement.name);
    for (const column of statement.columns) this.#columnDef(column, scope);
    for (const constraint of statement.constraints) {
      for (const column of constraint.columns) this.#checkColumnOf(relation, column, [column]);
      if (constraint.references) this.#foreignKey(constraint.references);
      for (const expr of constraint.exprs) this.#expr(expr, scope);
    }
  }

  #tableScope(relation: Relation, name: Ident[]): Scope {
    return {
      sources: [{ alias: name[name.length - 1] as Ident, relation }],
      parent: undefined,
      ctes: new Map(),
      outputAliases: undefined,
    };
  }

  #columnDef(column: ColumnDef, scope: Scope): void {
    for (const expr of column.exprs) this.#expr(expr, scope);
    if (column.references) this.#foreignKey(column.references);
  }

  #foreignKey(references: ForeignKeyRef): void {
    const target = this.#lookupTable(references.table, undefined, true);
    if (!target) return;
    const key = target.table?.primaryKey;
    const fallback = key?.length === 1 ? key[0] : undefined;
    for (const column of references.columns) {
      this.#checkColumnOf(target, column, [column], fallback);
    }
  }

  #createIndex(statement: Statement & { kind: 'create-index' }): void {
    const relation = this.#lookupTable(statement.table, undefined, true);
    if (!relation) return;
    const scope = this.#tableScope(relation, statement.table);
    for (const expr of statement.items) this.#expr(expr, scope);
    for (const column of statement.include) this.#checkColumnOf(relation, column, [column]);
    for (const expr of statement.where) this.#expr(expr, scope);
  }

  #createView(statement: Statement & { kind: 'create-view' }): void {
    const output = this.#query(statement.query, undefined);
    const name = joinName(statement.name);
    const relation: Relation = statement.columns
      ? { name, columns: columnMap(statement.columns), open: false }
      : { name, columns: output.columns, open: output.open };
    this.#overlay.set(name.toLowerCase(), relation);
    this.#overlay.set(stripDefaultSchema(name.toLowerCase()), relation);
  }

  #alterTable(statement: Statement & { kind: 'alter-table' }): void {
    const found = this.#lookupTable(statement.table, undefined, !statement.ifExists);
    if (!found) return;
    // A private copy: later statements see the altered table.
    const relation: Relation = {
      name: found.name,
      columns: found.columns ? new Map(found.columns) : undefined,
      open: found.open,
      ...(found.table ? { table: found.table } : {}),
    };
    this.#overlay.set(relation.name.toLowerCase(), relation);
    const scope = this.#tableScope(relation, statement.table);
    for (const action of statement.actions) this.#alterAction(action, relation, scope);
  }

  #alterAction(action: AlterAction, relation: Relation, scope: Scope): void {
    const columns = relation.columns;
    switch (action.kind) {
      case 'add-column':
        columns?.set(action.column.name.value.toLowerCase(), action.column.name.value);
        this.#columnDef(action.column, scope);
        return;
      case 'add-constraint':
        for (const column of action.constraint.columns) {
          this.#checkColumnOf(relation, column, [column]);
        }
        if (action.constraint.references) this.#foreignKey(action.constraint.references);
        for (const expr of action.constraint.exprs) this.#expr(expr, scope);
        return;
      case 'drop-column':
        if (!action.ifExists) this.#checkColumnOf(relation, action.name, [action.name]);
        columns?.delete(action.name.value.toLowerCase());
        return;
      case 'alter-column':
        this.#checkColumnOf(relation, action.name, [action.name]);
        for (const expr of action.exprs) this.#expr(expr, scope);
        return;
      case 'rename-column':
        this.#checkColumnOf(relation, action.from, [action.from]);
        columns?.delete(action.from.value.toLowerCase());
        columns?.set(action.to.value.toLowerCase(), action.to.value);
        return;
      case 'modify-column':
        this.#checkColumnOf(relation, action.column.name, [action.column.name]);
        this.#columnDef(action.column, scope);
        return;
      case 'change-column':
        this.#checkColumnOf(relation, action.from, [action.from]);
        columns?.delete(action.from.value.toLowerCase());
        columns?.set(action.column.name.value.toLowerCase(), action.column.name.value);
        this.#columnDef(action.column, scope);
        return;
      case 'rename-table': {
        const oldKey = relation.name.toLowerCase();
        const name = joinName(action.to);
        this.#overlay.set(oldKey, null);
        this.#overlay.set(stripDefaultSchema(oldKey), null);
        relation.name = name;
        this.#overlay.set(name.toLowerCase(), relation);
        this.#overlay.set(stripDefaultSchema(name.toLowerCase()), relation);
        return;
      }
      case 'other':
        return;
    }
  }
}

/** Whether `column` is in `relation`, following the case rules of its quoting. */
function findColumn(
  relation: Relation,
  column: Ident,
  dialect: SqlDialect,
): { found: boolean; unsure: boolean; caseSuggestion?: string } {
  if (!relation.columns) return { found: false, unsure: true };
  const spelled = relation.columns.get(column.value.toLowerCase());
  if (spelled !== undefined) {
    // Postgres: "Title" is case-sensitive and does not name title; MySQL and SQLite fold anyway.
    if (
      column.quote === '"' &&
      dialect !== 'mysql' &&
      dialect !== 'sqlite' &&
      column.value !== spelled &&
      column.value !== spelled.toLowerCase()
    ) {
      return { found: false, unsure: false, caseSuggestion: spelled };
    }
    return { found: true, unsure: false };
  }
  return { found: false, unsure: relation.open };
}

/**
 * Whether two names are the same: unquoted (and backtick or bracket quoted) names compare in lower
 * case, a double-quoted one as written, as Postgres folds them.
 */
function sameName(a: Ident, b: Ident): boolean {
  return foldName(a) === foldName(b);
}

function foldName(name: Ident): string {
  return name.quote === '"' ? name.value : name.value.toLowerCase();
}

function columnMap(names: Ident[]): Map<string, string> {
  const columns = new Map<string, string>();
  for (const name of names) columns.set(name.value.toLowerCase(), name.value);
  return columns;
}

/** The relation with its columns renamed by an alias list (`AS t(a, b)`). */
function renamed(relation: Relation, names: Ident[]): Relation {
  // Postgres keeps the remaining columns when fewer aliases are given.
  const columns = columnMap(names);
  const extra = relation.columns ? [...relation.columns.values()].slice(names.length) : [];
  for (const name of extra) columns.set(name.toLowerCase(), name);
  return { name: relation.name, columns, open: relation.open || !relation.columns };
}

function joinName(parts: Ident[]): string {
  return parts.map((part) => part.value).join('.');
}

function reportKey(unknown: UnknownIdentifier): string {
  return `${unknown.kind}\u0000${unknown.name.toLowerCase()}\u0000${unknown.table ?? ''}`;
}
