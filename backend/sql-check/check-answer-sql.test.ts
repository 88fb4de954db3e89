// checkAnswerSql: which code blocks of an answer are SQL, and their index.

import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/parse-schema.js';
import { SHOP_DDL } from '../schema/test-helpers/shop-schema.js';
import { checkAnswerSql } from './check-answer-sql.js';

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
