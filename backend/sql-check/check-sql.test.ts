// checkSql: the verdicts the issue names, statement sequences, dialect quoting, and never guessing.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/parse-schema.js';
import { checkSql } from './check-sql.js';

const bookstore = parseSchema(
  readFileSync(new URL('../../examples/demo/schemas/bookstore.sql', import.meta.url), 'utf8'),
);

describe('checkSql', () => {
  it('reports a misspelt column of an aliased table with its real table and the closest name', () => {
    const sql =
      'SELECT b.title, a.ful_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id';
    expect(checkSql(sql, bookstore)).toEqual({
      status: 'unknown-identifiers',
      unknown: [{ kind: 'column', name: 'a.ful_name', table: 'authors', suggestion: 'full_name' }],
    });
    expect(checkSql(sql.replace('ful_name', 'full_name'), bookstore)).toEqual({
      status: 'ok',
      unknown: [],
    });
  });

  it('reports books.author_id, which lives in the join table', () => {
    const result = checkSql(
      'SELECT b.title, a.full_name FROM books b JOIN authors a ON a.id = b.author_id',
      bookstore,
    );
    expect(result.status).toBe('unknown-identifiers');
    expect(result.unknown).toEqual([
      {
        kind: 'column',
        name: 'b.author_id',
        table: 'books',
        suggestion: 'book_authors.author_id',
      },
    ]);
  });

  it('reports each unknown once, in order of appearance, across the statements of a block', () => {
    const result = checkSql(
      'SELECT nme FROM authors WHERE nme IS NOT NULL; SELECT x FROM customer; SELECT nme FROM authors',
      bookstore,
    );
    expect(result.unknown).toEqual([
      { kind: 'column', name: 'nme', table: 'authors' },
      { kind: 'table', name: 'customer', suggestion: 'customers' },
    ]);
  });

  it('knows what earlier statements of the block create, rename and drop', () => {
    expect(
      checkSql(
        'CREATE TABLE tags (id int PRIMARY KEY, label text); ALTER TABLE tags ADD COLUMN slug text; ALTER TABLE tags RENAME COLUMN label TO name; SELECT id, slug, name FROM tags',
        bookstore,
      ).status,
    ).toBe('ok');
    expect(
      checkSql('CREATE TABLE tags (id int); SELECT label FROM tags', bookstore).unknown,
    ).toEqual([{ kind: 'column', name: 'label', table: 'tags' }]);
  });

  it('reads double quotes as names in Postgres, as strings in MySQL, and backticks case-insensitively', () => {
    expect(checkSql('SELECT "Title" FROM books', bookstore).unknown).toEqual([
      { kind: 'column', name: 'Title', table: 'books', suggestion: 'title' },
    ]);
    expect(checkSql('SELECT "Title" FROM books', bookstore, { dialect: 'mysql' }).status).toBe(
      'ok',
    );
    expect(checkSql('SELECT `Title` FROM `BOOKS`', bookstore).status).toBe('ok');
  });

  it('says unparsed, not wrong, for SQL it cannot read, and stays quiet where it cannot know', () => {
    expect(checkSql('SELECT FROM WHERE', bookstore).status).toBe('unparsed');
    expect(checkSql('', bookstore).status).toBe('unparsed');
    // After an unreadable CREATE TABLE, its names might exist: nothing is reported.
    expect(
      checkSql('CREATE TABLE t AS EXECUTE prepared_query; SELECT b FROM t', bookstore),
    ).toEqual({ status: 'unparsed', unknown: [] });
    // A table function's columns are unknown to the checker.
    expect(checkSql('SELECT f.x FROM my_func() f', bookstore).status).toBe('ok');
  });

  it('handles deep nesting without throwing', () => {
    const deep = `SELECT ${'('.repeat(500)}1${')'.repeat(500)}`;
    expect(checkSql(deep, bookstore).status).toBe('unparsed');
  });
});
