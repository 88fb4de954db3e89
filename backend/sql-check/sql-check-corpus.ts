// The SQL checker's corpus: statements of many shapes and dialects over the demo schemas and the
// shop test schema, each with the verdict it must get. Read by sql-check-corpus.test.ts and by
// scripts/compare-sql-parsers.ts.

import { readFileSync } from 'node:fs';
import { parseSchema } from '../schema/parse-schema.js';
import type { ParsedSchema } from '../schema/parsed-schema.js';
import { SHOP_DDL } from '../schema/test-helpers/shop-schema.js';
import type { SqlDialect } from './check-sql.js';
import type { UnknownIdentifier } from './sql-check-protocol.js';

/** Which schema a case runs against (`shop` is backend/schema/test-helpers/shop-schema.ts). */
export type CorpusSchema = 'bookstore' | 'ticketing' | 'billing' | 'learning' | 'shop';

/**
 * The demo schemas (examples/demo/schemas) and the shop test schema, parsed. `root` is the
 * repository's root folder. Defaults to the one this file is in.
 */
export function loadCorpusSchemas(
  root: URL = new URL('../../', import.meta.url),
): Record<CorpusSchema, ParsedSchema> {
  const demo = (file: string) =>
    parseSchema(readFileSync(new URL(`examples/demo/schemas/${file}`, root), 'utf8'));
  return {
    bookstore: demo('bookstore.sql'),
    ticketing: demo('event-ticketing.sql'),
    billing: demo('saas-billing.sql'),
    learning: demo('learning-platform.sql'),
    shop: parseSchema(SHOP_DDL),
  };
}

/** One statement (or block of statements) and the verdict it must get. */
export interface CorpusCase {
  schema: CorpusSchema;
  /** Dialect form the SQL is written in (informational, and passed to the checker when set). */
  form: 'postgres' | 'mysql' | 'sqlite' | 'tsql' | 'any';
  sql: string;
  /** `ok`, `unparsed`, or exactly the unknown identifiers reported, in order. */
  expect: 'ok' | 'unparsed' | UnknownIdentifier[];
  /** Passed as the checker's dialect option. */
  dialect?: SqlDialect;
}

const col = (name: string, table?: string, suggestion?: string): UnknownIdentifier => ({
  kind: 'column',
  name,
  ...(table ? { table } : {}),
  ...(suggestion ? { suggestion } : {}),
});
const tab = (name: string, suggestion?: string): UnknownIdentifier => ({
  kind: 'table',
  name,
  ...(suggestion ? { suggestion } : {}),
});

