// Lookup tables over a ParsedSchema for the SQL checker, built once per schema object.

import { stripDefaultSchema } from '../schema/normalize-tables.js';
import type { ParsedSchema, ParsedTable } from '../schema/parsed-schema.js';

/**
 * Something rows come from, as the checker sees it: a schema table, a table the SQL itself creates,
 * a CTE or a derived table.
 */
export interface Relation {
  /** The name to report: the table's real name, or the CTE / derived table alias. */
  name: string;
  /** Columns by lower-case name (value: the name as defined); `undefined` when unknown. */
  columns: Map<string, string> | undefined;
  /** The columns listed may not be all of them (an unnamed expression, `SELECT *` of an unknown). */
  open: boolean;
  /** The schema table, when the relation is one. */
  table?: ParsedTable;
}

/** The schema's tables and columns by lower-case name. */
export interface SqlSchemaIndex {
  /** Tables by lower-case full name (`billing.invoices`, `books`). */
  tables: Map<string, Relation>;
  /** Tables by lower-case last name segment (`invoices`), for schema-qualified lookups. */
  byShortName: Map<string, Relation[]>;
  /** Real table names, for suggestions. */
  tableNames: string[];
  /** Tables having a column, by lower-case column name. */
  tablesWithColumn: Map<string, ParsedTable[]>;
  /** Tables one foreign key away from a table (either direction). */
  neighbours: Map<ParsedTable, ParsedTable[]>;
}

const cache = new WeakMap<ParsedSchema, SqlSchemaIndex>();

/** The index of `schema`, built on first use and cached for the schema object. */
export function indexSchema(schema: ParsedSchema): SqlSchemaIndex {
  const cached = cache.get(schema);
  if (cached) return cached;
  const index: SqlSchemaIndex = {
    tables: new Map(),
    byShortName: new Map(),
    tableNames: [],
    tablesWithColumn: new Map(),
    neighbours: new Map(),
  };
  for (const table of schema.tables) {
    const columns = new Map<string, string>();
    for (const column of table.columns) {
      const key = column.name.toLowerCase();
      if (!columns.has(key)) columns.set(key, column.name);
      const having = index.tablesWithColumn.get(key);
      if (having) having.push(table);
      else index.tablesWithColumn.set(key, [table]);
    }
    const relation: Relation = { name: table.name, columns, open: false, table };
    const key = table.name.toLowerCase();
    if (index.tables.has(key)) continue;
    index.tables.set(key, relation);
    const stripped = stripDefaultSchema(key);
    if (!index.tables.has(stripped)) index.tables.set(stripped, relation);
    const short = key.slice(key.lastIndexOf('.') + 1);
    const list = index.byShortName.get(short);
    if (list) list.push(relation);
    else index.byShortName.set(short, [relation]);
    index.tableNames.push(table.name);
    index.neighbours.set(table, []);
  }
  for (const table of schema.tables) {
    for (const fk of table.foreignKeys) {
      const target = index.tables.get(fk.references.table.toLowerCase())?.table;
      if (!target || target === table) continue;
      index.neighbours.get(table)?.push(target);
      index.neighbours.get(target)?.push(table);
    }
  }
  cache.set(schema, index);
  return index;
}
