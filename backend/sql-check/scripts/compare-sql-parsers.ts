// Measures the SQL checker against candidate parsers on the checker's corpus: statements parsed,
// correct verdicts, time per statement, install size. Not shipped and not part of the test suite;
// run it by hand as backend/sql-check/README.md describes.

import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkSql } from '../check-sql.js';
import { type CorpusCase, loadCorpusSchemas, SQL_CHECK_CORPUS } from '../sql-check-corpus.js';
import type { UnknownIdentifier } from '../sql-check-protocol.js';

/** Parses one text in one dialect; throws when it cannot. */
type ParseFunction = (sql: string, dialect: string) => unknown;

interface Candidate {
  name: string;
  /** Dialects to try in order, per corpus form. */
  dialects: Record<CorpusCase['form'], string[]>;
  load: (require: NodeJS.Require) => ParseFunction;
  /** A checker built on the parser's own name lists, when the parser offers them. */
  verdict?: (require: NodeJS.Require) => (entry: CorpusCase) => 'ok' | 'unparsed' | string[];
}

const ALL = ['postgresql', 'mysql', 'sqlite'];
// Run from the repository root (the bundle lives elsewhere, so its own URL says nothing).
const schemas = loadCorpusSchemas(pathToFileURL(`${process.cwd()}/`));

const candidates: Candidate[] = [
  {
    name: 'node-sql-parser',
    dialects: {
      postgres: ['postgresql'],
      mysql: ['mysql'],
      sqlite: ['sqlite'],
      tsql: ['transactsql'],
      any: [...ALL, 'transactsql'],
    },
    load: (require) => {
      const { Parser } = require('node-sql-parser');
      const parser = new Parser();
      return (sql, database) => parser.astify(sql, { database });
    },
    verdict: (require) => {
      const { Parser } = require('node-sql-parser');
      const parser = new Parser();
      return (entry) => nodeSqlParserVerdict(parser, entry);
    },
  },
  {
    name: 'pgsql-ast-parser',
    dialects: { postgres: ['pg'], mysql: ['pg'], sqlite: ['pg'], tsql: ['pg'], any: ['pg'] },
    load: (require) => {
      const { parse } = require('pgsql-ast-parser');
      return (sql) => parse(sql);
    },
  },
  {
    name: 'sql-parser-cst',
    dialects: {
      postgres: ['postgresql'],
      mysql: ['mysql'],
      sqlite: ['sqlite'],
      tsql: [],
      any: ALL,
    },
    load: (require) => {
      const { parse } = require('sql-parser-cst');
      return (sql, dialect) =>
        parse(sql, { dialect, includeRange: true, paramTypes: ['?', '$nr', ':name'] });
    },
  },
];

/** Statements of a case (for per-statement figures). */
function statementCount(entry: CorpusCase): number {
  return entry.sql.split(';').filter((part) => part.trim() !== '').length;
}

/**
 * A checker on node-sql-parser's `tableList` / `columnList`: tables not in the schema, qualified
 * columns missing from their table, unqualified columns in none of the statement's tables.
 */
function nodeSqlParserVerdict(
  parser: Record<'tableList' | 'columnList', (sql: string, options: object) => string[]>,
  entry: CorpusCase,
): 'ok' | 'unparsed' | string[] {
  const schema = schemas[entry.schema];
  const tables = new Map(schema.tables.map((t) => [t.name.toLowerCase(), t]));
  const databases = entry.form === 'any' ? [...ALL, 'transactsql'] : [databaseOf(entry.form)];
  for (const database of databases) {
    let tableList: string[];
    let columnList: string[];
    try {
      tableList = parser.tableList(entry.sql, { database });
      columnList = parser.columnList(entry.sql, { database });
    } catch {
      continue;
    }
    const unknown: string[] = [];
    const used = tableList.map((item) => (item.split('::')[2] ?? '').toLowerCase());
    for (const name of used) if (!tables.has(name)) unknown.push(name);
    for (const item of columnList) {
      const [, table, column] = item.split('::');
      if (!column || column === '(.*)') continue;
      if (table && table !== 'null') {
        const found = tables.get(table.toLowerCase());
        if (found && !found.columns.some((c) => c.name.toLowerCase() === column.toLowerCase())) {
          unknown.push(`${table}.${column}`);
        }
      } else if (
        !used.some((name) =>
          tables.get(name)?.columns.some((c) => c.name.toLowerCase() === column.toLowerCase()),
        )
      ) {
        unknown.push(column);
      }
    }
    return unknown.length === 0 ? 'ok' : unknown;
  }
  return 'unparsed';
}

