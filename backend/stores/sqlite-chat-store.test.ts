// SqliteChatStore: the contract suite on a file and in memory, plus what only SQLite has — pragmas,
// migrations, query plans, integrity, lock timeouts and storage faults.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { describeChatStoreContract } from './chat-store.contract.js';
import type { BeginTurnInput } from './chat-store.js';
import { CHAT_SCHEMA_MIGRATIONS, CHAT_SCHEMA_VERSION } from './sqlite-chat-schema.js';
import { CHAT_STORE_SQL, SqliteChatStore } from './sqlite-chat-store.js';

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'schema-chat-store-'));
}

function turnInput(
  overrides: Partial<BeginTurnInput> & { question?: string } = {},
): BeginTurnInput {
  const { question = 'Which tables reference users?', ...rest } = overrides;
  return {
    conversationId: randomUUID(),
    projectId: 'project-shop',
    userMessage: { id: randomUUID(), content: question },
    assistantMessage: { id: randomUUID(), model: 'test-model' },
    idempotencyKey: randomUUID(),
    now: new Date('2025-03-01T09:00:00.000Z'),
    ...rest,
  };
}

describeChatStoreContract('SqliteChatStore (temporary file)', async () => {
  const dir = makeTempDir();
  return {
    store: new SqliteChatStore({ path: join(dir, 'chat.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeChatStoreContract('SqliteChatStore (:memory:)', async () => ({
  store: new SqliteChatStore(),
}));

// A second connection, on another thread, that holds the write lock until told to release it (or
// for `holdMs`): better-sqlite3 blocks its thread while waiting for a lock, so the holder cannot
// live on the thread under test.
async function holdWriteLock(
  path: string,
  holdMs?: number,
): Promise<{ isHeld: () => boolean; release: () => Promise<void> }> {
  // [0]: set by us to release the lock early; [1]: set by the worker just before it commits (so
  // it is surely set by the time another connection gets the lock).
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.path);
    db.exec('BEGIN IMMEDIATE');
    parentPort.postMessage('locked');
    Atomics.wait(workerData.signal, 0, 0, workerData.holdMs ?? undefined);
    Atomics.store(workerData.signal, 1, 1);
    db.exec('COMMIT');
    db.close();
    `,
    { eval: true, workerData: { driver: BETTER_SQLITE3, path, signal, holdMs } },
  );
  const exited = new Promise<void>((resolve, reject) => {
    worker.once('exit', () => resolve());
    worker.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    isHeld: () => Atomics.load(signal, 1) === 0,
    release: async () => {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
      await exited;
    },
  };
}

// Bundles the store into plain JS that worker threads can import, better-sqlite3 left external.
async function bundleStore(outdir: string): Promise<string> {
  const outfile = join(outdir, 'sqlite-chat-store.mjs');
  await build({
    entryPoints: [new URL('./sqlite-chat-store.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-driver',
        setup(plugin) {
          plugin.onResolve({ filter: /^better-sqlite3$/ }, () => ({
            path: pathToFileURL(BETTER_SQLITE3).href,
            external: true,
          }));
        },
      },
    ],
  });
  return pathToFileURL(outfile).href;
}

// Runs `inputs[i]` in worker i, each with its own connection to `path`, released together by a
// barrier so that their transactions really overlap; resolves with each worker's result kinds.
async function beginTurnsInWorkers(
  bundleUrl: string,
  path: string,
  inputs: BeginTurnInput[][],
): Promise<string[]> {
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const workers = inputs.map(
    (turns) =>
      new Worker(
        `
        const { parentPort, workerData } = require('node:worker_threads');
        (async () => {
          const { SqliteChatStore } = await import(workerData.bundleUrl);
          const store = new SqliteChatStore({ path: workerData.path });
          const { barrier, parties } = workerData;
          if (Atomics.add(barrier, 0, 1) + 1 === parties) Atomics.notify(barrier, 0);
          for (let seen = Atomics.load(barrier, 0); seen < parties; seen = Atomics.load(barrier, 0)) {
            Atomics.wait(barrier, 0, seen);
          }
          const kinds = [];
          for (const turn of workerData.turns) {
            kinds.push((await store.beginTurn('user-alice', turn)).kind);
          }
          await store.close();
          parentPort.postMessage(kinds);
        })().catch((error) => parentPort.postMessage({ error: String(error) }));
        `,
        { eval: true, workerData: { bundleUrl, path, turns, barrier, parties: inputs.length } },
      ),
  );
  const results = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<unknown>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  await Promise.all(workers.map((worker) => worker.terminate()));
  return results.flatMap((result) => {
    if (!Array.isArray(result)) throw new Error(`worker failed: ${JSON.stringify(result)}`);
    return result as string[];
  });
}

describe('SqliteChatStore', () => {
  let dir: string;
  const stores: SqliteChatStore[] = [];

  function open(options: ConstructorParameters<typeof SqliteChatStore>[0] = {}): SqliteChatStore {
    const store = new SqliteChatStore({ path: join(dir, 'chat.db'), ...options });
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    dir = makeTempDir();
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('configures WAL, synchronous NORMAL, foreign keys and the busy timeout', () => {
    const store = open({ busyTimeoutMs: 1234 });
    const { database } = store;

    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(open().database.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('migrates a new file to the current schema version and reopens it idempotently', async () => {
    const path = join(dir, 'chat.db');
    const first = new SqliteChatStore({ path });
    expect(first.database.pragma('user_version', { simple: true })).toBe(CHAT_SCHEMA_VERSION);
    const turn = await first.beginTurn('user-alice', turnInput());
    await first.close();

    const reopened = open();
    expect(reopened.database.pragma('user_version', { simple: true })).toBe(CHAT_SCHEMA_VERSION);
    expect(turn.kind).toBe('started');
    if (turn.kind !== 'started') return;
    expect(await reopened.getConversation('user-alice', turn.conversation.id)).toEqual(
      turn.conversation,
    );
    // A second store on the same, already migrated file changes nothing.
    expect(() => open()).not.toThrow();
  });

  it('migrates a version-1 file with its rows to conversations named per user', async () => {
    const path = join(dir, 'chat.db');
    const v1 = new Database(path);
    v1.exec(CHAT_SCHEMA_MIGRATIONS[0] as string);
    v1.pragma('user_version = 1');
    const t0 = Date.parse('2025-03-01T09:00:00.000Z');
    const insertConversation = v1.prepare(
      `INSERT INTO conversations (id, user_id, project_id, title, created_at, updated_at)
       VALUES (?, ?, 'project-shop', ?, ?, ?)`,
    );
    const insertMessage = v1.prepare(
      `INSERT INTO messages (id, conversation_id, user_id, role, content, status, created_at,
         model, finish_reason, prompt_tokens, completion_tokens, total_tokens, idempotency_key)
       VALUES (@id, @conversationId, @userId, @role, @content, @status, @createdAt,
         @model, @finishReason, @prompt, @completion, @total, @key)`,
    );
    const none = { model: null, finishReason: null, prompt: null, completion: null, total: null };
    const [answered, streaming] = [randomUUID(), randomUUID()];
    insertConversation.run(answered, 'user-alice', 'Old question', t0, t0 + 1000);
    insertConversation.run(streaming, 'user-alice', 'Still answering', t0 + 2000, t0 + 2000);
    const answeredMessages = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const [index, id] of answeredMessages.entries()) {
      const user = index % 2 === 0;
      insertMessage.run({
        ...none,
        id,
        conversationId: answered,
        userId: 'user-alice',
        role: user ? 'user' : 'assistant',
        content: `message ${index}`,
        status: 'complete',
        createdAt: t0 + 1000 * Math.floor(index / 2),
        key: `key-${Math.floor(index / 2)}`,
        ...(user ? {} : { model: 'm', finishReason: 'stop', prompt: 10, completion: 5, total: 15 }),
      });
    }
    const streamingAnswer = randomUUID();
    for (const [role, id, status] of [
      ['user', randomUUID(), 'complete'],
      ['assistant', streamingAnswer, 'streaming'],
    ] as const) {
      insertMessage.run({
        ...none,
        id,
        conversationId: streaming,
        userId: 'user-alice',
        role,
        content: role === 'user' ? 'Still answering' : 'Half',
        status,
        createdAt: t0 + 2000,
        key: 'key-streaming',
      });
    }
    v1.prepare(
      `INSERT INTO deleted_usage (user_id, created_at, total_tokens) VALUES (?, ?, ?)`,
    ).run('user-alice', t0, 100);
    v1.close();

    const store = open();

    expect(store.database.pragma('user_version', { simple: true })).toBe(CHAT_SCHEMA_VERSION);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.database.pragma('foreign_key_check')).toEqual([]);
    expect(
      (await store.listConversations('user-alice', 'project-shop', { limit: 10 })).items,
    ).toMatchObject([
      { id: streaming, userId: 'user-alice', title: 'Still answering' },
      { id: answered, title: 'Old question', updatedAt: new Date(t0 + 1000).toISOString() },
    ]);
    // Message order and cursors survive (seq kept).
    const latest = await store.listMessages('user-alice', answered, { limit: 3 });
    expect(latest?.items.map((message) => message.id)).toEqual(answeredMessages.slice(1));
    const older = await store.listMessages('user-alice', answered, {
      limit: 3,
      cursor: latest?.nextCursor,
    });
    expect(older?.items.map((message) => message.id)).toEqual(answeredMessages.slice(0, 1));
    expect((await store.findTurn('user-alice', 'key-1'))?.assistantMessage).toMatchObject({
      id: answeredMessages[3],
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    });
    expect(await store.tokensUsedSince('user-alice', new Date(t0))).toBe(130);
    // The streaming answer still blocks its conversation and still finishes.
    expect(
      (await store.beginTurn('user-alice', turnInput({ conversationId: streaming }))).kind,
    ).toBe('busy');
    // Another user's id is now an unused id.
    expect((await store.beginTurn('user-bob', turnInput({ conversationId: answered }))).kind).toBe(
      'started',
    );
    expect(await store.interruptTurn('user-alice', streamingAnswer)).toBe(true);
    expect(await store.deleteConversation('user-alice', answered)).toBe(true);
    expect(await store.getConversation('user-bob', answered)).toMatchObject({ userId: 'user-bob' });
    expect(await store.tokensUsedSince('user-alice', new Date(t0))).toBe(130);
  });

  it('refuses a database written by a newer schema version', () => {
    const path = join(dir, 'chat.db');
    const db = new Database(path);
    db.pragma(`user_version = ${CHAT_SCHEMA_VERSION + 1}`);
    db.close();

    expect(() => new SqliteChatStore({ path })).toThrow(/newer than this schema-chat/);
  });

  it('plans every statement on an index, never a full table scan', () => {
    const { database } = open();
    for (const [name, sql] of Object.entries(CHAT_STORE_SQL)) {
      if (sql.trimStart().startsWith('INSERT INTO conversations')) continue;
      if (sql.trimStart().startsWith('INSERT INTO messages')) continue;
      if (sql.trimStart().startsWith('INSERT INTO answer_turns')) continue;
      // Bind every parameter (the values do not matter to the plan, only their presence).
      const named = [...sql.matchAll(/@(\w+)/g)].map((match) => match[1] as string);
      const positional = sql.split('?').length - 1;
      const explain = database.prepare(`EXPLAIN QUERY PLAN ${sql}`);
      const plan = (
        named.length > 0
          ? explain.all(Object.fromEntries(named.map((key) => [key, 0])))
          : explain.all(...Array.from({ length: positional }, () => 0))
      ) as { detail: string }[];
      const details = plan.map((row) => row.detail);
      const fullScans = details.filter((detail) => /^SCAN \w+$/.test(detail));
      expect({ name, fullScans }).toEqual({ name, fullScans: [] });
      expect({
        name,
        usesIndex: details.some((detail) => /INDEX|PRIMARY KEY/.test(detail)),
      }).toEqual({ name, usesIndex: true });
    }
  });

  it('passes PRAGMA integrity_check after a mixed workload', async () => {
    const store = open();
    for (let index = 0; index < 30; index += 1) {
      const user = `user-${index % 3}`;
      const turn = await store.beginTurn(user, turnInput({ question: `Question ${index} 🚀` }));
      if (turn.kind !== 'started') throw new Error('expected a started turn');
      await store.saveProgress(user, turn.assistantMessage.id, 'partial');
      if (index % 4 !== 0) {
        await store.finishTurn(user, turn.assistantMessage.id, {
          content: `Answer ${index}`,
          status: 'complete',
          finishReason: 'stop',
          usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
        });
      }
      if (index % 5 === 0) await store.deleteConversation(user, turn.conversation.id);
    }
    await store.recoverInterrupted();

    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.database.pragma('foreign_key_check')).toEqual([]);
  });

  it('waits for a lock held shorter than busy_timeout and then succeeds', async () => {
    const store = open({ busyTimeoutMs: 10_000 });
    const lock = await holdWriteLock(join(dir, 'chat.db'), 500);

    const heldAtStart = lock.isHeld();
    const result = await store.beginTurn('user-alice', turnInput());
    const heldAtEnd = lock.isHeld();

    // It started while the other connection held the lock and succeeded only after it let go.
    expect({ heldAtStart, heldAtEnd }).toEqual({ heldAtStart: true, heldAtEnd: false });
    expect(result.kind).toBe('started');
    await lock.release();
  });

  it('rejects with a retryable STORAGE_ERROR when a lock is held longer than busy_timeout', async () => {
    const store = open({ busyTimeoutMs: 50 });
    const lock = await holdWriteLock(join(dir, 'chat.db'));
    try {
      const failure = await store.beginTurn('user-alice', turnInput()).catch((error) => error);

      expect(failure).toBeInstanceOf(ChatError);
      expect(failure).toMatchObject({ code: 'STORAGE_ERROR', status: 503, retryable: true });
      expect((failure as ChatError).cause).toMatchObject({ code: 'SQLITE_BUSY' });
      expect((failure as ChatError).message).not.toMatch(/SQL|INSERT|SELECT|BEGIN|locked/i);
    } finally {
      await lock.release();
    }
    // Nothing half-written: once the lock is gone the same turn starts normally.
    expect((await store.beginTurn('user-alice', turnInput())).kind).toBe('started');
  });

  it('rejects with STORAGE_ERROR when the disk is full', async () => {
    const store = open();
    const turn = await store.beginTurn('user-alice', turnInput());
    if (turn.kind !== 'started') throw new Error('expected a started turn');
    // A page cap is how SQLite lets us simulate a full disk (SQLITE_FULL) without filling one.
    const pages = store.database.pragma('page_count', { simple: true }) as number;
    store.database.pragma(`max_page_count = ${pages + 1}`);

    const failure = await store
      .saveProgress('user-alice', turn.assistantMessage.id, 'x'.repeat(1_000_000))
      .catch((error) => error);

    expect(failure).toMatchObject({ code: 'STORAGE_ERROR', status: 503, retryable: true });
    expect((failure as ChatError).cause).toMatchObject({ code: 'SQLITE_FULL' });
    expect((failure as ChatError).message).not.toMatch(/SQL|UPDATE|full/i);
  });

  it('rejects a file that is not a database with STORAGE_ERROR, free of SQL text', () => {
    const path = join(dir, 'not-a-database.db');
    writeFileSync(path, 'This is not a SQLite file. '.repeat(200));

    let failure: unknown;
    try {
      new SqliteChatStore({ path });
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'STORAGE_ERROR', status: 503 });
    expect((failure as ChatError).cause).toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('shares a connection it was given and leaves it open on close', async () => {
    const database = new Database(join(dir, 'shared.db'));
    const store = new SqliteChatStore({ database });
    await store.beginTurn('user-alice', turnInput());

    await store.close();

    expect(store.database).toBe(database);
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });

  it('closes the connection it opened', async () => {
    const store = new SqliteChatStore({ path: join(dir, 'chat.db') });
    await store.close();
    expect(store.database.open).toBe(false);
    await store.close();
  });

  it('rejects bad options with a message naming the option', () => {
    const database = new Database(':memory:');
    expect(() => new SqliteChatStore({ path: join(dir, 'a.db'), database })).toThrow(
      /either `path` or `database`/,
    );
    expect(() => new SqliteChatStore({ busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => new SqliteChatStore({ busyTimeoutMs: 1.5 })).toThrow(/busyTimeoutMs/);
    expect(() => new SqliteChatStore({ path: '' })).toThrow(/`path`/);
    database.close();
    expect(() => new SqliteChatStore({ database })).toThrow(/open better-sqlite3 Database/);
  });

  it('serialises turns across two connections to one file', async () => {
    const first = open();
    const second = open();
    const turn = await first.beginTurn('user-alice', turnInput());
    if (turn.kind !== 'started') throw new Error('expected a started turn');

    const conversationId = turn.conversation.id;
    expect((await second.beginTurn('user-alice', turnInput({ conversationId }))).kind).toBe('busy');
    expect(
      (
        await second.beginTurn('user-alice', {
          ...turnInput(),
          idempotencyKey: turn.userMessage.idempotencyKey ?? '',
        })
      ).kind,
    ).toBe('duplicate');
    expect(await second.recoverInterrupted()).toBe(1);
    expect((await first.beginTurn('user-alice', turnInput({ conversationId }))).kind).toBe(
      'started',
    );
  });

  it('rejects invalid turn input as a bug (TypeError), not as a stored row', async () => {
    const store = open();
    await expect(
      store.beginTurn('user-alice', turnInput({ now: new Date(Number.NaN) })),
    ).rejects.toThrow(TypeError);
    await expect(
      store.finishTurn('user-alice', randomUUID(), {
        content: 'x',
        status: 'streaming' as 'complete',
        finishReason: 'stop',
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      }),
    ).rejects.toThrow(TypeError);
    expect(store.database.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({
      n: 0,
    });
  });

  // Ten rounds, each a race of four connections on the same new conversation (or key): with a
  // deferred transaction two of them regularly read "no such conversation" and collide.
  it('starts exactly one turn per conversation when four connections race to create it', async () => {
    const path = join(dir, 'chat.db');
    open(); // migrate the file first, as the server does at startup
    const bundleUrl = await bundleStore(dir);
    const conversationIds = Array.from({ length: 10 }, () => randomUUID());
    const inputs = Array.from({ length: 4 }, () =>
      conversationIds.map((conversationId) => turnInput({ conversationId })),
    );

    const kinds = await beginTurnsInWorkers(bundleUrl, path, inputs);

    expect(kinds).toHaveLength(40);
    expect(kinds.filter((kind) => kind === 'started')).toHaveLength(10);
    expect(kinds.filter((kind) => kind === 'busy')).toHaveLength(30);
    const check = open();
    expect(check.database.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 20 });
  });

  it('starts exactly one turn per idempotency key when four connections race with it', async () => {
    const path = join(dir, 'chat.db');
    open();
    const bundleUrl = await bundleStore(dir);
    const keys = Array.from({ length: 10 }, () => randomUUID());
    const inputs = Array.from({ length: 4 }, () =>
      keys.map((idempotencyKey) => turnInput({ idempotencyKey })),
    );

    const kinds = await beginTurnsInWorkers(bundleUrl, path, inputs);

    expect(kinds.filter((kind) => kind === 'started')).toHaveLength(10);
    expect(kinds.filter((kind) => kind === 'duplicate')).toHaveLength(30);
    const check = open();
    expect(check.database.prepare('SELECT count(*) AS n FROM conversations').get()).toEqual({
      n: 10,
    });
  });
});
