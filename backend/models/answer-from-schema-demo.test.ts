// The offline assistant on the four demo schemas: ranking queries along the real foreign-key
// path, table reviews, "which tables reference X", CHECK constraints, and every SQL it writes
// passing the SQL checker.

import { describe, expect, it } from 'vitest';
import { checkAnswerSql } from '../sql-check/check-answer-sql.js';
import { loadCorpusSchemas } from '../sql-check/sql-check-corpus.js';
import { answerFromSchema } from './answer-from-schema.js';

const schemas = loadCorpusSchemas();
const { bookstore, ticketing, billing, learning } = schemas;

describe('answerFromSchema on the demo schemas', () => {
  it('ranks the best-selling authors by summing order-line quantities along the join table', () => {
    const { intent, markdown } = answerFromSchema(
      bookstore,
      'How do I find the 5 best-selling authors?',
    );
    expect(intent).toBe('top');
    expect(markdown).toContain(
      [
        '```sql',
        'SELECT a.id, a.full_name, SUM(oi.quantity) AS units_sold',
        'FROM authors AS a',
        'JOIN book_authors AS ba ON ba.author_id = a.id',
        'JOIN books AS b ON ba.book_id = b.id',
        'JOIN order_items AS oi ON oi.book_id = b.id',
        'GROUP BY a.id, a.full_name',
        'ORDER BY units_sold DESC',
        'LIMIT 5;',
        '```',
      ].join('\n'),
    );
  });

  it('ranks by revenue, rating or a counted table, as the question says', () => {
    expect(
      answerFromSchema(billing, 'Which organizations bring in the highest revenue?').markdown,
    ).toContain('SUM(i.total) AS revenue');
    expect(answerFromSchema(bookstore, 'Top 3 customers by money spent').markdown).toContain(
      'SUM(o.total_cents) AS revenue_cents',
    );
    const rated = answerFromSchema(learning, 'What are the top 3 highest rated courses?').markdown;
    expect(rated).toContain('ROUND(AVG(cr.rating), 2) AS avg_rating');
    expect(rated).toContain('LIMIT 3;');
    const students = answerFromSchema(learning, 'Which courses have the most students?').markdown;
    expect(students).toContain('COUNT(DISTINCT s.id) AS students_count');
    expect(students).toContain('JOIN enrollments AS e ON e.course_id = c.id');
    const fewest = answerFromSchema(ticketing, 'Which 5 venues have the fewest events?').markdown;
    expect(fewest).toContain('ORDER BY events_count ASC');
  });

  it('says so when the table to rank does not exist, naming the closest tables', () => {
    const { intent, markdown } = answerFromSchema(ticketing, 'Show the top 5 customers');
    expect(intent).toBe('top');
    expect(markdown).toContain('There is no table of `customers` in this schema');
    expect(markdown).toContain('`attendees`');
  });

  it('reviews one table: unindexed and nullable foreign keys, created_at, naming, its CHECKs', () => {
    const reviews = answerFromSchema(bookstore, 'Is there anything wrong with the reviews table?');
    expect(reviews.intent).toBe('table-review');
    expect(reviews.markdown).toContain('### Review of `reviews`');
    expect(reviews.markdown).toContain('**Foreign keys without an index**');
    expect(reviews.markdown).toContain('`reviews.customer_id`');
    expect(reviews.markdown).not.toContain('`reviews.book_id`.'); // leads UNIQUE (book_id, …)
    expect(reviews.markdown).toContain(
      '**CHECK constraints it has:** `rating BETWEEN 1 AND 5` (on `rating`).',
    );
    expect(reviews.markdown).not.toContain('No `created_at`');
    expect(reviews.markdown).toContain('```sql\nCREATE INDEX ON reviews (customer_id);\n```');

    const orders = answerFromSchema(bookstore, 'Any problems with the orders table?').markdown;
    expect(orders).toContain(
      '**Nullable foreign keys** — `orders.shipping_address_id` may be NULL',
    );
    const tickets = answerFromSchema(ticketing, 'review the tickets table').markdown;
    expect(tickets).toContain('**No `created_at`**');
    expect(tickets).toContain(
      'ALTER TABLE tickets ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
    );
  });

  it('flags money in floating point, missing keys and naming in a table review', () => {
    const messy = answerFromSchema(
      {
        tables: [
          ...bookstore.tables,
          {
            name: 'refund',
            columns: [
              {
                name: 'order_id',
                type: 'bigint',
                nullable: true,
                primaryKey: false,
                unique: false,
                references: { table: 'orders', column: 'id' },
              },
              {
                name: 'amountPaid',
                type: 'double precision',
                nullable: false,
                primaryKey: false,
                unique: false,
              },
              {
                name: 'refund_total',
                type: 'float',
                nullable: false,
                primaryKey: false,
                unique: false,
              },
            ],
            primaryKey: [],
            foreignKeys: [
              { columns: ['order_id'], references: { table: 'orders', columns: ['id'] } },
            ],
            indexes: [],
          },
        ],
      },
      'Is there anything wrong with the refund table?',
    ).markdown;
    expect(messy).toContain('**No primary key**');
    expect(messy).toContain(
      '**Money in floating point** — `amountPaid` (`double precision`), `refund_total` (`float`)',
    );
    expect(messy).toContain('columns mix camelCase (`amountPaid`) and snake_case');
    expect(messy).toContain('`refund` is singular while most tables are plural');
    expect(messy).toContain('**CHECK constraints:** none');
  });

  it('lists the tables that reference a table, or says it does not exist and names the closest', () => {
    const bookstoreAnswer = answerFromSchema(bookstore, 'Which tables reference customers?');
    expect(bookstoreAnswer.intent).toBe('referenced-by');
    expect(bookstoreAnswer.markdown).toBe(
      [
        '3 tables reference `customers` (3 foreign keys):',
        '',
        '- `addresses.customer_id` → `customers.id`',
        '- `orders.customer_id` → `customers.id`',
        '- `reviews.customer_id` → `customers.id`',
      ].join('\n'),
    );
    for (const [schema, closest] of [
      [ticketing, '`attendees`'],
      [billing, '`organizations`'],
      [learning, '`students`'],
    ] as const) {
      const { intent, markdown } = answerFromSchema(schema, 'Which tables reference customers?');
      expect(intent).toBe('referenced-by');
      expect(markdown).toContain('There is no table named `customers` in this schema');
      expect(markdown).toContain(`The closest tables are ${closest}`);
    }
  });

  it('shows CHECK constraints in table descriptions', () => {
    const { markdown } = answerFromSchema(ticketing, 'Describe the events table');
    expect(markdown).toContain(
      "**Checks:**\n- `status IN ('draft', 'on_sale', 'sold_out', 'cancelled', 'finished')` (on `status`)\n- `ends_at > starts_at`",
    );
  });

  it('writes only SQL that passes the SQL checker, for many questions on every demo schema', () => {
    const generic = [
      'Which indexes are missing?',
      'Review the design',
      'What are the relationships?',
      'Hello',
      'Write me a poem',
    ];
    const perSchema: Record<string, string[]> = {
      bookstore: [
        'How do I find the 5 best-selling authors?',
        'Top 10 best-selling books',
        'Which books have the most reviews?',
        'highest rated books',
        'Which publishers earn the most revenue?',
        'Which customers spent the most money?',
        'Top 5 categories by sales',
        'Is there anything wrong with the reviews table?',
        'Any issues with order_items?',
        'How do I join authors with order items?',
        'How are reviews and customers related?',
        'Which tables reference books?',
      ],
      ticketing: [
        'Which 5 events sold the most tickets?',
        'Which venues have the most events?',
        'Top 3 performers by tickets sold',
        'Which organizers make the most revenue?',
        'Is there anything wrong with the tickets table?',
        'How are check_ins and events related?',
        'Which tables reference venues?',
      ],
      billing: [
        'Which organizations bring in the highest revenue?',
        'Top 5 plans by subscriptions',
        'Which coupons are used the most in discounts?',
        'Review the invoices table',
        'How do I join payments with organizations?',
        'Which tables reference invoices?',
      ],
      learning: [
        'Which courses have the most students?',
        'What are the top 3 highest rated courses?',
        'Which instructors have the most enrollments?',
        'Which lessons have the most progress?',
        'Is there anything wrong with lesson_progress?',
        'How are certificates and courses related?',
        'Which tables reference students?',
      ],
      shop: [
        'Top 5 best-selling products',
        'Which customers spent the most?',
        'review the orders table',
      ],
    };
    let blocks = 0;
    for (const [name, schema] of Object.entries(schemas)) {
      const tableQuestions = schema.tables.flatMap((table) => [
        `Describe the ${table.name} table`,
        `Is there anything wrong with the ${table.name} table?`,
        `Which tables reference ${table.name}?`,
        `Top 5 ${table.name}`,
      ]);
      for (const question of [...generic, ...(perSchema[name] ?? []), ...tableQuestions]) {
        const { markdown } = answerFromSchema(schema, question);
        for (const block of checkAnswerSql(markdown, schema).blocks) {
          blocks++;
          expect({ name, question, block }).toEqual({
            name,
            question,
            block: { ...block, status: 'ok', unknown: [] },
          });
        }
      }
    }
    expect(blocks).toBeGreaterThan(60);
  });
});
