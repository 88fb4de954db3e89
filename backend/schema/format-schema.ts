// Renders tables as compact DDL-like text for the model's prompt: one line per column, every
// user-supplied string forced onto a single line so it cannot forge prompt structure.

import type { ParsedColumn, ParsedTable } from './parsed-schema.js';
import { isPlainIdentifier } from './sql-reserved-words.js';

/** Longest type or default shown; longer ones (pasted junk) are cut with an ellipsis. */
const MAX_TYPE_LENGTH = 120;
/** Longest comment shown. */
const MAX_COMMENT_LENGTH = 400;

const tableTextCache = new WeakMap<ParsedTable, string>();

/**
 * Formats tables as compact DDL, one `CREATE TABLE` block per table in the given order:
 *
 * ```sql
 * CREATE TABLE orders ( -- One checkout
 *   id bigint PRIMARY KEY,
 *   customer_id bigint NOT NULL REFERENCES customers(id),
 *   total_cents int NOT NULL CHECK (total_cents >= 0),
 *   INDEX (customer_id)
 * );
 * ```
 *
 * `CHECK` constraints are shown on their column or as table lines. Identifiers that are not plain
 * words are double-quoted; types, defaults, checks and comments are put on one line (line breaks and control characters become spaces) and capped in length.
 */
export function formatSchema(tables: readonly ParsedTable[]): string {
  return tables.map(formatTable).join('\n');
}

/** Formats one table as {@link formatSchema} does (cached per frozen parsed table). */
export function formatTable(table: ParsedTable): string {
  const cached = tableTextCache.get(table);
  if (cached !== undefined) return cached;
  const text = renderTable(table);
  if (Object.isFrozen(table)) tableTextCache.set(table, text);
  return text;
}

/**
 * Quotes an identifier unless it is a plain (optionally schema-qualified) word that is not a
 * reserved word: `users`, `billing.invoices`, but `"order"`, `"Order Items"`.
 */
export function formatIdentifier(name: string): string {
  const parts = name.split('.');
  if (parts.length <= 2 && parts.every(isPlainIdentifier)) return name;
  return `"${toSingleLine(name).replace(/"/g, '""')}"`;
}

/** Replaces line breaks and other control characters with spaces and collapses runs of them. */
export function toSingleLine(text: string): string {
  // C0/C1 controls, and the Unicode line and paragraph separators some renderers break on.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function renderTable(table: ParsedTable): string {
  const lines: string[] = [];
  const composite = table.primaryKey.length > 1;
  const columnChecks = new Map<string, string[]>();
  const tableChecks: string[] = [];
  for (const check of table.checks ?? []) {
    const expression = cap(toSingleLine(check.expression), MAX_TYPE_LENGTH);
    if (check.column === undefined) tableChecks.push(expression);
    else columnChecks.set(check.column, [...(columnChecks.get(check.column) ?? []), expression]);
  }
  for (const column of table.columns) {
    lines.push(renderColumn(column, composite, columnChecks.get(column.name) ?? []));
  }
  if (composite) lines.push(`PRIMARY KEY (${table.primaryKey.map(formatIdentifier).join(', ')})`);
  for (const fk of table.foreignKeys) {
    if (fk.columns.length === 1) continue; // shown inline as REFERENCES
    lines.push(
      `FOREIGN KEY (${fk.columns.map(formatIdentifier).join(', ')}) REFERENCES ${formatIdentifier(
        fk.references.table,
      )}(${fk.references.columns.map(formatIdentifier).join(', ')})`,
    );
  }
  for (const check of tableChecks) lines.push(`CHECK (${check})`);
  for (const index of table.indexes) {
    if (index.unique && index.columns.length === 1) continue; // shown inline as UNIQUE
    const columns = index.columns.map((item) =>
      // Expression items (`lower(email)`) are shown as written, on one line.
      /[()\s]/.test(item) ? cap(toSingleLine(item), MAX_TYPE_LENGTH) : formatIdentifier(item),
    );
    lines.push(`${index.unique ? 'UNIQUE' : 'INDEX'} (${columns.join(', ')})`);
  }
  const head = `CREATE TABLE ${formatIdentifier(table.name)} (${comment(table.description)}`;
  const body = lines.map((line, i) => {
    const [definition, note] = splitComment(line);
    return `  ${definition}${i < lines.length - 1 ? ',' : ''}${note}`;
  });
  return [head, ...body, ');'].join('\n');
}

/** Column lines carry their comment after a NUL marker so the comma goes before it. */
function renderColumn(column: ParsedColumn, compositeKey: boolean, checks: string[]): string {
  let line = formatIdentifier(column.name);
  if (column.type) line += ` ${cap(toSingleLine(column.type), MAX_TYPE_LENGTH)}`;
  if (column.primaryKey && !compositeKey) line += ' PRIMARY KEY';
  else if (!column.nullable) line += ' NOT NULL';
  if (column.unique && !(column.primaryKey && !compositeKey)) line += ' UNIQUE';
  if (column.default !== undefined)
    line += ` DEFAULT ${cap(toSingleLine(column.default), MAX_TYPE_LENGTH)}`;
  if (column.references) {
    line += ` REFERENCES ${formatIdentifier(column.references.table)}(${formatIdentifier(
      column.references.column,
    )})`;
  }
  for (const check of checks) line += ` CHECK (${check})`;
  const note = comment(column.description);
  return note ? `${line}\u0000${note}` : line;
}

function splitComment(line: string): [string, string] {
  const marker = line.indexOf('\u0000');
  return marker === -1 ? [line, ''] : [line.slice(0, marker), line.slice(marker + 1)];
}

function comment(description: string | undefined): string {
  if (!description) return '';
  const text = cap(toSingleLine(description), MAX_COMMENT_LENGTH);
  return text ? ` -- ${text}` : '';
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
