// Markdown pieces of the offline assistant's answers: inline code, table cells, counted nouns.

import { singularize } from '../schema/find-mentioned-tables.js';
import { toSingleLine } from '../schema/format-schema.js';

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const line = toSingleLine(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A table cell: inline code with pipes escaped so they cannot split the row. */
export function cell(text: string): string {
  return code(cap(text, 80)).replace(/\|/g, '\\|');
}

/** `t.col`, or `t` (`a`, `b`) for several columns. */
export function columnsRef(table: string, columns: string[]): string {
  return columns.length === 1
    ? code(`${table}.${columns[0]}`)
    : `${code(table)} (${columns.map(code).join(', ')})`;
}

/** Escapes characters that would start Markdown structure in free text (comments). */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

/** `3 tables`, `1 table`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `values` without repeats, in order. */
export function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** `customers` → `customer`, `categories` → `category`, for naming a key column. */
export function singularName(table: string): string {
  return singularize(table.slice(table.lastIndexOf('.') + 1).toLowerCase());
}
