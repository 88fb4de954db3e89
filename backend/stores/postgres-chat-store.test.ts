// PostgresChatStore: the contract suite on a real Postgres (each test in its own schema, dropped
// after), plus what only Postgres has — migrations under a lock, the streaming index shared by
// instances, one checkpoint statement per tick, query plans, options, and faults: Postgres down,
// then back.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropTestSchema, newTestSchema } from '../../test/helpers/postgres-test-schema.js';
import { startPostgres, type TestPostgres } from '../../test/helpers/start-postgres.js';
import { serviceUrl } from '../../test/helpers/test-services.js';
import { ChatError } from '../errors.js';
import { describeChatStoreContract } from './chat-store.contract.js';
import type { BeginTurnInput, BeginTurnResult } from './chat-store.js';
import { POSTGRES_CHAT_MIGRATIONS } from './postgres-chat-schema.js';
import { PostgresChatStore, postgresChatSql } from './postgres-chat-store.js';

const url = serviceUrl('postgres', inject('testServices'));

function turnInput(overrides: Partial<BeginTurnInput> = {}): BeginTurnInput {
  return {
    conversationId: randomUUID(),
    projectId: 'project-shop',
    userMessage: { id: randomUUID(), content: 'Which tables reference users?' },
    assistantMessage: { id: randomUUID(), model: 'test-model' },
    idempotencyKey: randomUUID(),
    now: new Date('2025-03-01T09:00:00.000Z'),
    ...overrides,
  };
}

function started(result: BeginTurnResult): Extract<BeginTurnResult, { kind: 'started' }> {
  if (result.kind !== 'started') throw new Error(`expected a started turn, got ${result.kind}`);
  return result;
}

const FINISHED = {
  content: 'Done.',
  status: 'complete',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
} as const;

