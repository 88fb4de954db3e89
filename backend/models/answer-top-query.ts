// Answers "top N" questions ("the 5 best-selling authors", "which courses have the most
// students") with an aggregate query along the real foreign-key path, or says what is missing.

import { findClosestTables } from '../schema/find-closest-tables.js';
import { findMentionedTables } from '../schema/find-mentioned-tables.js';
import type { ParsedColumn, ParsedSchema, ParsedTable } from '../schema/parsed-schema.js';
import { findJoinPath, type JoinStep, type SchemaGraph } from '../schema/schema-graph.js';
import { code, plural } from './markdown-text.js';
import { type AggregateMeasure, suggestAggregateSql } from './suggest-aggregate-sql.js';

/** Wording of a ranking question. */
export const TOP_N =
  /\b(top|best[- ]?sell\w*|bestsell\w*|most|highest|largest|biggest|greatest|lowest|least|fewest|worst|popular)\b/i;
const LEAST = /\b(lowest|least|fewest|worst)\b/i;
const REVENUE =
  /\b(revenue|earn\w*|income|money|gross\w*|spen[dt]\w*|billed|paid|turnover|valuable)\b/i;
const SALES = /\b(sell\w*|sold|sales?|bestsell\w*|popular|purchas\w*|bought)\b/i;
const RATING = /\b(rat(ed|ing|ings)|stars?|scor\w*)\b/i;
const NUMBER_WORDS: Record<string, number> = {
  three: 3,
  five: 5,
  ten: 10,
  twenty: 20,
  fifty: 50,
  hundred: 100,
};

/** Tables whose rows are purchases: a line table references one of them. */
const ORDER_LIKE =
  /(^|_)(orders?|purchases?|sales?|invoices?|carts?|checkouts?|bookings?|transactions?)$/i;
const QUANTITY = /^(quantity|qty|units?|amount_sold|count)$/i;
const UNIT_PRICE = /(unit_?price|price|unit_amount|amount)(_cents)?$/i;
const MONEY_TOTAL =
  /^(total|amount|subtotal|revenue|total_cents|amount_cents|total_amount|price_cents)$/i;
const RATING_COLUMN = /^(rating|stars|score)$/i;

/**
 * The answer to a ranking question about `schema`, or `undefined` when the question names no
 * table to rank (and no missing one either). The measure follows the wording: sales count
 * quantities on order lines (or rows that reference an order), revenue sums quantity × unit price
 * or a money column, ratings average a rating column, "the most X" counts rows of table X; the
 * query joins along the shortest foreign-key path and says so when the schema lacks what is needed.
 */
export function answerTopQuery(
  schema: ParsedSchema,
  graph: SchemaGraph,
  question: string,
): string | undefined {
  const mentions = findMentionedTables(schema, question).map((mention) => mention.table);
  const limit = readLimit(question);
  const direction = LEAST.test(question) ? 'ASC' : 'DESC';
  const ranked = mentions[0];
  if (!ranked) {
    const missing =
      /\b(?:top|best[- ]?selling|most \w+|highest[- ]\w+|biggest|largest)\s+(?:\d+\s+)?([a-z][a-z_]+)/i.exec(
        question,
      )?.[1];
    if (!missing || ['of', 'the', 'a', 'by', 'in'].includes(missing.toLowerCase()))
      return undefined;
    const closest = findClosestTables(schema, missing);
    return (
      `There is no table of ${code(missing)} in this schema, so I cannot rank them. ` +
      (closest.length > 0
        ? `The closest tables are ${closest.map((t) => code(t.name)).join(', ')} — ask for example "top ${limit} ${closest[0]?.name}".`
        : '')
    );
  }
  const counted = mentions.find((table) => table !== ranked);
  const plan =
    counted && !REVENUE.test(question) && !RATING.test(question)
      ? countPlan(graph, ranked, counted)
      : REVENUE.test(question)
        ? revenuePlan(schema, graph, ranked)
        : RATING.test(question)
          ? ratingPlan(schema, graph, ranked)
          : SALES.test(question)
            ? salesPlan(schema, graph, ranked)
            : counted
              ? countPlan(graph, ranked, counted)
              : undefined;
  if (!plan) return missingMeasure(question, ranked);
  const sql = suggestAggregateSql({
    ranked,
    path: plan.path,
    measure: plan.measure,
    limit,
    direction,
  });
  const via =
    plan.path.length > 1
      ? ` (joined through ${plan.path
          .slice(0, -1)
          .map((step) => code(step.table))
          .join(', ')})`
      : '';
  return [
    `${plan.explanation} ${code(ranked.name)} row${via}, ${direction === 'DESC' ? 'highest' : 'lowest'} first, ${plural(limit, 'row')}:`,
    '',
    '```sql',
    sql,
    '```',
    ...(plan.note ? ['', plan.note] : []),
  ].join('\n');
}