function databaseOf(form: CorpusCase['form']): string {
  return form === 'postgres' ? 'postgresql' : form === 'tsql' ? 'transactsql' : form;
}

/** Whether a verdict names the same unknowns as expected (names only, order ignored). */
function sameVerdict(
  expected: CorpusCase['expect'],
  actual: 'ok' | 'unparsed' | string[] | UnknownIdentifier[],
): boolean {
  if (typeof expected === 'string' || typeof actual === 'string') return expected === actual;
  const names = (list: Array<string | UnknownIdentifier>) =>
    list
      .map((item) => (typeof item === 'string' ? item : item.name).toLowerCase())
      .map((name) => name.slice(name.lastIndexOf('.') + 1))
      .sort()
      .join(',');
  return names(expected) === names(actual);
}

function directorySize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += directorySize(child);
    else if (entry.isFile()) total += statSync(child).size;
  }
  return total;
}

function time(run: () => void, rounds: number): number {
  run();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) run();
  return (performance.now() - started) / rounds;
}

const ROUNDS = 20;
const root = process.argv[2];
if (!root) {
  console.error('usage: node compare.mjs <folder with one npm install per candidate>');
  process.exit(2);
}
const checkable = SQL_CHECK_CORPUS.filter((entry) => entry.expect !== 'unparsed');
const statements = SQL_CHECK_CORPUS.reduce((n, entry) => n + statementCount(entry), 0);
const checkableStatements = checkable.reduce((n, entry) => n + statementCount(entry), 0);
const rows: string[] = [
  `corpus: ${SQL_CHECK_CORPUS.length} cases, ${statements} statements; ${checkable.length} cases (${checkableStatements} statements) are SQL the checker must read`,
  '',
  '| candidate | cases parsed (of checkable) | verdicts correct (of all) | µs per statement | first load, ms | install size |',
  '|---|---|---|---|---|---|',
];

{
  const correct = SQL_CHECK_CORPUS.filter((entry) => {
    const result = checkSql(
      entry.sql,
      schemas[entry.schema],
      entry.dialect ? { dialect: entry.dialect } : {},
    );
    return sameVerdict(
      entry.expect,
      result.status === 'unknown-identifiers' ? result.unknown : result.status,
    );
  }).length;
  const parsed = checkable.filter(
    (entry) => checkSql(entry.sql, schemas[entry.schema]).status !== 'unparsed',
  ).length;
  const ms = time(() => {
    for (const entry of SQL_CHECK_CORPUS) checkSql(entry.sql, schemas[entry.schema]);
  }, ROUNDS);
  rows.push(
    `| tokenize-sql.ts + own reader (checker) | ${parsed}/${checkable.length} | ${correct}/${SQL_CHECK_CORPUS.length} | ${((ms * 1000) / statements).toFixed(1)} (parse + resolve) | 0 (in the bundle) | 0 (no dependency) |`,
  );
}

for (const candidate of candidates) {
  const require = createRequire(join(root, candidate.name, 'package.json'));
  const loadStarted = performance.now();
  const parse = candidate.load(require);
  const loadMs = performance.now() - loadStarted;
  const tryParse = (entry: CorpusCase): boolean => {
    for (const dialect of candidate.dialects[entry.form]) {
      try {
        parse(entry.sql, dialect);
        return true;
      } catch {
        // next dialect
      }
    }
    return false;
  };
  const parsed = checkable.filter(tryParse).length;
  const failures = checkable
    .filter((entry) => !tryParse(entry))
    .map((entry) => entry.sql.slice(0, 70));
  const ms = time(() => {
    for (const entry of checkable) tryParse(entry);
  }, ROUNDS);
  let verdicts = '— (no name lists; a resolver would have to be written on its AST)';
  if (candidate.verdict) {
    const verdict = candidate.verdict(require);
    const correct = SQL_CHECK_CORPUS.filter((entry) =>
      sameVerdict(entry.expect, verdict(entry)),
    ).length;
    verdicts = `${correct}/${SQL_CHECK_CORPUS.length} (its tableList/columnList)`;
  }
  const size = directorySize(join(root, candidate.name, 'node_modules'));
  rows.push(
    `| ${candidate.name} | ${parsed}/${checkable.length} | ${verdicts} | ${((ms * 1000) / checkableStatements).toFixed(1)} (parse only, dialects tried in order) | ${loadMs.toFixed(0)} | ${(size / 1024 / 1024).toFixed(1)} MB |`,
  );
  rows.push(`<!-- ${candidate.name} fails on: ${failures.join(' ‖ ')} -->`);
}
console.log(rows.join('\n'));
