// Writes a top-N query: the rows of one table ranked by an aggregate over a table reached along a
// foreign-key path ("the 5 best-selling authors").

import type { ParsedTable } from '../schema/parsed-schema.js';
import type { JoinStep } from '../schema/schema-graph.js';
import { createAliaser, joinLines, quoteIdentifier } from './suggest-join-sql.js';

/** What the rows are ranked by. */
export interface AggregateMeasure {
  /** `SUM` of the product of `columns`, `AVG` of the first, or `COUNT` of the table's rows. */
  kind: 'sum' | 'avg' | 'count';
  /** The table holding the measured columns (the last table of the path, or the ranked one). */
  table: ParsedTable;
  /** Columns of `table` (multiplied together for `sum`: quantity × unit price). */
  columns: string[];
  /** The output column's name: `units_sold`, `revenue_cents`, `avg_rating`. */
  name: string;
}

/** Options of {@link suggestAggregateSql}. */
export interface AggregateQuery {
  /** The table whose rows are ranked. */
  ranked: ParsedTable;
  /** Foreign-key path from `ranked` to `measure.table` (`[]` when they are the same). */
  path: readonly JoinStep[];
  measure: AggregateMeasure;
  /** How many rows. */
  limit: number;
  /** `DESC` for "most", `ASC` for "least". */
  direction: 'ASC' | 'DESC';
}

/**
 * `SELECT r.key…, r.label, AGG(…) AS name FROM ranked JOIN … GROUP BY r.key…, r.label ORDER BY name
 * DIRECTION LIMIT n;` — the ranked table's primary key (or `id`) and a label column (`name`,
 * `full_name`, `title`, … when it has one) identify each row.
 */
export function suggestAggregateSql(query: AggregateQuery): string {
  const { ranked, path, measure } = query;
  const aliasOf = createAliaser();
  const r = aliasOf(ranked.name);
  const keys = ranked.primaryKey.length > 0 ? ranked.primaryKey : identifyingColumns(ranked);
  const label = labelColumn(ranked);
  const groupBy = [...keys, ...(label && !keys.includes(label) ? [label] : [])].map(
    (column) => `${r}.${quoteIdentifier(column)}`,
  );
  const lines = joinLines(ranked.name, path, aliasOf);
  const m = aliasOf(measure.table.name);
  const column = (name: string) => `${m}.${quoteIdentifier(name)}`;
  let aggregate: string;
  if (measure.kind === 'count') {
    const key = measure.table.primaryKey;
    aggregate =
      key.length === 1 && path.length > 0
        ? `COUNT(DISTINCT ${column(key[0] as string)})`
        : path.length > 0
          ? `COUNT(${column(measure.table.columns[0]?.name ?? 'id')})`
          : 'COUNT(*)';
  } else if (measure.kind === 'avg') {
    aggregate = `ROUND(AVG(${column(measure.columns[0] as string)}), 2)`;
  } else {
    aggregate = `SUM(${measure.columns.map(column).join(' * ')})`;
  }
  return [
    `SELECT ${[...groupBy, `${aggregate} AS ${measure.name}`].join(', ')}`,
    ...lines,
    `GROUP BY ${groupBy.join(', ')}`,
    `ORDER BY ${measure.name} ${query.direction}`,
    `LIMIT ${query.limit};`,
  ].join('\n');
}

/** The column that names a row for a reader: `name`, `full_name`, `title`, … or none. */
export function labelColumn(table: ParsedTable): string | undefined {
  const preferred = [
    'name',
    'full_name',
    'title',
    'label',
    'display_name',
    'username',
    'email',
    'code',
    'slug',
    'number',
  ];
  for (const wanted of preferred) {
    const found = table.columns.find((column) => column.name.toLowerCase() === wanted);
    if (found) return found.name;
  }
  return table.columns.find((column) => /(^|_)(name|title)$/i.test(column.name))?.name;
}

function identifyingColumns(table: ParsedTable): string[] {
  const id = table.columns.find((column) => column.name.toLowerCase() === 'id');
  if (id) return [id.name];
  const label = labelColumn(table);
  return [label ?? (table.columns[0]?.name as string)].filter(Boolean);
}
