// SqlTokenCursor: matching words and punctuation, names and their quoting, skipping groups.

import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../schema/tokenize-sql.js';
import { SqlSyntaxError, SqlTokenCursor } from './sql-token-cursor.js';

/** The cursor's protected reading methods, opened up for the test. */
class OpenCursor extends SqlTokenCursor {
  constructor(text: string) {
    const tokens = tokenizeSql(text);
    super(tokens, text, 0, tokens.length);
  }
  eat = (...words: string[]) => this.eatWord(...words);
  name = () => this.qualifiedName();
  names = () => this.nameList();
  identifier = (anyWord = false) => this.ident(anyWord);
  skip = () => this.skipGroup();
  skipUntil = (...stops: string[]) => this.skipGroupsUntil(...stops);
  touching = (offset = 0) => this.adjacent(offset);
  done = () => this.atEnd();
}

describe('SqlTokenCursor', () => {
  it('consumes a run of words only when all of them come next', () => {
    const cursor = new OpenCursor('ORDER BY x');
    expect(cursor.eat('ORDER', 'GROUP')).toBe(false);
    expect(cursor.position).toBe(0);
    expect(cursor.eat('ORDER', 'BY')).toBe(true);
    expect(cursor.position).toBe(2);
  });

  it('reads dotted names with their quoting, and reserved words only where any word may stand', () => {
    expect(new OpenCursor('public."Books".`x`').name()).toEqual([
      { value: 'public', quote: '', start: 0 },
      { value: 'Books', quote: '"', start: 7 },
      { value: 'x', quote: '`', start: 15 },
    ]);
    expect(new OpenCursor('[order id]').identifier()).toEqual({
      value: 'order id',
      quote: '[',
      start: 0,
    });
    expect(() => new OpenCursor('select').identifier()).toThrow(SqlSyntaxError);
    expect(new OpenCursor('select').identifier(true).value).toBe('select');
  });

  it('reads a parenthesized name list, also an empty one', () => {
    expect(new OpenCursor('(a, "B")').names().map((name) => name.value)).toEqual(['a', 'B']);
    expect(new OpenCursor('()').names()).toEqual([]);
    expect(() => new OpenCursor('(a b)').names()).toThrow('expected )');
  });

  it('skips balanced groups, and stops at a stop outside them', () => {
    const group = new OpenCursor('(a, (b, c)) d');
    group.skip();
    expect(group.position).toBe(9);
    const rest = new OpenCursor('x (1, 2) y, z');
    rest.skipUntil(',');
    expect(rest.position).toBe(7);
    rest.skipUntil();
    expect(rest.done()).toBe(true);
    expect(() => new OpenCursor('(a, (b)').skip()).toThrow('unexpected end');
  });

  it('tells tokens written together from tokens apart', () => {
    const cursor = new OpenCursor('a::int b :: c');
    cursor.eat('A');
    expect(cursor.touching()).toBe(true);
    expect(cursor.touching(4)).toBe(false);
  });
});
