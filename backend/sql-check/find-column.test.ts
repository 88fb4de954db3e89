// findColumn and sameName: the case rules of quoted and unquoted names.

import { describe, expect, it } from 'vitest';
import { findColumn, sameName } from './find-column.js';
import type { Ident, QuoteKind } from './sql-ast.js';
import type { Relation } from './sql-schema-index.js';

const ident = (value: string, quote: QuoteKind = ''): Ident => ({ value, quote, start: 0 });
const books: Relation = {
  name: 'books',
  columns: new Map([
    ['title', 'title'],
    ['isbn13', 'ISBN13'],
  ]),
  open: false,
};

describe('findColumn', () => {
  it('finds unquoted, backtick and bracket names whatever their case', () => {
    for (const name of [ident('TITLE'), ident('Title', '`'), ident('isbn13', '[')]) {
      expect(findColumn(books, name, 'postgres')).toEqual({ found: true, unsure: false });
    }
  });

  it('matches a double-quoted name as Postgres does, suggesting the real spelling', () => {
    expect(findColumn(books, ident('title', '"'), 'postgres').found).toBe(true);
    expect(findColumn(books, ident('ISBN13', '"'), 'postgres').found).toBe(true);
    expect(findColumn(books, ident('isbn13', '"'), 'postgres').found).toBe(true);
    expect(findColumn(books, ident('Title', '"'), 'postgres')).toEqual({
      found: false,
      unsure: false,
      caseSuggestion: 'title',
    });
    expect(findColumn(books, ident('Title', '"'), 'sqlite').found).toBe(true);
    expect(findColumn(books, ident('Title', '"'), 'mysql').found).toBe(true);
  });

  it('is unsure of a column of a relation whose columns are unknown or not all known', () => {
    expect(
      findColumn({ name: 'f', columns: undefined, open: true }, ident('x'), 'unknown'),
    ).toEqual({ found: false, unsure: true });
    expect(findColumn({ ...books, open: true }, ident('x'), 'unknown').unsure).toBe(true);
    expect(findColumn(books, ident('x'), 'unknown')).toEqual({ found: false, unsure: false });
  });
});

describe('sameName', () => {
  it('folds unquoted names and keeps double-quoted ones as written', () => {
    expect(sameName(ident('Books'), ident('BOOKS', '`'))).toBe(true);
    expect(sameName(ident('books'), ident('books', '"'))).toBe(true);
    expect(sameName(ident('Books'), ident('Books', '"'))).toBe(false);
  });
});
