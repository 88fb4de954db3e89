// OfflineChatModel and answerFromSchema on a realistic shop schema: every kind of answer, the
// streaming contract, and abort.

import { describe, expect, it, vi } from 'vitest';
import { estimateMessagesTokens, estimateTokens } from '../context/estimate-tokens.js';
import type { Project } from '../projects/project-resolver.js';
import { parseSchema } from '../schema/parse-schema.js';
import { SHOP_DDL } from '../schema/test-helpers/shop-schema.js';
import { answerFromSchema } from './answer-from-schema.js';
import type { ChatModelPart, ChatModelRequest } from './chat-model.js';
import { OfflineChatModel, remainderAfter, splitWords } from './offline-chat-model.js';

const shop: Project = { id: 'p1', name: 'Shop', schema: SHOP_DDL };
const schema = parseSchema(SHOP_DDL);
const answer = (question: string) => answerFromSchema(schema, question, 'Shop');

function request(question: string, project: Project = shop): ChatModelRequest {
  return {
    messages: [
      { role: 'system', content: 'You are the schema assistant.' },
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: question },
    ],
    project,
  };
}

async function run(
  model: OfflineChatModel,
  req: ChatModelRequest,
  signal = new AbortController().signal,
) {
  const parts: ChatModelPart[] = [];
  for await (const part of model.stream(req, { signal })) parts.push(part);
  return parts;
}

describe('OfflineChatModel, continuing a cut answer', () => {
  it('sends the rest of the same answer after the cut text', async () => {
    const model = new OfflineChatModel({ tokenDelayMs: 0 });
    const whole = answer('Describe the orders table').markdown;
    const cut = whole.slice(0, 40);
    const base = request('Describe the orders table');
    const parts = await run(model, {
      ...base,
      messages: [
        ...base.messages,
        { role: 'assistant', content: cut },
        { role: 'user', content: 'Continue exactly where it stopped.' },
      ],
      continues: cut,
    });
    const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(cut + text).toBe(whole);
  });

  it('closes an answer it cannot continue, and says when nothing was missing', () => {
    expect(remainderAfter('The whole answer.', 'Something else')).toMatch(/all I can add/);
    expect(remainderAfter('The whole answer.', 'The whole answer.')).toMatch(/whole answer/);
    expect(remainderAfter('The whole answer.', undefined)).toBe('The whole answer.');
  });
});

