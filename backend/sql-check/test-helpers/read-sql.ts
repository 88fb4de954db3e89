// Test helpers for the SQL reader's layers: one statement's tree, and the parts of its first SELECT.

import { parseSchema } from '../../schema/parse-schema.js';
import { SHOP_DDL } from '../../schema/test-helpers/shop-schema.js';
import type { SqlDialect } from '../find-column.js';
import { parseSqlStatements } from '../parse-sql-statements.js';
import type { Expr, Ident, QueryCore, Statement } from '../sql-ast.js';
import { SqlNameLookup } from '../sql-name-lookup.js';
import { SqlQueryResolver } from '../sql-query-resolver.js';
import { indexSchema } from '../sql-schema-index.js';
import { SqlTableCatalog } from '../sql-table-catalog.js';
import { UnknownNameReports } from '../unknown-name-reports.js';

/** The shop test schema (backend/schema/test-helpers/shop-schema.ts), parsed once. */
export const SHOP = parseSchema(SHOP_DDL);

/** The tree of the only statement of `sql`; throws with the reader's error when it is unreadable. */
export function readStatement(sql: string): Statement {
  const [parsed, ...rest] = parseSqlStatements(sql);
  if (!parsed || rest.length > 0) throw new Error(`expected one statement in ${sql}`);
  if (!parsed.statement) throw new Error(parsed.error);
  return parsed.statement;
}

/** {@link readStatement}, which must be of `kind`. */
export function readStatementOf<K extends Statement['kind']>(
  sql: string,
  kind: K,
): Statement & { kind: K } {
  const statement = readStatement(sql);
  if (statement.kind !== kind) throw new Error(`not ${kind}: ${sql}`);
  return statement as Statement & { kind: K };
}

/** The reader's error for the only statement of `sql`, `undefined` when it was read. */
export function readError(sql: string): string | undefined {
  return parseSqlStatements(sql)[0]?.error;
}

/** The first core of a query statement, when it is a `SELECT`. */
export function readSelect(sql: string): QueryCore & { kind: 'select' } {
  const statement = readStatement(sql);
  const core = statement.kind === 'query' ? statement.query.cores[0] : undefined;
  if (core?.kind !== 'select') throw new Error(`not a SELECT: ${sql}`);
  return core;
}

/** The expression of the first select item of `SELECT <expression>`. */
export function readExpression(expression: string): Expr {
  const item = readSelect(`SELECT ${expression}`).items[0];
  if (item?.kind !== 'expr') throw new Error(`not an expression: ${expression}`);
  return item.expr;
}

/** The column references of an expression as written (`t.a`, `b`, `t.*`). */
export function refNames(expr: Expr): string[] {
  return expr.refs.map((ref) => names(ref.parts) + (ref.star ? '.*' : ''));
}

/** A dotted name of identifiers. */
export function names(parts: Ident[]): string {
  return parts.map((part) => part.value).join('.');
}

/** The resolver's parts over the shop schema, wired as NameResolver wires them. */
export function createResolverParts(dialect: SqlDialect = 'unknown') {
  const index = indexSchema(SHOP);
  const reports = new UnknownNameReports();
  const catalog = new SqlTableCatalog(index, dialect, reports);
  const lookup = new SqlNameLookup(index, dialect, catalog, reports);
  const queries = new SqlQueryResolver(lookup, catalog, () => undefined);
  return { index, reports, catalog, lookup, queries };
}
