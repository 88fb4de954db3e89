// The normalised schema every consumer reads: both project schema forms end up in this one shape.

import type {
  ColumnSchema,
  ForeignKeySchema,
  StructuredSchema,
  TableSchema,
} from '../projects/project-resolver.js';

/** A column with every flag resolved (no `undefined` meaning "unknown"). */
export interface ParsedColumn extends ColumnSchema {
  /** False for `NOT NULL` and primary-key columns. */
  nullable: boolean;
  /** Part of the table's primary key (single or composite). */
  primaryKey: boolean;
  /** Unique on its own (`UNIQUE` column or a one-column unique index). */
  unique: boolean;
}

/** An index (or a unique constraint) of a table. */
export interface ParsedIndex {
  name?: string;
  /** Column names, or the expression text for expression indexes (`lower(email)`). */
  columns: string[];
  unique: boolean;
}

/** A `CHECK` constraint of a table (declared on a column or on the table). */
export interface ParsedCheck {
  /** The condition as written, on one line, without the outer parentheses: `price_cents >= 0`. */
  expression: string;
  /** The column it was declared on, for a column-level `CHECK`. */
  column?: string;
  /** The constraint's name, when it has one. */
  name?: string;
}

/** A table with its keys gathered in one place. */
export interface ParsedTable extends TableSchema {
  columns: ParsedColumn[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /**
   * Every foreign key, inline `REFERENCES` ones included. `references.table` is the referenced
   * table's name as this schema spells it when that table exists here.
   */
  foreignKeys: ForeignKeySchema[];
  /** Indexes and unique constraints (primary keys are not repeated here). */
  indexes: ParsedIndex[];
  /** `CHECK` constraints, column-level ones first in column order; absent when there are none. */
  checks?: ParsedCheck[];
}

/**
 * The result of `parseSchema`: a {@link StructuredSchema} with resolved keys. Shared by the parse
 * cache and deep-frozen: treat it as read-only.
 */
export interface ParsedSchema extends StructuredSchema {
  tables: ParsedTable[];
}
