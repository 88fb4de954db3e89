// suggestJoinSql: aliases, quoting and multi-column join conditions.

import { describe, expect, it } from 'vitest';
import { parseSchema } from '../schema/parse-schema.js';
import { buildSchemaGraph, findJoinPath } from '../schema/schema-graph.js';
import { quoteIdentifier, suggestJoinSql } from './suggest-join-sql.js';

describe('suggestJoinSql', () => {
  it('joins along the path with unique initials as aliases and one condition per key column', () => {
    const schema = parseSchema(`
      CREATE TABLE "Order Lines" (order_no int, line_no int, PRIMARY KEY (order_no, line_no));
      CREATE TABLE other_links (id int PRIMARY KEY, ord int, line int, FOREIGN KEY (ord, line) REFERENCES "Order Lines"(order_no, line_no));
      CREATE TABLE "in" (id int PRIMARY KEY, link_id int REFERENCES other_links(id));
    `);
    const graph = buildSchemaGraph(schema);
    const path = findJoinPath(graph, 'Order Lines', 'in') ?? [];
    expect(suggestJoinSql('Order Lines', path)).toBe(
      [
        'SELECT ol.*, i.*',
        'FROM "Order Lines" AS ol',
        'JOIN other_links AS ol2 ON ol2.ord = ol.order_no AND ol2.line = ol.line_no',
        'JOIN "in" AS i ON i.link_id = ol2.id',
        'LIMIT 100;',
      ].join('\n'),
    );
  });

  it('selects from one table when the path is empty', () => {
    expect(suggestJoinSql('users', [])).toBe('SELECT u.*\nFROM users AS u\nLIMIT 100;');
  });
});

describe('quoteIdentifier', () => {
  it('quotes each part of a name that is not a plain word', () => {
    expect(quoteIdentifier('billing.invoices')).toBe('billing.invoices');
    expect(quoteIdentifier('My Table')).toBe('"My Table"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
