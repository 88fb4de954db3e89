// The SQL checker on its corpus: every statement gets exactly its expected verdict.

import { describe, expect, it } from 'vitest';
import { checkSql } from './check-sql.js';
import { loadCorpusSchemas, SQL_CHECK_CORPUS } from './sql-check-corpus.js';

const CORPUS_SCHEMAS = loadCorpusSchemas();

describe('checkSql on the corpus', () => {
  it('has at least 150 statements, correct and wrong ones, in every dialect form', () => {
    const statements = SQL_CHECK_CORPUS.reduce(
      (n, c) => n + c.sql.split(';').filter((s) => s.trim()).length,
      0,
    );
    expect(statements).toBeGreaterThanOrEqual(150);
    const forms = new Set(SQL_CHECK_CORPUS.map((c) => c.form));
    for (const form of ['postgres', 'mysql', 'sqlite', 'tsql']) expect(forms).toContain(form);
    expect(SQL_CHECK_CORPUS.filter((c) => c.expect === 'ok').length).toBeGreaterThan(60);
    expect(SQL_CHECK_CORPUS.filter((c) => Array.isArray(c.expect)).length).toBeGreaterThan(50);
  });

  for (const [i, entry] of SQL_CHECK_CORPUS.entries()) {
    it(`#${i} (${entry.schema}, ${entry.form}): ${entry.sql.slice(0, 90)}`, () => {
      const result = checkSql(
        entry.sql,
        CORPUS_SCHEMAS[entry.schema],
        entry.dialect ? { dialect: entry.dialect } : {},
      );
      if (entry.expect === 'ok' || entry.expect === 'unparsed') {
        expect(result).toEqual({ status: entry.expect, unknown: [] });
      } else {
        expect(result).toEqual({ status: 'unknown-identifiers', unknown: entry.expect });
      }
    });
  }
});
