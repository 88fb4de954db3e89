// Checks SQL text against a project's schema: which tables and columns it names do not exist.

import type { ParsedSchema } from '../schema/parsed-schema.js';
import { parseSqlStatements, STATEMENT_KEYWORDS } from './parse-sql-statements.js';
import { NameResolver, type SqlDialect } from './resolve-sql-names.js';
import type { SqlCheckStatus, UnknownIdentifier } from './sql-check-protocol.js';
import { indexSchema } from './sql-schema-index.js';

export type { SqlDialect } from './resolve-sql-names.js';

/** Options of {@link checkSql}. */
export interface CheckSqlOptions {
  /**
   * How to read quotes: `mysql` reads `"x"` as a string, `sqlite` reads an unknown `"x"` as a
   * string (as SQLite does), `postgres` and `unknown` read `"x"` as a case-sensitive name.
   * Defaults to `unknown`, which becomes `mysql` when the text uses backticks.
   */
  dialect?: SqlDialect;
}

/** What {@link checkSql} found. */
export interface CheckSqlResult {
  status: SqlCheckStatus;
  /** Unknown tables and columns in order of appearance; empty unless `unknown-identifiers`. */
  unknown: UnknownIdentifier[];
}

/** {@link checkSql}'s result plus what tells an unlabelled code block apart from SQL. */
export interface SqlTextCheck extends CheckSqlResult {
  /** Whether the text starts with a SQL statement keyword and at least one statement was read. */
  looksLikeSql: boolean;
}

/**
 * Checks one or several SQL statements (separated by `;`) against `schema`: every table, alias,
 * CTE, derived table and column they name is resolved as the database would (unquoted names
 * case-insensitively, `"double-quoted"` ones exactly, schema prefixes optional), and names the
 * statements create (`CREATE TABLE`, `CREATE VIEW`, `ALTER TABLE … ADD COLUMN` / `RENAME`) count
 * for the statements after them. Each unknown table or column is reported once, with the closest
 * real name as `suggestion`.
 *
 * It never guesses: status `unparsed` when no statement could be read (or the only problems are
 * statements it could not read), and a name is reported only when nothing in scope could supply
 * it (a table function, a `SELECT *` of an unknown table or an unreadable earlier `CREATE TABLE`
 * keep it quiet). Pure; the schema's lookup index is built once per schema object.
 */
export function checkSql(
  sql: string,
  schema: ParsedSchema,
  options: CheckSqlOptions = {},
): CheckSqlResult {
  const { status, unknown } = checkSqlText(sql, schema, options);
  return { status, unknown };
}

/** {@link checkSql}, also telling whether the text looks like SQL at all (for unlabelled blocks). */
export function checkSqlText(
  sql: string,
  schema: ParsedSchema,
  options: CheckSqlOptions = {},
): SqlTextCheck {
  const statements = parseSqlStatements(sql);
  const dialect = options.dialect ?? (sql.includes('`') ? 'mysql' : 'unknown');
  const resolver = new NameResolver(indexSchema(schema), dialect);
  let unparsed = statements.length === 0;
  let read = 0;
  for (const parsed of statements) {
    if (!parsed.statement) {
      unparsed = true;
      // Names used after an unreadable CREATE TABLE / ALTER TABLE might be the ones it defines.
      if (parsed.mayDefineNames) break;
      continue;
    }
    read++;
    const before = resolver.reportCount;
    try {
      resolver.statement(parsed.statement);
    } catch (error) {
      // Deeply nested input can exhaust the stack: treat the statement as unreadable.
      if (!(error instanceof RangeError)) throw error;
      resolver.truncateReports(before);
      unparsed = true;
    }
  }
  const first = statements[0]?.keyword ?? '';
  const looksLikeSql = read > 0 && (STATEMENT_KEYWORDS.has(first) || first === '(');
  const unknown = resolver.unknown;
  if (unknown.length > 0) return { status: 'unknown-identifiers', unknown, looksLikeSql };
  return { status: unparsed ? 'unparsed' : 'ok', unknown: [], looksLikeSql };
}
