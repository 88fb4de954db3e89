// Writes the SQL `JOIN` query that follows a foreign-key path between two tables.

import type { JoinStep } from '../schema/schema-graph.js';
import { isPlainIdentifier } from '../schema/sql-reserved-words.js';

/** SQL reserved words that must not be used bare as aliases. */
const RESERVED_ALIASES = new Set([
  'as',
  'at',
  'by',
  'do',
  'if',
  'in',
  'is',
  'of',
  'on',
  'or',
  'to',
]);

/**
 * A `SELECT … FROM from JOIN … ON …` query that walks `path` (from `findJoinPath`) starting at
 * table `from`, with short aliases (initials: `order_items` → `oi`) and one `ON` condition per
 * key column. Identifiers that are not plain words are double-quoted.
 */
export function suggestJoinSql(from: string, path: readonly JoinStep[]): string {
  const aliasOf = createAliaser();
  const first = aliasOf(from);
  const lines = joinLines(from, path, aliasOf);
  const last = path.length > 0 ? aliasOf((path[path.length - 1] as JoinStep).table) : first;
  const select = last === first ? `SELECT ${first}.*` : `SELECT ${first}.*, ${last}.*`;
  return `${select}\n${lines.join('\n')}\nLIMIT 100;`;
}

/**
 * A function giving each table a short alias of its initials (`order_items` → `oi`), unique
 * among the tables it has named and never a reserved word.
 */
export function createAliaser(): (table: string) => string {
  const aliases = new Map<string, string>();
  const used = new Set<string>();
  return (table) => {
    let alias = aliases.get(table);
    if (alias) return alias;
    const base = initials(table);
    alias = base;
    for (let n = 2; used.has(alias) || RESERVED_ALIASES.has(alias); n++) alias = `${base}${n}`;
    aliases.set(table, alias);
    used.add(alias);
    return alias;
  };
}

/** `FROM from AS f` and one `JOIN … ON …` line per step of `path`. */
export function joinLines(
  from: string,
  path: readonly JoinStep[],
  aliasOf: (table: string) => string,
): string[] {
  const lines = [`FROM ${quoteIdentifier(from)} AS ${aliasOf(from)}`];
  for (const step of path) {
    const alias = aliasOf(step.table);
    const { edge } = step;
    const conditions = edge.fromColumns.map(
      (column, i) =>
        `${aliasOf(edge.from)}.${quoteIdentifier(column)} = ${aliasOf(edge.to)}.${quoteIdentifier(edge.toColumns[i] ?? 'id')}`,
    );
    lines.push(`JOIN ${quoteIdentifier(step.table)} AS ${alias} ON ${conditions.join(' AND ')}`);
  }
  return lines;
}

/** Double-quotes an identifier (each part of a qualified one) unless it is a plain, unreserved word. */
export function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => (isPlainIdentifier(part) ? part : `"${part.replace(/"/g, '""')}"`))
    .join('.');
}

/** `order_items` → `oi`, `OrderItems` → `oi`, `users` → `u`, `billing.invoices` → `i`. */
function initials(table: string): string {
  const short = table.slice(table.lastIndexOf('.') + 1);
  const words = short
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const letters = words.map((word) => word[0]).join('');
  return /^[a-z]/.test(letters) ? letters.slice(0, 4) : 't';
}
