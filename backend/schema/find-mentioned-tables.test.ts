// Which tables a text talks about: spelling variants, positions and relevance scores.

import { describe, expect, it } from 'vitest';
import {
  findMentionedTables,
  scoreTableRelevance,
  singularize,
  splitWords,
} from './find-mentioned-tables.js';
import { parseSchema } from './parse-schema.js';
import { SHOP_DDL } from './test-helpers/shop-schema.js';

const shop = parseSchema(SHOP_DDL);
const names = (text: string) =>
  findMentionedTables(shop, text).map((mention) => mention.table.name);

describe('splitWords and singularize', () => {
  it('splits snake_case, camelCase, punctuation and digits into singular lower-case words', () => {
    expect(splitWords('orderItems, ORDER_ITEMS and HTTPRequests2024!')).toEqual([
      'order',
      'item',
      'order',
      'item',
      'and',
      'http',
      'request',
      '2024',
    ]);
  });

  it('knows the common English plural forms', () => {
    expect(
      ['categories', 'addresses', 'boxes', 'batches', 'people', 'status', 'users', 'bus'].map(
        singularize,
      ),
    ).toEqual(['category', 'address', 'box', 'batch', 'person', 'status', 'user', 'bus']);
  });
});

describe('findMentionedTables', () => {
  it('matches singular, plural, spaced, snake_case and camelCase spellings', () => {
    expect(names('Describe the customer table')).toEqual(['customers']);
    expect(names('what is in order items?')).toEqual(['order_items']);
    expect(names('show me orderItems')).toEqual(['order_items']);
    expect(names('ORDER_ITEMS columns')).toEqual(['order_items']);
    expect(names('How do categories relate?')).toEqual(['categories']);
  });

  it('lists mentions in order of appearance and drops those inside a longer one', () => {
    expect(names('How are payments connected to customers and order items?')).toEqual([
      'payments',
      'customers',
      'order_items',
    ]);
  });

  it('falls back to the last word of a multi-word name when nothing is named in full', () => {
    const mentions = findMentionedTables(shop, 'what about the items?');
    expect(mentions.map((mention) => [mention.table.name, mention.kind])).toEqual([
      ['order_items', 'partial'],
    ]);
    expect(names('What is the weather like?')).toEqual([]);
  });
});

describe('scoreTableRelevance', () => {
  it('scores full names above partial names above columns, and weights each text', () => {
    const scores = scoreTableRelevance(shop, [
      { text: 'Which products sold best? Count the quantity.', weight: 1 },
      { text: 'Earlier we looked at payments', weight: 0.5 },
    ]);
    expect(scores.get('products')).toBe(10);
    expect(scores.get('payments')).toBe(5);
    expect(scores.get('order_items')).toBe(2); // one column named, unique to that table
    expect(scores.has('customers')).toBe(false);
  });

  it('gives little weight to column names many tables share', () => {
    const scores = scoreTableRelevance(shop, [{ text: 'customer_id', weight: 1 }]);
    // customer_id exists in addresses and orders: each gets half the column score.
    expect(scores.get('addresses')).toBe(1);
    expect(scores.get('orders')).toBe(1);
  });
});
