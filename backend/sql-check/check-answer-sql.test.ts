// checkAnswerSql and findFencedCodeBlocks: which code blocks of an answer are SQL, and their index.

import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/parse-schema.js';
import { SHOP_DDL } from '../schema/test-helpers/shop-schema.js';
import { checkAnswerSql } from './check-answer-sql.js';
import { findFencedCodeBlocks } from './find-fenced-code-blocks.js';

const shop = parseSchema(SHOP_DDL);

describe('checkAnswerSql', () => {
  it('checks SQL blocks only, counting every fenced block for the index', () => {
    const markdown = [
      'Run this:',
      '```bash',
      'psql -c "select 1"',
      '```',
      '```sql',
      'SELECT full_name FROM customers;',
      '```',
      '~~~postgresql title="orders"',
      'SELECT o.total FROM orders o;',
      '~~~',
      '```',
      'SELECT email FROM customer',
      '```',
      '```',
      'npm install schema-chat',
      '```',
      '```json',
      '{"a": 1}',
      '```',
      '```sql',
      'this is not sql at all',
      '```',
    ].join('\n');
    expect(checkAnswerSql(markdown, shop)).toEqual({
      blocks: [
        { index: 1, language: 'sql', status: 'ok', unknown: [] },
        {
          index: 2,
          language: 'postgresql',
          status: 'unknown-identifiers',
          unknown: [{ kind: 'column', name: 'o.total', table: 'orders' }],
        },
        {
          index: 3,
          language: '',
          status: 'unknown-identifiers',
          unknown: [{ kind: 'table', name: 'customer', suggestion: 'customers' }],
        },
        { index: 6, language: 'sql', status: 'unparsed', unknown: [] },
      ],
    });
  });

  it('reads a MySQL block with MySQL quoting', () => {
    const markdown = '```mysql\nSELECT name FROM products WHERE sku = "A-1"\n```';
    expect(checkAnswerSql(markdown, shop).blocks[0]?.status).toBe('ok');
  });

  it('checks an unclosed final fence up to the end of the answer (a streaming answer)', () => {
    expect(checkAnswerSql('Here:\n```sql\nSELECT sku FROM products WHERE pric', shop)).toEqual({
      blocks: [
        {
          index: 0,
          language: 'sql',
          status: 'unknown-identifiers',
          unknown: [{ kind: 'column', name: 'pric', table: 'products', suggestion: 'price_cents' }],
        },
      ],
    });
  });
});

describe('findFencedCodeBlocks', () => {
  it('finds fences in lists and quotes, strips their indentation, and needs a long enough closer', () => {
    const markdown = [
      '1. First',
      '   ```sql',
      '   SELECT 1;',
      '     indented',
      '   ```',
      '> ```sql',
      '> SELECT 2;',
      '> ```',
      '````',
      '```',
      'inner',
      '````',
      'Inline ```a``` is not a fence.',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown)).toEqual([
      { index: 0, info: 'sql', language: 'sql', text: 'SELECT 1;\n  indented' },
      { index: 1, info: 'sql', language: 'sql', text: 'SELECT 2;' },
      { index: 2, info: '', language: '', text: '```\ninner' },
    ]);
  });

  it('ends an unclosed fence inside a quote where the quote ends', () => {
    expect(findFencedCodeBlocks('> ```\n> a\nb\n```sql\nc\n```')).toEqual([
      { index: 0, info: '', language: '', text: 'a' },
      { index: 1, info: 'sql', language: 'sql', text: 'c' },
    ]);
  });
});
