// NameResolver: statements one after another, data-modifying CTEs, and abandoned statements.

import { describe, expect, it } from 'vitest';
import { parseSqlStatements } from './parse-sql-statements.js';
import { NameResolver } from './resolve-sql-names.js';
import { indexSchema } from './sql-schema-index.js';
import { SHOP } from './test-helpers/read-sql.js';

function resolver(sql: string): NameResolver {
  const names = new NameResolver(indexSchema(SHOP), 'unknown');
  for (const { statement } of parseSqlStatements(sql)) if (statement) names.statement(statement);
  return names;
}

describe('NameResolver', () => {
  it('lets a statement see the tables the ones before it created', () => {
    expect(
      resolver('CREATE TABLE tags (id int, label text); SELECT label, colour FROM tags').unknown,
    ).toEqual([{ kind: 'column', name: 'colour', table: 'tags' }]);
  });

  it('resolves a data-modifying CTE with the CTEs before it, and its RETURNING as output', () => {
    expect(
      resolver(
        'WITH old AS (SELECT id FROM orders WHERE status = 1), gone AS (DELETE FROM payments WHERE order_id IN (SELECT id FROM old) RETURNING order_id) SELECT order_id, amount FROM gone',
      ).unknown,
    ).toEqual([{ kind: 'column', name: 'amount', table: 'gone' }]);
  });

  it('drops the reports of an abandoned statement', () => {
    const names = resolver('SELECT a FROM nowhere; SELECT b FROM elsewhere');
    expect(names.reportCount).toBe(2);
    names.truncateReports(1);
    expect(names.unknown).toEqual([{ kind: 'table', name: 'nowhere' }]);
  });
});
