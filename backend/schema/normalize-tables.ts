// Turns loosely collected tables (from DDL or a structured schema) into resolved ParsedTables.

import type { ColumnSchema, ForeignKeySchema } from '../projects/project-resolver.js';
import type { ParsedCheck, ParsedColumn, ParsedIndex, ParsedTable } from './parsed-schema.js';

/** A column as collected, before keys are resolved: a structured schema's column, except that
 * an inline foreign key (from DDL) may leave out `column` to mean the referenced primary key. */
export interface DraftColumn extends Omit<ColumnSchema, 'references'> {
  references?: { table: string; column?: string };
}

/** A foreign key as collected; empty `references.columns` means the referenced primary key. */
export type DraftForeignKey = ForeignKeySchema;

/** A table as collected, before keys are resolved. */
export interface DraftTable {
  name: string;
  description?: string;
  columns: DraftColumn[];
  /** Table-level primary key (wins over column flags when present). */
  primaryKey: string[];
  foreignKeys: DraftForeignKey[];
  indexes: ParsedIndex[];
  /** `CHECK` constraints as collected. */
  checks?: ParsedCheck[];
}

/** Schemas whose prefix adds nothing for a reader: `public.users` is shown as `users`. */
const DEFAULT_SCHEMAS = new Set(['public', 'dbo', 'main']);

/** Drops a default-schema prefix (`public.`, `dbo.`, `main.`) from a qualified table name. */
export function stripDefaultSchema(name: string): string {
  const dot = name.indexOf('.');
  if (dot <= 0 || name.indexOf('.', dot + 1) !== -1) return name;
  return DEFAULT_SCHEMAS.has(name.slice(0, dot).toLowerCase()) ? name.slice(dot + 1) : name;
}

/**
 * Resolves keys across tables: primary keys from table-level constraints or column flags (those
 * columns become NOT NULL), inline `REFERENCES` merged into `foreignKeys`, referenced table and
 * column names spelt as their definitions spell them (case-insensitive, schema prefix optional),
 * an omitted referenced column filled with the target's primary key (or `id` when it declares
 * none), duplicates dropped, and one-column unique indexes marked on their column. Tables with a
 * duplicate name keep their first definition.
 */
