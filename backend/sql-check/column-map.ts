// Column maps of relations the SQL itself defines: from a name list, and renamed by an alias list.

import type { Ident } from './sql-ast.js';
import type { Relation } from './sql-schema-index.js';

/** Columns by lower-case name (value: the name as written) of a column list `(a, b)`. */
export function columnMap(names: Ident[]): Map<string, string> {
  const columns = new Map<string, string>();
  for (const name of names) columns.set(name.value.toLowerCase(), name.value);
  return columns;
}

/**
 * `relation` with its columns renamed by an alias list (`AS t(a, b)`); as in Postgres, the columns
 * after the last alias keep their names.
 */
export function renameColumns(relation: Relation, names: Ident[]): Relation {
  const columns = columnMap(names);
  const extra = relation.columns ? [...relation.columns.values()].slice(names.length) : [];
  for (const name of extra) columns.set(name.toLowerCase(), name);
  return { name: relation.name, columns, open: relation.open || !relation.columns };
}