describe('OfflineChatModel', () => {
  it('is labelled offline in its id', () => {
    expect(new OfflineChatModel().id).toBe('schema-chat/offline');
    expect(new OfflineChatModel({ id: 'demo/offline' }).id).toBe('demo/offline');
  });

  it('streams the answer to the last user message in word-sized deltas, then a finish with estimated usage', async () => {
    const model = new OfflineChatModel({ tokenDelayMs: 0 });
    const req = request('Describe the orders table');
    const parts = await run(model, req);
    const expected = answer('Describe the orders table').markdown;
    const deltas = parts.filter((part) => part.type === 'text-delta').map((part) => part.text);
    expect(deltas.join('')).toBe(expected);
    expect(deltas.length).toBeGreaterThan(20);
    expect(deltas.every((delta) => delta.trim().length > 0 && !/\S\s+\S/.test(delta))).toBe(true);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: {
        promptTokens: estimateMessagesTokens(req.messages),
        completionTokens: estimateTokens(expected),
        totalTokens: estimateMessagesTokens(req.messages) + estimateTokens(expected),
      },
    });
  });

  it('paces deltas by tokenDelayMs: one more each time that much time passes', async () => {
    vi.useFakeTimers();
    try {
      const model = new OfflineChatModel({ tokenDelayMs: 20 });
      const parts: ChatModelPart[] = [];
      const done = (async () => {
        for await (const part of model.stream(request('hi'), {
          signal: new AbortController().signal,
        })) {
          parts.push(part);
        }
      })();
      await vi.advanceTimersByTimeAsync(19);
      expect(parts.length, 'none before the delay has passed').toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(parts.length).toBe(1);
      await vi.advanceTimersByTimeAsync(19);
      expect(parts.length).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(parts.length).toBe(2);
      await vi.runAllTimersAsync();
      await done;
    } finally {
      vi.useRealTimers();
    }
  });

  it('throws the abort reason between deltas and while waiting', async () => {
    const model = new OfflineChatModel({ tokenDelayMs: 5 });
    const controller = new AbortController();
    const reason = new Error('stopped');
    const seen: ChatModelPart[] = [];
    await expect(
      (async () => {
        for await (const part of model.stream(request('list the tables'), {
          signal: controller.signal,
        })) {
          seen.push(part);
          if (seen.length === 3) controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toHaveLength(3);

    const slow = new OfflineChatModel({ tokenDelayMs: 10_000 });
    const second = new AbortController();
    // Each delta waits 10 s: only the abort can end this wait within the test's time.
    setTimeout(() => second.abort(reason), 50);
    await expect(run(slow, request('hi'), second.signal)).rejects.toBe(reason);
  });

  it('reads structured schemas too, and says so when no project came with the request', async () => {
    const model = new OfflineChatModel({ tokenDelayMs: 0 });
    const structured: Project = {
      id: 'p2',
      name: 'Blog',
      schema: {
        tables: [{ name: 'posts', columns: [{ name: 'id', type: 'int', primaryKey: true }] }],
      },
    };
    const text = (parts: ChatModelPart[]) =>
      parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
    expect(text(await run(model, request('list the tables', structured)))).toContain(
      '- `posts` — 1 column',
    );
    const withoutProject = { messages: request('list the tables').messages };
    expect(text(await run(model, withoutProject))).toContain(
      'no project schema came with this question',
    );
  });

  it('rejects invalid options', () => {
    expect(() => new OfflineChatModel({ tokenDelayMs: -1 })).toThrow(/option "tokenDelayMs"/);
    expect(() => new OfflineChatModel({ id: '' })).toThrow(/option "id"/);
  });
});

describe('answerFromSchema', () => {
  it('greets, says it is offline and offers examples from the actual tables', () => {
    const { intent, markdown } = answer('Hello!');
    expect(intent).toBe('greeting');
    expect(markdown).toContain(
      "I'm the offline schema assistant for **Shop**. No AI model is connected",
    );
    expect(markdown).toContain('- "Describe the customers table"');
    expect(markdown).toContain('- "How are addresses and customers related?"');
  });

  it('lists the tables with a one-line summary each', () => {
    const { intent, markdown } = answer('What tables are there?');
    expect(intent).toBe('list-tables');
    expect(markdown.split('\n')).toEqual([
      'The schema has 8 tables:',
      '',
      '- `customers` — People who buy things; 4 columns; referenced by `addresses`, `orders`',
      '- `addresses` — 5 columns; references `customers`; referenced by `orders`',
      '- `categories` — 3 columns; references itself; referenced by `products`',
      '- `products` — 5 columns; references `categories`; referenced by `order_items`',
      '- `orders` — 5 columns; references `addresses`, `customers`; referenced by `order_items`, `payments`',
      '- `order_items` — 4 columns; references `orders`, `products`',
      '- `payments` — 5 columns; references `orders`',
      '- `audit_log` — 3 columns',
    ]);
  });

  it('describes a table: columns with types, nullability, keys and defaults, then its relations', () => {
    const { intent, markdown } = answer('tell me about the order table');
    expect(intent).toBe('describe');
    expect(markdown).toContain(
      [
        '### `orders`',
        '',
        '| Column | Type | Nullable | Key | Default |',
        '|---|---|---|---|---|',
        '| `id` | `bigserial` | no | PK |  |',
        '| `customer_id` | `uuid` | no | FK → `customers.id` |  |',
        '| `shipping_address_id` | `bigint` | yes | FK → `addresses.id` |  |',
        "| `status` | `text` | no |  | `'pending'` |",
        '| `placed_at` | `timestamptz` | no |  | `now()` |',
        '',
        '**Primary key:** `id`',
      ].join('\n'),
    );
    expect(markdown).toContain(
      '**Referenced by:**\n- `order_items.order_id` → `orders.id`\n- `payments.order_id` → `orders.id`',
    );
    expect(markdown).toContain('**Indexes:** (`customer_id`)');
  });

  it('explains a direct relation with its cardinality and a JOIN', () => {
    const { intent, markdown } = answer('How are payments and orders related?');
    expect(intent).toBe('relation');
    expect(markdown).toContain(
      '`payments.order_id` references `orders.id`: each `payments` row points to one `orders` row, and a `orders` row can have many `payments` rows (many-to-one).',
    );
    expect(markdown).toContain(
      '```sql\nSELECT p.*, o.*\nFROM payments AS p\nJOIN orders AS o ON p.order_id = o.id\nLIMIT 100;\n```',
    );
  });

  it('finds the foreign-key path between two distant tables and writes the JOIN query along it', () => {
    const { intent, markdown } = answer('How do I join order items with customers?');
    expect(intent).toBe('relation');
    expect(markdown).toBe(
      [
        '`order_items` and `customers` are connected through `orders`:',
        '',
        '1. `order_items.order_id` → `orders.id`',
        '2. `orders.customer_id` → `customers.id`',
        '',
        'A query that joins them:',
        '',
        '```sql',
        'SELECT oi.*, c.*',
        'FROM order_items AS oi',
        'JOIN orders AS o ON oi.order_id = o.id',
        'JOIN customers AS c ON o.customer_id = c.id',
        'LIMIT 100;',
        '```',
      ].join('\n'),
    );
  });

  it('says when no foreign-key path links two tables, and how to add one', () => {
    const { markdown } = answer('how is audit_log related to orders');
    expect(markdown).toContain('There is no foreign-key path between `audit_log` and `orders`');
    expect(markdown).toContain(
      'add a column such as `order_id` with a `REFERENCES orders` constraint',
    );
  });

  it('lists every relationship when asked without naming tables', () => {
    const { intent, markdown } = answer('What are the relationships?');
    expect(intent).toBe('relations-overview');
    expect(markdown).toContain('The schema has 8 foreign keys:');
    expect(markdown).toContain('- `order_items.product_id` → `products.id`');
  });

  it('counts tables, columns and keys, or one table’s columns', () => {
    expect(answer('How many tables are there?').markdown).toBe(
      'The schema has **8 tables** with **34 columns** in total and **8 foreign keys**.',
    );
    expect(answer('how many columns does payments have?').markdown).toBe(
      '`payments` has 5 columns: `id`, `order_id`, `amount_cents`, `provider`, `paid_at`.',
    );
  });

  it('suggests indexes for unindexed foreign keys and flags tables without a primary key', () => {
    const { intent, markdown } = answer('Which indexes are missing?');
    expect(intent).toBe('design');
    expect(markdown).toContain('- `payments.order_id` → `orders`');
    // orders.customer_id has an index, order_items.order_id leads the primary key: not suggested.
    expect(markdown).not.toContain('`orders.customer_id` →');
    expect(markdown).not.toContain('`order_items.order_id` →');
    expect(markdown).toContain(
      '```sql\nCREATE INDEX ON addresses (customer_id);\nCREATE INDEX ON categories (parent_id);\nCREATE INDEX ON products (category_id);\nCREATE INDEX ON orders (shipping_address_id);\nCREATE INDEX ON order_items (product_id);\nCREATE INDEX ON payments (order_id);\n```',
    );
    expect(markdown).toContain('**Tables without a primary key**');
    expect(markdown).toContain('`audit_log`');
  });

  it('flags *_id columns that have no foreign key, and reports a clean schema as clean', () => {
    const loose = parseSchema(`
      CREATE TABLE customers (id int PRIMARY KEY);
      CREATE TABLE invoices (id int PRIMARY KEY, customer_id int NOT NULL);
    `);
    expect(answerFromSchema(loose, 'review the design').markdown).toContain(
      '- `invoices.customer_id` looks like a key to `customers` but has no foreign key',
    );
    const clean = parseSchema(
      'CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id) UNIQUE);',
    );
    expect(answerFromSchema(clean, 'any design issues?').markdown).toMatch(
      /^No obvious issues: every table has a primary key/,
    );
  });

  it('falls back honestly for questions it cannot answer', () => {
    const { intent, markdown } = answer('Write me a poem about the sea');
    expect(intent).toBe('fallback');
    expect(markdown).toContain(
      "I'm the offline schema assistant for **Shop**: no AI model is connected",
    );
    expect(markdown).toContain('Try one of these:');
  });

  it('says so when the schema has no tables', () => {
    const { markdown } = answerFromSchema(parseSchema(''), 'list the tables', 'Empty');
    expect(markdown).toContain("this project's schema has no tables yet");
  });

  it('keeps odd names from breaking the Markdown table', () => {
    const odd = parseSchema(
      'CREATE TABLE "we`ird|name" ("a|b" text DEFAULT \'x|y\', "`tick" int);',
    );
    const { markdown } = answerFromSchema(odd, 'describe we`ird|name');
    const rows = markdown.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(7);
    expect(markdown).toContain('### ``we`ird|name``');
  });
});

describe('splitWords', () => {
  it('cuts text into pieces that join back exactly, keeping line breaks', () => {
    const text = '### `orders`\n\n| a | b |\n  indented  trailing  ';
    const pieces = splitWords(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces[0]).toBe('###');
    expect(pieces).toContain('\n\n|');
  });
});