export function normalizeTables(drafts: readonly DraftTable[]): ParsedTable[] {
  const unique: DraftTable[] = [];
  const byName = new Map<string, DraftTable>();
  const byShortName = new Map<string, DraftTable | null>();
  for (const draft of drafts) {
    const key = draft.name.toLowerCase();
    if (byName.has(key)) continue;
    unique.push(draft);
    byName.set(key, draft);
    const short = lastSegment(key);
    // An unqualified reference is only resolved when exactly one table has that short name.
    byShortName.set(short, byShortName.has(short) ? null : draft);
  }
  const resolveTable = (name: string): DraftTable | undefined => {
    const key = stripDefaultSchema(name).toLowerCase();
    return (
      byName.get(key) ??
      byName.get(name.toLowerCase()) ??
      byShortName.get(lastSegment(key)) ??
      undefined
    );
  };

  const primaryKeys = new Map<DraftTable, string[]>();
  for (const draft of unique) {
    const spell = columnSpeller(draft);
    const declared = draft.primaryKey.length > 0 ? draft.primaryKey : [];
    const fromColumns = draft.columns.filter((column) => column.primaryKey).map((c) => c.name);
    primaryKeys.set(draft, dedupe((declared.length > 0 ? declared : fromColumns).map(spell)));
  }

  return unique.map((draft) => {
    const spell = columnSpeller(draft);
    const primaryKey = primaryKeys.get(draft) ?? [];
    const primarySet = new Set(primaryKey.map((name) => name.toLowerCase()));

    const collected: DraftForeignKey[] = [];
    for (const column of draft.columns) {
      if (!column.references) continue;
      collected.push({
        columns: [column.name],
        references: {
          table: column.references.table,
          columns: column.references.column ? [column.references.column] : [],
        },
      });
    }
    collected.push(...draft.foreignKeys);

    const foreignKeys: ForeignKeySchema[] = [];
    const seenKeys = new Set<string>();
    for (const key of collected) {
      if (key.columns.length === 0 || !key.references.table) continue;
      const target = resolveTable(key.references.table);
      const targetSpell = target ? columnSpeller(target) : (name: string) => name;
      const targetColumns =
        key.references.columns.length > 0
          ? key.references.columns.map(targetSpell)
          : target && (primaryKeys.get(target)?.length ?? 0) > 0
            ? [...(primaryKeys.get(target) ?? [])]
            : ['id'];
      const resolved: ForeignKeySchema = {
        columns: key.columns.map(spell),
        references: { table: target ? target.name : key.references.table, columns: targetColumns },
      };
      const signature =
        `${resolved.columns.join(',')}>${resolved.references.table}(${targetColumns.join(',')})`.toLowerCase();
      if (seenKeys.has(signature)) continue;
      seenKeys.add(signature);
      foreignKeys.push(resolved);
    }

    const indexes: ParsedIndex[] = [];
    const seenIndexes = new Set<string>([`u:${primaryKey.join(',').toLowerCase()}`]);
    for (const index of draft.indexes) {
      const columns = index.columns.map(spell);
      if (columns.length === 0) continue;
      const signature = `${index.unique ? 'u' : 'i'}:${columns.join(',').toLowerCase()}`;
      if (seenIndexes.has(signature)) continue;
      seenIndexes.add(signature);
      const parsed: ParsedIndex = { columns, unique: index.unique };
      if (index.name) parsed.name = index.name;
      indexes.push(parsed);
    }
    const uniqueColumns = new Set(
      indexes
        .filter((index) => index.unique && index.columns.length === 1)
        .map((index) => (index.columns[0] as string).toLowerCase()),
    );

    const columns = draft.columns.map((column): ParsedColumn => {
      const key = column.name.toLowerCase();
      const isPrimary = primarySet.has(key);
      const parsed: ParsedColumn = {
        name: column.name,
        type: column.type,
        nullable: isPrimary ? false : (column.nullable ?? true),
        primaryKey: isPrimary,
        unique: Boolean(column.unique) || uniqueColumns.has(key),
      };
      if (column.default !== undefined) parsed.default = column.default;
      const single = foreignKeys.find(
        (fk) => fk.columns.length === 1 && (fk.columns[0] as string).toLowerCase() === key,
      );
      if (single) {
        parsed.references = {
          table: single.references.table,
          column: single.references.columns[0] as string,
        };
      }
      if (column.description) parsed.description = column.description;
      return parsed;
    });

    const table: ParsedTable = { name: draft.name, columns, primaryKey, foreignKeys, indexes };
    if (draft.description) table.description = draft.description;
    const checks = normalizeChecks(draft.checks ?? [], spell);
    if (checks.length > 0) table.checks = checks;
    return table;
  });
}

/** Checks with their column spelt as defined, duplicates dropped, column-level ones first. */
function normalizeChecks(checks: ParsedCheck[], spell: (name: string) => string): ParsedCheck[] {
  const seen = new Set<string>();
  const result: ParsedCheck[] = [];
  const ordered = [...checks.filter((c) => c.column), ...checks.filter((c) => !c.column)];
  for (const check of ordered) {
    const expression = check.expression.trim();
    if (!expression) continue;
    const column = check.column ? spell(check.column) : undefined;
    const key = `${column ?? ''}\u0000${expression}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed: ParsedCheck = { expression };
    if (column) parsed.column = column;
    if (check.name) parsed.name = check.name;
    result.push(parsed);
  }
  return result;
}

/** Spells a column name the way its table defines it (names match case-insensitively). */
function columnSpeller(draft: DraftTable): (name: string) => string {
  const spelled = new Map<string, string>();
  for (const column of draft.columns) {
    const key = column.name.toLowerCase();
    if (!spelled.has(key)) spelled.set(key, column.name);
  }
  return (name) => spelled.get(name.toLowerCase()) ?? name;
}

function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