describe.skipIf(url === undefined)('PostgresChatStore', () => {
  const databaseUrl = url as string;

  describeChatStoreContract('PostgresChatStore', async () => {
    const schema = newTestSchema();
    return {
      store: new PostgresChatStore({ connectionString: databaseUrl, schema }),
      cleanup: () => dropTestSchema(databaseUrl, schema),
    };
  });

  describe('on its own schema', () => {
    let schema: string;
    const closers: (() => Promise<void>)[] = [];
    const open = (options: ConstructorParameters<typeof PostgresChatStore>[0] = {}) => {
      const store = new PostgresChatStore({ connectionString: databaseUrl, schema, ...options });
      closers.push(() => store.close());
      return store;
    };
    const newPool = () => {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
      pool.on('error', () => {});
      closers.push(() => pool.end());
      return pool;
    };

    beforeAll(() => {
      schema = newTestSchema();
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      await dropTestSchema(databaseUrl, schema);
      schema = newTestSchema();
    });

    it('migrates an empty schema once when six instances start together, with no error', async () => {
      const stores = Array.from({ length: 6 }, () => open());

      await Promise.all(stores.map((store) => store.migrate()));

      const pool = newPool();
      const { rows } = await pool.query(
        `SELECT component, version FROM "${schema}".schema_chat_migrations ORDER BY version`,
      );
      // Each version applied once, however many instances raced to apply it.
      expect(rows).toEqual(
        POSTGRES_CHAT_MIGRATIONS.map((_, index) => ({ component: 'chat', version: index + 1 })),
      );
      // Every instance works on the one set of tables.
      const turn = started(await (stores[0] as PostgresChatStore).beginTurn('alice', turnInput()));
      expect(
        await (stores[5] as PostgresChatStore).getConversation('alice', turn.conversation.id),
      ).toEqual(turn.conversation);
    });

    it('refuses a schema written by a newer chat schema version', async () => {
      await open().migrate();
      const pool = newPool();
      await pool.query(
        `INSERT INTO "${schema}".schema_chat_migrations (component, version) VALUES ('chat', 99)`,
      );

      await expect(open().migrate()).rejects.toThrow(/version 99, newer than this schema-chat/);
    });

    it('lets one of two instances start a turn in a conversation: a partial unique index decides', async () => {
      const [first, second] = [open(), open()];
      await first.migrate();
      const conversationId = randomUUID();

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? first : second).beginTurn('alice', turnInput({ conversationId })),
        ),
      );

      expect(results.filter((result) => result.kind === 'started')).toHaveLength(1);
      expect(results.filter((result) => result.kind === 'busy')).toHaveLength(9);
      // The rule lives in the database: a second streaming row is refused whoever writes it.
      const pool = newPool();
      const streaming = await pool.query(
        `SELECT id FROM "${schema}".messages WHERE status = 'streaming'`,
      );
      expect(streaming.rowCount).toBe(1);
      await expect(
        pool.query(
          `INSERT INTO "${schema}".messages (id, user_id, conversation_id, role, content, status, created_at)
           VALUES ($1, 'alice', $2, 'assistant', '', 'streaming', 0)`,
          [randomUUID(), conversationId],
        ),
      ).rejects.toMatchObject({
        code: '23505',
        constraint: 'messages_one_streaming_per_conversation',
      });
    });

    it('refuses the late saves of a dead owner once another instance settled its answer', async () => {
      const [owner, reaper] = [open(), open()];
      const turn = started(await owner.beginTurn('alice', turnInput()));
      await owner.saveProgress('alice', turn.assistantMessage.id, 'Half');

      expect(await reaper.interruptTurn('alice', turn.assistantMessage.id, 'Half an answer')).toBe(
        true,
      );
      await owner.saveProgress('alice', turn.assistantMessage.id, 'Half an answer and more');
      expect(await owner.finishTurn('alice', turn.assistantMessage.id, FINISHED)).toBe(false);

      expect(
        (await reaper.findTurn('alice', turn.userMessage.idempotencyKey ?? ''))?.assistantMessage,
      ).toMatchObject({ content: 'Half an answer', status: 'interrupted' });
    });

    it('sends the checkpoints of one event-loop turn as one statement, and later ones after it', async () => {
      const pool = newPool();
      const statements: string[] = [];
      let release: () => void = () => {};
      let hold = false;
      const query = pool.query.bind(pool) as (config: unknown) => Promise<unknown>;
      // Counts the checkpoint statements; while `hold` is set, keeps one in flight until released.
      pool.query = (async (config: { text: string }) => {
        if (config.text.includes('unnest(')) {
          statements.push(config.text);
          if (hold) await new Promise<void>((resolve) => (release = resolve));
        }
        return query(config);
      }) as typeof pool.query;
      const store = open({ connectionString: undefined, pool });
      const turns = [];
      for (let index = 0; index < 5; index += 1) {
        turns.push(started(await store.beginTurn('alice', turnInput())));
      }

      await Promise.all(
        turns.map((turn, index) =>
          store.saveProgress('alice', turn.assistantMessage.id, `partial ${index}`),
        ),
      );
      expect(statements).toHaveLength(1);

      hold = true;
      const [a, b] = turns as [(typeof turns)[0], (typeof turns)[0]];
      const first = store.saveProgress('alice', a.assistantMessage.id, 'a1');
      await new Promise((resolve) => setImmediate(resolve)); // a1 is in flight, held
      hold = false;
      const later = [
        store.saveProgress('alice', a.assistantMessage.id, 'a2'),
        store.saveProgress('alice', b.assistantMessage.id, 'b2'),
      ];
      await new Promise((resolve) => setImmediate(resolve));
      const last = store.saveProgress('alice', a.assistantMessage.id, 'a3');
      expect(statements).toHaveLength(2); // the rest wait for the one in flight
      release();
      await Promise.all([first, ...later, last]);

      expect(statements).toHaveLength(3);
      const contents = await Promise.all(
        turns.map(
          async (turn) =>
            (await store.findTurn('alice', turn.userMessage.idempotencyKey ?? ''))?.assistantMessage
              .content,
        ),
      );
      expect(contents).toEqual(['a3', 'b2', 'partial 2', 'partial 3', 'partial 4']);
    });

    it('plans every statement on an index when sequential scans are off', async () => {
      await open().migrate();
      const pool = newPool();
      const client = await pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        for (const [name, sql] of Object.entries(postgresChatSql(`"${schema}"`))) {
          // Plain inserts read nothing.
          if (
            name === 'insertConversation' ||
            name === 'insertMessages' ||
            name === 'insertVersion' ||
            name === 'insertAnswerTurn'
          ) {
            continue;
          }
          const count = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
          // Array parameters: every one of saveProgress's, the third of selectPreviousVersions.
          const values = Array.from({ length: count }, (_, index) =>
            name === 'saveProgress' || (name === 'selectPreviousVersions' && index === 2)
              ? []
              : '0',
          );
          const { rows } = await client.query(`EXPLAIN ${sql}`, values);
          const plan = rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n');
          expect({ name, seqScan: /Seq Scan/.test(plan) }).toEqual({ name, seqScan: false });
        }
      } finally {
        client.release();
      }
    });

    it('stores a NUL of an answer as U+FFFD (Postgres text cannot hold it)', async () => {
      const store = open();
      const input = turnInput();
      const turn = started(await store.beginTurn('alice', input));

      await store.saveProgress('alice', turn.assistantMessage.id, 'a\u0000b');
      expect((await store.findTurn('alice', input.idempotencyKey))?.assistantMessage.content).toBe(
        'a\uFFFDb',
      );
      expect(
        await store.finishTurn('alice', turn.assistantMessage.id, {
          ...FINISHED,
          content: '\u0000',
        }),
      ).toBe(true);
      expect((await store.findTurn('alice', input.idempotencyKey))?.assistantMessage.content).toBe(
        '\uFFFD',
      );
    });

    it('closes the pool it opened and leaves a given pool open', async () => {
      const own = new PostgresChatStore({ connectionString: databaseUrl, schema });
      await own.migrate();
      await own.close();
      expect(own.pool.ended).toBe(true);
      await own.close();

      const pool = newPool();
      const shared = new PostgresChatStore({ pool, schema });
      await shared.getConversation('alice', randomUUID());
      await shared.close();
      expect(pool.ended).toBe(false);
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });

  describe('options', () => {
    it('rejects an unknown option, naming the nearest one', () => {
      expect(() => new PostgresChatStore({ connectionstring: databaseUrl } as never)).toThrow(
        /unknown option `connectionstring` \(did you mean `connectionString`\?\)/,
      );
      expect(() => new PostgresChatStore({ shema: 'x' } as never)).toThrow(/did you mean `schema`/);
      expect(() => new PostgresChatStore({ database: 'x' } as never)).toThrow(
        /unknown option `database`; the options are `pool`, `connectionString`/,
      );
    });

    it('rejects bad options with a message naming the option', () => {
      const pool = new pg.Pool();
      expect(() => new PostgresChatStore({ pool, connectionString: databaseUrl })).toThrow(
        /either `pool` or `connectionString`/,
      );
      expect(() => new PostgresChatStore({ pool: {} as pg.Pool })).toThrow(/`pool` must be/);
      for (const schema of ['', '1abc', 'a-b', 'a"b', 'x'.repeat(64)]) {
        expect(() => new PostgresChatStore({ pool, schema })).toThrow(/`schema` must be/);
      }
      expect(() => new PostgresChatStore({ pool, maxConnections: 0 })).toThrow(/maxConnections/);
      expect(() => new PostgresChatStore({ pool, connectTimeoutMs: 1.5 })).toThrow(
        /connectTimeoutMs/,
      );
      void pool.end();
    });
  });

  describe('when Postgres is down', () => {
    let server: TestPostgres;
    let store: PostgresChatStore;

    beforeAll(async () => {
      server = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      await server?.close();
    });

    it('rejects with a retryable STORAGE_ERROR while stopped and works again once started', async () => {
      store = new PostgresChatStore({ connectionString: server.url, connectTimeoutMs: 2000 });
      const turn = started(await store.beginTurn('alice', turnInput()));

      await server.stop();
      const failures = await Promise.all([
        store.beginTurn('alice', turnInput()).catch((error: unknown) => error),
        store.saveProgress('alice', turn.assistantMessage.id, 'partial').catch((e: unknown) => e),
        store.finishTurn('alice', turn.assistantMessage.id, FINISHED).catch((e: unknown) => e),
        store.listConversations('alice', 'project-shop', { limit: 10 }).catch((e: unknown) => e),
      ]);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(ChatError);
        expect(failure).toMatchObject({ code: 'STORAGE_ERROR', status: 503, retryable: true });
        expect((failure as ChatError).message).not.toMatch(/SQL|SELECT|UPDATE|ECONN|postgres/i);
      }

      await server.start();
      // No restart of the store: the pool opens new connections by itself.
      expect(await store.finishTurn('alice', turn.assistantMessage.id, FINISHED)).toBe(true);
      expect(started(await store.beginTurn('alice', turnInput())).conversationCreated).toBe(true);
      expect(
        (await store.listConversations('alice', 'project-shop', { limit: 10 })).items,
      ).toHaveLength(2);
    });

    it('answers STORAGE_ERROR when the connection drops between two statements of a transaction', async () => {
      const pool = new pg.Pool({ connectionString: server.url });
      pool.on('error', () => {});
      let reached: () => void = () => {};
      let release: () => void = () => {};
      const atDelete = new Promise<void>((resolve) => (reached = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      // Holds the DELETE of deleteConversation (its second statement) until the server is gone.
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        client.query = (async (config: { text?: string }, ...rest: unknown[]) => {
          if (config?.text?.startsWith('DELETE FROM "dropping".conversations')) {
            reached();
            await gate;
          }
          return query(config, ...rest);
        }) as typeof client.query;
      });
      const dropping = new PostgresChatStore({ pool, schema: 'dropping' });
      try {
        const turn = started(await dropping.beginTurn('alice', turnInput()));
        const deleting = dropping
          .deleteConversation('alice', turn.conversation.id)
          .catch((error: unknown) => error);
        await atDelete;
        await server.stop(); // the client is between statements: its connection ends
        release();

        expect(await deleting).toMatchObject({ code: 'STORAGE_ERROR', status: 503 });
        await server.start();
        expect(await dropping.getConversation('alice', turn.conversation.id)).toEqual(
          turn.conversation,
        );
      } finally {
        release();
        await dropping.close();
        await pool.end();
      }
    });

    it('rejects with STORAGE_ERROR when nothing listens, and migrates once a server appears', async () => {
      await server.stop();
      const early = new PostgresChatStore({ connectionString: server.url, schema: 'late_start' });
      try {
        await expect(early.migrate()).rejects.toMatchObject({ code: 'STORAGE_ERROR', status: 503 });
        await server.start();
        expect(started(await early.beginTurn('alice', turnInput())).conversationCreated).toBe(true);
      } finally {
        await early.close();
      }
    });
  });
});
