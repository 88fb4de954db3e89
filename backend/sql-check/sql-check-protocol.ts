// The wire shape of a SQL check of an answer: plain interfaces with no imports, so that they can
// move into the client protocol unchanged.

/**
 * How one SQL code block fits the project's schema:
 * - `ok`: every table and column it names exists (or is created by the block itself);
 * - `unknown-identifiers`: it names tables or columns that do not exist (listed in `unknown`);
 * - `unparsed`: the checker could not read it, so it says nothing about it (never "wrong").
 */
export type SqlCheckStatus = 'ok' | 'unknown-identifiers' | 'unparsed';

/** A table or column a SQL block names that the schema does not have. */
export interface UnknownIdentifier {
  kind: 'table' | 'column';
  /** The name as the SQL wrote it, without quotes: `customer`, `a.ful_name`, `books.author_id`. */
  name: string;
  /**
   * For columns: the real table (or CTE / derived table) it was looked up in. Absent when an
   * unqualified column was looked up in several tables.
   */
  table?: string;
  /**
   * The closest real name: a table name for tables, a column name of `table` for columns, or
   * `other_table.column` when only another table has a column of that name.
   */
  suggestion?: string;
}

/** The check of one fenced SQL code block of an answer. */
export interface SqlCheckBlock {
  /** Position of the block among all fenced code blocks of the answer, from 0. */
  index: number;
  /** The block's language: the first word of its info string in lower case, `''` when none. */
  language: string;
  status: SqlCheckStatus;
  /** Unknown tables and columns in order of first appearance; empty unless `unknown-identifiers`. */
  unknown: UnknownIdentifier[];
}

/** The SQL check of one answer: one entry per SQL code block (other code blocks are left out). */
export interface SqlCheck {
  blocks: SqlCheckBlock[];
}