/** The corpus. */
export const SQL_CHECK_CORPUS: readonly CorpusCase[] = [
  // --- the examples of the issue -----------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, a.ful_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id',
    expect: [col('a.ful_name', 'authors', 'full_name')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, a.full_name FROM books b JOIN authors a ON a.id = b.author_id',
    expect: [col('b.author_id', 'books', 'book_authors.author_id')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, a.full_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT customer.name FROM customers',
    expect: [tab('customer', 'customers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT name FROM customer',
    expect: [tab('customer', 'customers')],
  },
  // --- plain selects ---------------------------------------------------------------------------
  { schema: 'bookstore', form: 'any', sql: 'SELECT * FROM books', expect: 'ok' },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'select id, title from books where pages > 100',
    expect: 'ok',
  },
  { schema: 'bookstore', form: 'any', sql: 'SELECT Title, ISBN FROM Books', expect: 'ok' },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title, author FROM books',
    expect: [col('author', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT titel FROM books',
    expect: [col('titel', 'books', 'title')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.* , p.name AS publisher FROM books AS b LEFT JOIN publishers AS p ON p.id = b.publisher_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT p.* FROM publisher p',
    expect: [tab('publisher', 'publishers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT 1',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT now(), current_date, 'x' || 'y' AS s, 2 * 3",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT public.books.title FROM public.books',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title FROM public.books b WHERE b.isbn = $1',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books WHERE id IN (1, 2, 3) AND title ILIKE $1 AND pages BETWEEN 10 AND 20',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT title FROM books WHERE published_on IS NOT NULL AND language <> 'en' ORDER BY published_on DESC NULLS LAST",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books WHERE release_date > now()',
    expect: [col('release_date', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT x.id FROM books b',
    expect: [tab('x')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT books.title FROM books b',
    expect: 'ok',
  },
  // --- joins of every kind --------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT o.id, c.email FROM orders o INNER JOIN customers c ON c.id = o.customer_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT o.id, s.carrier FROM orders o LEFT OUTER JOIN shipments s ON s.order_id = o.id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT o.id, s.tracking_num FROM orders o RIGHT JOIN shipments s ON s.order_id = o.id',
    expect: [col('s.tracking_num', 'shipments', 'tracking_number')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM orders o FULL OUTER JOIN payments p ON p.order_id = o.id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT c.name, cat.name FROM categories c CROSS JOIN categories cat',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM book_categories JOIN categories ON categories.id = book_categories.category_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM order_items JOIN inventory USING (book_id)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM order_items JOIN orders USING (order_id)',
    expect: [col('order_id', 'orders')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM books NATURAL JOIN inventory',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, c.name FROM books b, book_categories bc, categories c WHERE bc.book_id = b.id AND c.id = bc.category_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT parent.name, child.name FROM categories child JOIN categories parent ON parent.id = child.parent_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT o.id FROM orders o JOIN customer c ON c.id = o.customer_id',
    expect: [tab('customer', 'customers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT r.rating, c.full_name FROM reviews r JOIN customers c ON c.id = r.customer_id WHERE r.stars > 3',
    expect: [col('r.stars', 'reviews')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title FROM (books b JOIN inventory i ON i.book_id = b.id) WHERE i.on_hand < i.reorder_level',
    expect: 'ok',
  },
  // --- unqualified columns over several tables ------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title, full_name FROM books JOIN book_authors ON book_id = books.id JOIN authors ON authors.id = author_id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title, fullname FROM books JOIN book_authors ON book_id = books.id JOIN authors ON authors.id = author_id',
    expect: [col('fullname', undefined, 'full_name')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT author_id FROM books',
    expect: [col('author_id', 'books', 'book_authors.author_id')],
  },
  // --- aggregates, GROUP BY, HAVING, aliases ---------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT customer_id, count(*) AS orders_count, sum(total_cents) AS spent FROM orders GROUP BY customer_id HAVING count(*) > 5 ORDER BY spent DESC LIMIT 10',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT date_trunc('month', placed_at) AS month, count(*) FROM orders GROUP BY month ORDER BY month",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT status, count(*) n FROM orders GROUP BY 1 ORDER BY n DESC',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY total DESC',
    expect: [col('total', 'orders', 'total_cents')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT a.full_name, SUM(oi.quantity * oi.unit_price_cents) AS revenue FROM authors a JOIN book_authors ba ON ba.author_id = a.id JOIN order_items oi ON oi.book_id = ba.book_id GROUP BY a.id, a.full_name ORDER BY revenue DESC LIMIT 5',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT a.full_name, SUM(oi.qty) AS sold FROM authors a JOIN book_authors ba ON ba.author_id = a.id JOIN order_items oi ON oi.book_id = ba.book_id GROUP BY a.full_name',
    expect: [col('oi.qty', 'order_items', 'quantity')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT book_id, avg(rating)::numeric(3,2) AS avg_rating, count(*) FILTER (WHERE rating = 5) AS fives FROM reviews GROUP BY book_id HAVING avg(rating) >= 4',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT country, count(DISTINCT city) FROM addresses GROUP BY ROLLUP (country)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT country, city, count(*) FROM addresses GROUP BY GROUPING SETS ((country, city), (country), ())',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "SELECT string_agg(title, ', ' ORDER BY title) AS titles, array_agg(DISTINCT language) FROM books",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price_cents) FROM books',
    expect: 'ok',
  },
  // --- window functions ----------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT id, customer_id, total_cents, rank() OVER (PARTITION BY customer_id ORDER BY total_cents DESC) AS r FROM orders',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT id, sum(total_cents) OVER w AS running FROM orders WINDOW w AS (PARTITION BY customer_id ORDER BY placed_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT id, lag(total_cents, 1) OVER (ORDER BY created_at) FROM orders',
    expect: [col('created_at', 'orders')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM (SELECT o.*, row_number() OVER (PARTITION BY customer_id ORDER BY placed_at DESC) AS rn FROM orders o) t WHERE t.rn = 1',
    expect: 'ok',
  },
  // --- subqueries: FROM, WHERE, SELECT, EXISTS, IN, ANY ---------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, s.total FROM books b JOIN (SELECT book_id, SUM(quantity) AS total FROM order_items GROUP BY book_id) s ON s.book_id = b.id ORDER BY s.total DESC',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, s.amount FROM books b JOIN (SELECT book_id, SUM(quantity) AS total FROM order_items GROUP BY book_id) s ON s.book_id = b.id',
    expect: [col('s.amount', 's')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books b WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.book_id = b.id AND r.rating = 5)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books WHERE id NOT IN (SELECT book_id FROM order_items)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books WHERE id IN (SELECT book_id FROM order_item)',
    expect: [tab('order_item', 'order_items')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, (SELECT count(*) FROM reviews r WHERE r.book_id = b.id) AS review_count FROM books b',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT b.title, (SELECT avg(r.score) FROM reviews r WHERE r.book_id = b.id) FROM books b',
    expect: [col('r.score', 'reviews')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT id FROM books WHERE id = ANY($1::bigint[])',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT title FROM books WHERE price_cents > ALL (SELECT price_cents FROM books WHERE language = 'fr')",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT c.email FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.placed_at > now() - interval '1 year')",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT b.title, x.n FROM books b CROSS JOIN LATERAL (SELECT count(*) AS n FROM reviews r WHERE r.book_id = b.id) x',
    expect: 'ok',
  },
  // --- CTEs -------------------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH sales AS (SELECT book_id, SUM(quantity) AS sold FROM order_items GROUP BY book_id) SELECT b.title, s.sold FROM sales s JOIN books b ON b.id = s.book_id ORDER BY s.sold DESC LIMIT 5',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH sales AS (SELECT book_id, SUM(quantity) AS sold FROM order_items GROUP BY book_id) SELECT b.title, s.revenue FROM sales s JOIN books b ON b.id = s.book_id',
    expect: [col('s.revenue', 'sales')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH t(b, n) AS (SELECT book_id, count(*) FROM reviews GROUP BY book_id) SELECT b, n FROM t WHERE n > 3',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH RECURSIVE tree(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM categories WHERE parent_id IS NULL UNION ALL SELECT c.id, c.parent_id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT * FROM tree ORDER BY depth',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH RECURSIVE tree AS (SELECT id, parent_id FROM categories WHERE parent_id IS NULL UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id) SELECT id FROM tree',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH a AS (SELECT id FROM books), b AS (SELECT id FROM a) SELECT * FROM b JOIN a USING (id)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'WITH top_books AS (SELECT id, title FROM books ORDER BY price_cents DESC LIMIT 10) SELECT title, pages FROM top_books',
    expect: [col('pages', 'top_books')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'WITH moved AS (DELETE FROM reviews WHERE rating = 1 RETURNING book_id, customer_id) SELECT count(*) FROM moved',
    expect: 'ok',
  },
  // --- set operations ---------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT email FROM customers UNION SELECT website FROM publishers ORDER BY email',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT id FROM books INTERSECT SELECT book_id FROM reviews EXCEPT SELECT book_id FROM order_items',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT email FROM customers UNION ALL SELECT email FROM publishers',
    expect: [col('email', 'publishers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: '(SELECT id FROM books ORDER BY id LIMIT 1) UNION (SELECT id FROM authors ORDER BY id LIMIT 1)',
    expect: 'ok',
  },
  // --- expressions that must never be reported ---------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT CASE WHEN pages > 500 THEN 'long' WHEN pages IS NULL THEN 'unknown' ELSE 'short' END AS kind FROM books",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT CAST(price_cents AS numeric(10, 2)) / 100 AS price, COALESCE(pages, 0) FROM books',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "SELECT extract(year FROM placed_at) AS y, placed_at AT TIME ZONE 'UTC', placed_at::date, to_char(placed_at, 'YYYY') FROM orders",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "SELECT id FROM orders WHERE placed_at >= date '2024-01-01' AND placed_at < timestamp with time zone '2025-01-01 00:00+00'",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "SELECT substring(title FROM 1 FOR 10), trim(both ' ' from title), position('a' in title), upper(title) FROM books",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "SELECT data->>'name', data #>> '{a,b}', data @> '{\"x\": 1}' FROM (SELECT to_jsonb(b) AS data FROM books b) j",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "SELECT title FROM books WHERE title ~* '^the' AND title !~ 'x' AND title SIMILAR TO '%(a|b)%'",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT row_to_json(b), count(b) FROM books b GROUP BY b.id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT g.n FROM generate_series(1, 10) AS g(n)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT x FROM unnest(ARRAY[1, 2, 3]) x',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT * FROM json_to_recordset($1) AS r(id int, note text) WHERE r.id > 0 AND r.whatever IS NULL',
    expect: [col('r.whatever', 'r')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT v.a, v.b FROM (VALUES (1, 2), (3, 4)) AS v(a, b)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT DISTINCT ON (customer_id) customer_id, placed_at FROM orders ORDER BY customer_id, placed_at DESC',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books ORDER BY price_cents DESC FETCH FIRST 5 ROWS ONLY',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT title FROM books ORDER BY price_cents LIMIT 10 OFFSET 20',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT id FROM orders WHERE status = :status AND customer_id = ? FOR UPDATE SKIP LOCKED',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT id, xmin, ctid FROM books',
    expect: 'ok',
  },
  // --- quoted identifiers and case rules ----------------------------------------------------
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT "title", "isbn" FROM "books"',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT "Title" FROM books',
    expect: [col('Title', 'books', 'title')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT b."title" FROM "Books" b',
    expect: [tab('Books', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT "b"."title" FROM books "b"',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT "B".title FROM books b',
    expect: [tab('B', 'b')],
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    dialect: 'sqlite',
    sql: 'SELECT "not a column" FROM books',
    expect: 'ok',
  },
  // --- MySQL forms -------------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'SELECT `b`.`title`, `p`.`name` FROM `books` AS `b` JOIN `publishers` `p` ON `p`.`id` = `b`.`publisher_id` WHERE `b`.`id` = ? LIMIT 10, 20',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'SELECT `Title` FROM `Books`',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'SELECT `b`.`author` FROM `books` `b`',
    expect: [col('b.author', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    dialect: 'mysql',
    sql: 'SELECT title FROM books WHERE language = "en"',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: "SELECT DATE_ADD(placed_at, INTERVAL 1 DAY), GROUP_CONCAT(status ORDER BY id SEPARATOR ','), IF(total_cents > 100, 'big', 'small') FROM orders GROUP BY customer_id WITH ROLLUP",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.status = 'cancelled' WHERE c.email = 'x@example.com'",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.state = 'cancelled' WHERE c.mail = 'x'",
    expect: [col('o.state', 'orders', 'status'), col('c.mail', 'customers', 'email')],
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'INSERT INTO inventory (book_id, on_hand) VALUES (1, 2) ON DUPLICATE KEY UPDATE on_hand = on_hand + VALUES(on_hand)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'INSERT INTO inventory (book_id, on_hand) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE on_hand = new.on_hand',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'INSERT INTO inventory (book_id, stock) VALUES (1, 2) ON DUPLICATE KEY UPDATE stock = stock + 1',
    expect: [col('stock', 'inventory')],
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'DELETE r FROM reviews r JOIN books b ON b.id = r.book_id WHERE b.pages < 10',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: "SELECT id FROM books USE INDEX (books_by_publisher) WHERE MATCH(title) AGAINST ('dune' IN NATURAL LANGUAGE MODE)",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'ALTER TABLE books ADD COLUMN subtitle VARCHAR(200) AFTER title, MODIFY COLUMN pages INT NULL',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'ALTER TABLE books CHANGE COLUMN title name VARCHAR(300) NOT NULL',
    expect: 'ok',
  },
  // --- SQLite forms ----------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: 'INSERT OR REPLACE INTO inventory (book_id, on_hand) VALUES (1, 2)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: 'INSERT OR IGNORE INTO inventory (book_id, on_hand, reserved_count) VALUES (1, 2, 0)',
    expect: [col('reserved_count', 'inventory', 'reserved')],
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: "SELECT id FROM books WHERE title GLOB 'A*' LIMIT 5",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: "SELECT rowid, json_extract(title, '$.a') FROM books WHERE isbn = :isbn",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: 'INSERT INTO inventory (book_id, on_hand) VALUES (1, 5) ON CONFLICT(book_id) DO UPDATE SET on_hand = excluded.on_hand',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: 'REPLACE INTO inventory (book_id, on_hand) VALUES (1, 5)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: "SELECT strftime('%Y', placed_at) AS y, count(*) FROM orders GROUP BY y",
    expect: 'ok',
  },
  // --- SQL Server forms ------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'tsql',
    sql: 'SELECT TOP 5 title FROM books ORDER BY price_cents DESC',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'tsql',
    sql: 'SELECT TOP (10) [b].[title] FROM [dbo].[books] AS [b] WITH (NOLOCK)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'tsql',
    sql: 'SELECT TOP 5 [title], [rank] FROM [books]',
    expect: [col('rank', 'books')],
  },
  // --- INSERT / UPDATE / DELETE ----------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: "INSERT INTO customers (email, full_name) VALUES ('a@b.c', 'Ann')",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "INSERT INTO customers (email, name) VALUES ('a@b.c', 'Ann')",
    expect: [col('name', 'customers', 'full_name')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "INSERT INTO customer (email) VALUES ('a@b.c')",
    expect: [tab('customer', 'customers')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'INSERT INTO customers (email, full_name) VALUES ($1, $2) RETURNING id, created_at',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'INSERT INTO customers (email, full_name) VALUES ($1, $2) RETURNING id, signup_date',
    expect: [col('signup_date', 'customers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'INSERT INTO book_categories (book_id, category_id) SELECT b.id, c.id FROM books b JOIN categories c ON c.slug = $1 WHERE b.language = $2',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'INSERT INTO book_categories (book_id, category_id) SELECT b.id, c.id FROM books b JOIN categories c ON c.code = $1',
    expect: [col('c.code', 'categories')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'INSERT INTO inventory (book_id, on_hand) VALUES ($1, $2) ON CONFLICT (book_id) DO UPDATE SET on_hand = inventory.on_hand + EXCLUDED.on_hand, updated_at = now() RETURNING book_id, on_hand',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'INSERT INTO inventory (book_id, on_hand) VALUES ($1, $2) ON CONFLICT (book_id) DO UPDATE SET quantity = EXCLUDED.on_hand',
    expect: [col('quantity', 'inventory')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'INSERT INTO reviews (book_id, customer_id, rating) VALUES (1, 2, 5) ON CONFLICT ON CONSTRAINT reviews_book_id_customer_id_key DO NOTHING',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'INSERT INTO authors DEFAULT VALUES',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: "UPDATE books SET price_cents = price_cents * 1.1, title = upper(title) WHERE language = 'en'",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'UPDATE books SET price = 10 WHERE id = 1',
    expect: [col('price', 'books', 'price_cents')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "UPDATE orders o SET status = 'paid' FROM payments p WHERE p.order_id = o.id AND p.paid_at IS NOT NULL RETURNING o.id, p.amount_cents",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "UPDATE orders SET (status, total_cents) = ('paid', 100) WHERE id = 1",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'UPDATE inventory i SET on_hand = i.on_hand - oi.quantity FROM order_items oi WHERE oi.book_id = i.book_id AND oi.order_id = $1',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'DELETE FROM reviews WHERE rating < 2',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'DELETE FROM reviews r USING books b WHERE r.book_id = b.id AND b.pages < 10 RETURNING r.id',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'DELETE FROM reviews r USING books b WHERE r.book_id = b.id AND b.page_count < 10',
    expect: [col('b.page_count', 'books', 'pages')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'DELETE FROM review WHERE id = 1',
    expect: [tab('review', 'reviews')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'TRUNCATE TABLE reviews, shipments',
    expect: 'ok',
  },
  // --- DDL ---------------------------------------------------------------------------------------
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE INDEX reviews_by_customer ON reviews (customer_id)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE INDEX ON order_items (product_id)',
    expect: [col('product_id', 'order_items')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS books_lower_title ON public.books USING btree (lower(title) text_pattern_ops) INCLUDE (isbn) WHERE published_on IS NOT NULL',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'CREATE INDEX ON bookz (title)',
    expect: [tab('bookz', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'CREATE INDEX idx_title ON books (title(20))',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books ADD COLUMN subtitle text',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books ADD COLUMN subtitle text; SELECT subtitle, title FROM books',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books RENAME COLUMN title TO name; SELECT name FROM books; SELECT title FROM books',
    expect: [col('title', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books DROP COLUMN pages; SELECT pages FROM books',
    expect: [col('pages', 'books')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books DROP COLUMN page_count',
    expect: [col('page_count', 'books', 'pages')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'ALTER TABLE books DROP COLUMN IF EXISTS page_count',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books RENAME TO titles; SELECT id FROM titles',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE books RENAME TO titles; SELECT id FROM books',
    expect: [tab('books')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new', ALTER COLUMN total_cents TYPE bigint USING total_cents::bigint",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'ALTER TABLE orders ALTER COLUMN state SET NOT NULL',
    expect: [col('state', 'orders', 'status')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE reviews ADD CONSTRAINT reviews_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE reviews ADD CONSTRAINT reviews_customer_fk FOREIGN KEY (customer_id) REFERENCES customer (id)',
    expect: [tab('customer', 'customers')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'ALTER TABLE reviews ADD CONSTRAINT rating_range CHECK (stars BETWEEN 1 AND 5)',
    expect: [col('stars', 'reviews')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE TABLE wishlists (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), book_id bigint NOT NULL REFERENCES books(id), added_at timestamptz NOT NULL DEFAULT now(), UNIQUE (customer_id, book_id)); CREATE INDEX ON wishlists (book_id); SELECT w.added_at FROM wishlists w',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE TABLE wishlists (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customer(id), book_id bigint REFERENCES books(book_id))',
    expect: [tab('customer', 'customers'), col('book_id', 'books', 'id')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE TABLE t (a int, b int, PRIMARY KEY (a, c), CHECK (b > a))',
    expect: [col('c', 't')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE TABLE IF NOT EXISTS series (id serial PRIMARY KEY, parent_id int REFERENCES series(id), name text NOT NULL)',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'mysql',
    sql: 'CREATE TABLE `tags` (`id` INT NOT NULL AUTO_INCREMENT, `name` VARCHAR(50) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `tags_name` (`name`), KEY `idx_name` (`name`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'sqlite',
    sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, book_id INTEGER REFERENCES books(id) ON DELETE CASCADE, body TEXT) STRICT',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE TABLE cheap_books AS SELECT id, title FROM books WHERE price_cents < 500; SELECT title, isbn FROM cheap_books',
    expect: [col('isbn', 'cheap_books')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE VIEW book_sales AS SELECT b.id, b.title, SUM(oi.quantity) AS sold FROM books b JOIN order_items oi ON oi.book_id = b.id GROUP BY b.id, b.title; SELECT title, sold FROM book_sales ORDER BY sold DESC',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'CREATE OR REPLACE VIEW book_sales (book, sold) AS SELECT book_id, SUM(quantity) FROM order_items GROUP BY book_id; SELECT book, units FROM book_sales',
    expect: [col('units', 'book_sales')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'CREATE MATERIALIZED VIEW ratings AS SELECT book_id, avg(rating) AS avg_rating FROM reviews GROUP BY book_id WITH DATA',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'DROP TABLE IF EXISTS old_stuff; DROP TABLE reviews; SELECT * FROM reviews',
    expect: [tab('reviews')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "COMMENT ON COLUMN books.isbn IS 'ISBN-13'; COMMENT ON TABLE books IS 'The catalogue'",
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "COMMENT ON COLUMN books.isbn13 IS 'x'",
    expect: [col('books.isbn13', 'books', 'isbn')],
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'BEGIN; UPDATE inventory SET on_hand = on_hand - 1 WHERE book_id = 1; COMMIT;',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'EXPLAIN ANALYZE SELECT * FROM books WHERE title = $1',
    expect: 'ok',
  },
  // --- never guess: what the checker cannot read is unparsed, and cannot-know stays quiet -------
  { schema: 'bookstore', form: 'any', sql: 'SELEC title FROM books', expect: 'unparsed' },
  { schema: 'bookstore', form: 'any', sql: 'SELECT title FROM books WHERE', expect: 'unparsed' },
  { schema: 'bookstore', form: 'any', sql: 'SELECT (title FROM books', expect: 'unparsed' },
  { schema: 'bookstore', form: 'any', sql: 'SELECT title FROM books b c d', expect: 'unparsed' },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql',
    expect: 'unparsed',
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'CREATE TABLE x (LIKE books INCLUDING ALL); SELECT title, anything FROM x',
    expect: [col('anything', 'x')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: "DO $$ BEGIN EXECUTE 'CREATE TABLE t2 (a int)'; END $$; SELECT a FROM t2",
    expect: 'unparsed',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT * FROM nonexistent_thing n JOIN books b ON b.id = n.book_id WHERE n.whatever = 1 AND whatever2 = 2',
    expect: [tab('nonexistent_thing')],
  },
  {
    schema: 'bookstore',
    form: 'postgres',
    sql: 'SELECT t.anything FROM some_function(1) t',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: 'SELECT x.a FROM (SELECT *, price_cents * 2 FROM books) x',
    expect: 'ok',
  },
  {
    schema: 'bookstore',
    form: 'any',
    sql: '-- just a comment',
    expect: 'unparsed',
  },
  // --- the other demo schemas ------------------------------------------------------------------
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT e.title, v.name, count(t.id) AS sold FROM events e JOIN venues v ON v.id = e.venue_id JOIN ticket_types tt ON tt.event_id = e.id JOIN tickets t ON t.ticket_type_id = tt.id GROUP BY e.title, v.name ORDER BY sold DESC LIMIT 5',
    expect: 'ok',
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT e.title, e.venue FROM event e',
    expect: [tab('event', 'events')],
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT e.title, e.venue FROM events e',
    expect: [col('e.venue', 'events', 'venue_id')],
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT a.full_name, t.barcode FROM tickets t JOIN orders o ON o.id = t.order_id JOIN attendees a ON a.id = o.attendee_id WHERE t.seat_id IS NULL',
    expect: 'ok',
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT t.holder, ci.scanned_at FROM check_ins ci JOIN tickets t ON t.id = ci.ticket_id',
    expect: [col('t.holder', 'tickets', 'holder_name')],
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT s.row_label, s.seat_number FROM seats s JOIN seating_sections ss ON ss.id = s.section_id WHERE ss.venue_id = $1 AND s.accessible',
    expect: 'ok',
  },
  {
    schema: 'ticketing',
    form: 'any',
    sql: 'SELECT p.name FROM performers p JOIN event_performer ep ON ep.performer_id = p.id',
    expect: [tab('event_performer', 'event_performers')],
  },
  {
    schema: 'billing',
    form: 'any',
    sql: "SELECT o.name, SUM(i.total) AS billed FROM organizations o JOIN invoices i ON i.organization_id = o.id WHERE i.status = 'paid' GROUP BY o.name ORDER BY billed DESC LIMIT 5",
    expect: 'ok',
  },
  {
    schema: 'billing',
    form: 'any',
    sql: 'SELECT o.name, SUM(i.amount) FROM organizations o JOIN invoices i ON i.org_id = o.id GROUP BY o.name',
    expect: [col('i.amount', 'invoices'), col('i.org_id', 'invoices', 'organization_id')],
  },
  {
    schema: 'billing',
    form: 'any',
    sql: "SELECT s.id, p.unit_amount * si.quantity AS mrr FROM subscriptions s JOIN subscription_items si ON si.subscription_id = s.id JOIN prices p ON p.id = si.price_id WHERE s.status = 'active'",
    expect: 'ok',
  },
  {
    schema: 'billing',
    form: 'any',
    sql: 'SELECT u.email FROM users u JOIN membership m ON m.user_id = u.id',
    expect: [tab('membership', 'memberships')],
  },
  {
    schema: 'billing',
    form: 'any',
    sql: 'SELECT u.email, m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.organisation_id = $1',
    expect: [col('m.organisation_id', 'memberships', 'organization_id')],
  },
  {
    schema: 'billing',
    form: 'postgres',
    sql: "SELECT date_trunc('month', recorded_at) AS month, sum(quantity) FROM usage_records WHERE subscription_item_id = $1 GROUP BY month",
    expect: 'ok',
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'SELECT c.title, count(e.id) AS students FROM courses c LEFT JOIN enrollments e ON e.course_id = c.id GROUP BY c.id, c.title ORDER BY students DESC LIMIT 5',
    expect: 'ok',
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'SELECT c.title, count(e.id) FROM courses c LEFT JOIN enrolments e ON e.course_id = c.id GROUP BY c.title',
    expect: [tab('enrolments', 'enrollments')],
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'SELECT s.full_name, qa.score FROM quiz_attempts qa JOIN enrollments e ON e.id = qa.enrollment_id JOIN students s ON s.id = e.student_id WHERE qa.quiz_id = $1 ORDER BY qa.score DESC NULLS LAST',
    expect: 'ok',
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'SELECT l.title, l.duration FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.course_id = $1 ORDER BY m.position, l.position',
    expect: [col('l.duration', 'lessons', 'duration_seconds')],
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'SELECT i.name FROM instructors i',
    expect: [col('i.name', 'instructors', 'full_name')],
  },
  {
    schema: 'learning',
    form: 'any',
    sql: 'WITH progress AS (SELECT lp.enrollment_id, count(*) FILTER (WHERE lp.completed_at IS NOT NULL) AS done FROM lesson_progress lp GROUP BY lp.enrollment_id) SELECT e.student_id, p.done FROM enrollments e JOIN progress p ON p.enrollment_id = e.id',
    expect: 'ok',
  },
  // --- the shop test schema --------------------------------------------------------------------
  {
    schema: 'shop',
    form: 'any',
    sql: 'SELECT c.full_name, sum(oi.quantity * oi.unit_price_cents) AS spent FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id GROUP BY c.full_name',
    expect: 'ok',
  },
  {
    schema: 'shop',
    form: 'any',
    sql: 'SELECT p.name, p.price FROM products p',
    expect: [col('p.price', 'products', 'price_cents')],
  },
  {
    schema: 'shop',
    form: 'any',
    sql: 'SELECT happened_at, actor, action FROM audit_log ORDER BY happened_at DESC LIMIT 50',
    expect: 'ok',
  },
  {
    schema: 'shop',
    form: 'any',
    sql: 'SELECT * FROM audit_logs',
    expect: [tab('audit_logs', 'audit_log')],
  },
  {
    schema: 'shop',
    form: 'any',
    sql: "UPDATE payments SET paid_at = now() WHERE order_id = $1 AND provider = 'stripe'",
    expect: 'ok',
  },
  {
    schema: 'shop',
    form: 'any',
    sql: 'SELECT c.name AS category, count(p.id) FROM categories c LEFT JOIN products p ON p.category_id = c.id GROUP BY c.name',
    expect: 'ok',
  },
];
