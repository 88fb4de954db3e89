// Reads a structured `{ tables: [...] }` schema defensively (it comes from the host application)
// into the same resolved shape as parsed DDL.

import {
  type DraftColumn,
  type DraftForeignKey,
  type DraftTable,
  normalizeTables,
} from './normalize-tables.js';
import type { ParsedCheck, ParsedIndex, ParsedSchema } from './parsed-schema.js';

/**
 * Normalises a structured schema: tables without a string name and columns without a string name
 * are dropped, missing arrays count as empty, non-string types become `''`, column
 * `references` and table `primaryKey`/`foreignKeys` are merged as `normalizeTables` describes. An
 * optional `indexes: [{ columns, unique?, name? }]` per table (not part of `TableSchema`) is read
 * too, and so are optional `checks: [{ expression, column?, name? }]` (or plain expression
 * strings) per table and `check: 'expression'` per column. Never throws, whatever the value.
 */
export function normalizeStructuredSchema(schema: unknown): ParsedSchema {
  const tables = isRecord(schema) && Array.isArray(schema.tables) ? schema.tables : [];
  const drafts: DraftTable[] = [];
  for (const raw of tables) {
    if (!isRecord(raw) || !isName(raw.name)) continue;
    const draft: DraftTable = {
      name: raw.name.trim(),
      columns: [],
      primaryKey: stringList(raw.primaryKey),
      foreignKeys: [],
      indexes: [],
    };
    if (typeof raw.description === 'string' && raw.description) draft.description = raw.description;
    for (const column of Array.isArray(raw.columns) ? raw.columns : []) {
      const parsed = readColumn(column);
      if (parsed) draft.columns.push(parsed);
    }
    for (const fk of Array.isArray(raw.foreignKeys) ? raw.foreignKeys : []) {
      const parsed = readForeignKey(fk);
      if (parsed) draft.foreignKeys.push(parsed);
    }
    const checks = readChecks(raw.checks, raw.columns);
    if (checks.length > 0) draft.checks = checks;
    for (const index of Array.isArray(raw.indexes) ? raw.indexes : []) {
      if (!isRecord(index)) continue;
      const columns = stringList(index.columns);
      if (columns.length === 0) continue;
      const parsed: ParsedIndex = { columns, unique: index.unique === true };
      if (isName(index.name)) parsed.name = index.name;
      draft.indexes.push(parsed);
    }
    drafts.push(draft);
  }
  return { tables: normalizeTables(drafts) };
}

/** Table `checks` (objects or strings) and column `check` strings. */
function readChecks(raw: unknown, columns: unknown): ParsedCheck[] {
  const checks: ParsedCheck[] = [];
  for (const column of Array.isArray(columns) ? columns : []) {
    if (isRecord(column) && isName(column.name) && isName(column.check)) {
      checks.push({ expression: column.check.trim(), column: column.name.trim() });
    }
  }
  for (const item of Array.isArray(raw) ? raw : []) {
    if (isName(item)) {
      checks.push({ expression: item.trim() });
    } else if (isRecord(item) && isName(item.expression)) {
      const check: ParsedCheck = { expression: item.expression.trim() };
      if (isName(item.column)) check.column = item.column.trim();
      if (isName(item.name)) check.name = item.name.trim();
      checks.push(check);
    }
  }
  return checks;
}

function readColumn(raw: unknown): DraftColumn | undefined {
  if (!isRecord(raw) || !isName(raw.name)) return undefined;
  const column: DraftColumn = {
    name: raw.name.trim(),
    type: typeof raw.type === 'string' ? raw.type.trim() : '',
  };
  if (typeof raw.nullable === 'boolean') column.nullable = raw.nullable;
  if (raw.primaryKey === true) column.primaryKey = true;
  if (raw.unique === true) column.unique = true;
  if (
    typeof raw.default === 'string' ||
    typeof raw.default === 'number' ||
    typeof raw.default === 'boolean'
  ) {
    column.default = String(raw.default);
  } else if (raw.default === null) {
    column.default = 'NULL';
  }
  if (isRecord(raw.references) && isName(raw.references.table)) {
    column.references = { table: raw.references.table.trim() };
    if (isName(raw.references.column)) column.references.column = raw.references.column.trim();
  }
  if (typeof raw.description === 'string' && raw.description) column.description = raw.description;
  return column;
}

function readForeignKey(raw: unknown): DraftForeignKey | undefined {
  if (!isRecord(raw) || !isRecord(raw.references) || !isName(raw.references.table))
    return undefined;
  const columns = stringList(raw.columns);
  if (columns.length === 0) return undefined;
  return {
    columns,
    references: { table: raw.references.table.trim(), columns: stringList(raw.references.columns) },
  };
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isName).map((name) => name.trim());
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
