// The case rules of SQL names: whether a column is in a relation, and whether two names are the
// same, as the dialect compares them.

import type { Ident } from './sql-ast.js';
import type { Relation } from './sql-schema-index.js';

/** How quoted names are read. */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite' | 'unknown';

/** What {@link findColumn} found. */
export interface ColumnMatch {
  found: boolean;
  /** The relation's columns are unknown or not all known: the column may be there. */
  unsure: boolean;
  /** The column as defined, when only the case of a double-quoted name differs. */
  caseSuggestion?: string;
}

/**
 * Whether `column` is in `relation`, following the case rules of its quoting: unquoted, backtick
 * and bracket names compare case-insensitively; a double-quoted one must match as Postgres would
 * (`"title"` names `title`, `"Title"` does not), except in MySQL and SQLite, which fold anyway.
 */
export function findColumn(relation: Relation, column: Ident, dialect: SqlDialect): ColumnMatch {
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
export function sameName(a: Ident, b: Ident): boolean {
  return foldName(a) === foldName(b);
}

function foldName(name: Ident): string {
  return name.quote === '"' ? name.value : name.value.toLowerCase();
}
