// The suggestion for an unknown column: a close name in the tables it was looked up in, else a
// `*_id` column of a table one foreign key away, else a given fallback.

import type { ParsedTable } from '../schema/parsed-schema.js';
import { closestName } from './closest-name.js';
import type { Ident } from './sql-ast.js';
import type { Relation, SqlSchemaIndex } from './sql-schema-index.js';

/** How {@link suggestColumn} chooses. */
export interface ColumnSuggestionOptions {
  /** The column as defined when only the case of a quoted name differs: suggested as it is. */
  caseSuggestion?: string;
  /** Whether a `*_id` column of a nearby table may be suggested. Defaults to true. */
  otherTables?: boolean;
  /** The suggestion when nothing is close. */
  fallback?: string;
}

/**
 * The closest real name for the unknown `column` looked up in `lookedIn`: `caseSuggestion` when
 * given, else the closest column of those relations (`closestName`), else — for a `*_id` column —
 * `book_authors.author_id` when a table one foreign key away (a join table) or a single table of
 * the schema has it, else `fallback`. `undefined` when nothing fits.
 */
export function suggestColumn(
  column: Ident,
  lookedIn: Relation[],
  index: SqlSchemaIndex,
  { caseSuggestion, otherTables = true, fallback }: ColumnSuggestionOptions = {},
): string | undefined {
  let suggestion = caseSuggestion;
  if (!suggestion) {
    const candidates: string[] = [];
    for (const relation of lookedIn) {
      if (relation.columns) candidates.push(...relation.columns.values());
    }
    suggestion = closestName(column.value, candidates);
  }
  if (!suggestion && otherTables) suggestion = otherTableWithColumn(column, lookedIn, index);
  return suggestion ?? fallback;
}

/**
 * `book_authors.author_id` when the key column `author_id` is not in `books` but in a table one
 * foreign key away (a join table), or in one table only. Only for `*_id` columns: for others
 * (`created_at`, `email`) another table's column is a distraction, not the fix.
 */
function otherTableWithColumn(
  column: Ident,
  lookedIn: Relation[],
  index: SqlSchemaIndex,
): string | undefined {
  const key = column.value.toLowerCase();
  if (!key.endsWith('_id')) return undefined;
  const having = index.tablesWithColumn.get(key);
  if (!having || having.length === 0) return undefined;
  const near = new Set<ParsedTable>();
  for (const relation of lookedIn) {
    if (!relation.table) continue;
    for (const table of index.neighbours.get(relation.table) ?? []) near.add(table);
  }
  const pick =
    having.find((table) => near.has(table)) ?? (having.length === 1 ? having[0] : undefined);
  if (!pick) return undefined;
  const spelled = pick.columns.find((c) => c.name.toLowerCase() === key)?.name ?? column.value;
  return `${pick.name}.${spelled}`;
}