interface Plan {
  path: JoinStep[];
  measure: AggregateMeasure;
  explanation: string;
  note?: string;
}

function readLimit(question: string): number {
  const digits = /\b(\d{1,3})\b/.exec(question)?.[1];
  if (digits) return Math.max(1, Math.min(1000, Number(digits)));
  const word = /\b(three|five|ten|twenty|fifty|hundred)\b/i.exec(question)?.[1];
  return word ? (NUMBER_WORDS[word.toLowerCase()] ?? 10) : 10;
}

/** The reachable table satisfying `accept`, by shortest path from `ranked` (itself included). */
function nearest(
  schema: ParsedSchema,
  graph: SchemaGraph,
  ranked: ParsedTable,
  accept: (table: ParsedTable) => boolean,
): { table: ParsedTable; path: JoinStep[] } | undefined {
  let best: { table: ParsedTable; path: JoinStep[] } | undefined;
  for (const table of schema.tables) {
    if (!accept(table)) continue;
    const path = findJoinPath(graph, ranked.name, table.name);
    if (path && (!best || path.length < best.path.length)) best = { table, path };
  }
  return best;
}

const isLineTable = (table: ParsedTable) =>
  table.foreignKeys.some((fk) => ORDER_LIKE.test(fk.references.table));
const numeric = (column: ParsedColumn) =>
  /int|numeric|decimal|real|double|float|money|number/i.test(column.type);

function salesPlan(
  schema: ParsedSchema,
  graph: SchemaGraph,
  ranked: ParsedTable,
): Plan | undefined {
  const line = nearest(
    schema,
    graph,
    ranked,
    (t) => isLineTable(t) && t.columns.some((c) => QUANTITY.test(c.name) && numeric(c)),
  );
  if (line) {
    const quantity = line.table.columns.find((c) => QUANTITY.test(c.name)) as ParsedColumn;
    return {
      path: line.path,
      measure: { kind: 'sum', table: line.table, columns: [quantity.name], name: 'units_sold' },
      explanation: `Sales are the ${code(quantity.name)} of ${code(line.table.name)} rows; this sums them per`,
      note: "Every order line counts, whatever its order's status: to count only completed sales, join the order table and filter on its status.",
    };
  }
  const sold = nearest(
    schema,
    graph,
    ranked,
    (t) => isLineTable(t) && t !== ranked && !ORDER_LIKE.test(t.name),
  );
  if (sold) {
    return {
      path: sold.path,
      measure: {
        kind: 'count',
        table: sold.table,
        columns: [],
        name: `${sold.table.name.replace(/\W/g, '_')}_sold`,
      },
      explanation: `Each ${code(sold.table.name)} row is one sale (it references an order); this counts them per`,
    };
  }
  return undefined;
}

function revenuePlan(
  schema: ParsedSchema,
  graph: SchemaGraph,
  ranked: ParsedTable,
): Plan | undefined {
  const priced = nearest(schema, graph, ranked, (t) => {
    const quantity = t.columns.find((c) => QUANTITY.test(c.name) && numeric(c));
    return Boolean(
      quantity &&
        t.columns.some(
          (c) =>
            c !== quantity && UNIT_PRICE.test(c.name) && numeric(c) && /unit|price/i.test(c.name),
        ),
    );
  });
  const money = nearest(schema, graph, ranked, (t) =>
    t.columns.some((c) => MONEY_TOTAL.test(c.name) && numeric(c)),
  );
  if (money && (!priced || money.path.length <= priced.path.length)) {
    const column = moneyColumn(money.table) as ParsedColumn;
    return {
      path: money.path,
      measure: {
        kind: 'sum',
        table: money.table,
        columns: [column.name],
        name: /cents/i.test(column.name) ? 'revenue_cents' : 'revenue',
      },
      explanation: `Revenue is the sum of ${code(`${money.table.name}.${column.name}`)} per`,
      note: statusNote(money.table),
    };
  }
  if (priced) {
    const quantity = priced.table.columns.find((c) => QUANTITY.test(c.name)) as ParsedColumn;
    const price = priced.table.columns.find(
      (c) => c !== quantity && UNIT_PRICE.test(c.name) && /unit|price/i.test(c.name),
    ) as ParsedColumn;
    return {
      path: priced.path,
      measure: {
        kind: 'sum',
        table: priced.table,
        columns: [quantity.name, price.name],
        name: /cents/i.test(price.name) ? 'revenue_cents' : 'revenue',
      },
      explanation: `Revenue is ${code(quantity.name)} × ${code(price.name)} of ${code(priced.table.name)} rows, summed per`,
    };
  }
  return undefined;
}

/** The money column to sum: `total` before `amount` before `subtotal`. */
function moneyColumn(table: ParsedTable): ParsedColumn | undefined {
  const candidates = table.columns.filter((c) => MONEY_TOTAL.test(c.name) && numeric(c));
  const rank = (c: ParsedColumn) => (/sub/i.test(c.name) ? 2 : /total/i.test(c.name) ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

function statusNote(table: ParsedTable): string | undefined {
  const status = table.columns.find((c) => c.name.toLowerCase() === 'status');
  if (!status) return undefined;
  const check = table.checks?.find((c) => c.column === status.name)?.expression;
  return `${code(`${table.name}.status`)} is not filtered${check ? ` (${code(check)})` : ''}: add a \`WHERE\` on it to count only paid rows.`;
}

function ratingPlan(
  schema: ParsedSchema,
  graph: SchemaGraph,
  ranked: ParsedTable,
): Plan | undefined {
  const rated = nearest(schema, graph, ranked, (t) =>
    t.columns.some((c) => RATING_COLUMN.test(c.name) && numeric(c)),
  );
  if (!rated) return undefined;
  const column = rated.table.columns.find((c) => RATING_COLUMN.test(c.name)) as ParsedColumn;
  return {
    path: rated.path,
    measure: {
      kind: 'avg',
      table: rated.table,
      columns: [column.name],
      name: `avg_${column.name}`,
    },
    explanation: `The rating is the average ${code(`${rated.table.name}.${column.name}`)} per`,
    note: 'Rows with few ratings rank high by chance: add `HAVING COUNT(*) >= 5` (or any threshold) to rank only well-rated ones.',
  };
}

function countPlan(
  graph: SchemaGraph,
  ranked: ParsedTable,
  counted: ParsedTable,
): Plan | undefined {
  const path = findJoinPath(graph, ranked.name, counted.name);
  if (!path) return undefined;
  return {
    path,
    measure: {
      kind: 'count',
      table: counted,
      columns: [],
      name: `${counted.name.replace(/\W/g, '_')}_count`,
    },
    explanation: `This counts ${code(counted.name)} rows per`,
  };
}

function missingMeasure(question: string, ranked: ParsedTable): string {
  const wanted = REVENUE.test(question)
    ? 'an amount or a quantity with a unit price'
    : RATING.test(question)
      ? 'a rating or score column'
      : SALES.test(question)
        ? 'order lines with a quantity, or rows that reference an order'
        : 'a table to count';
  return `I can't rank ${code(ranked.name)} that way from this schema: no table linked to it by foreign keys has ${wanted}. Name what to count, for example "which ${ranked.name} have the most <other table>".`;
}
