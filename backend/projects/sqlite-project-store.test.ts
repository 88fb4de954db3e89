// SqliteProjectStore: the project store contract, plus what only SQLite has — one file reopened,
// its version row, and sharing the chat store's connection.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_SCHEMA_VERSION } from '../stores/sqlite-chat-schema.js';
import { SqliteChatStore } from '../stores/sqlite-chat-store.js';
import { ALICE, describeProjectStoreContract, SHOP_DDL } from './project-store.contract.js';
import { SqliteProjectStore } from './sqlite-project-store.js';

describeProjectStoreContract('SqliteProjectStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-chat-projects-'));
  const store = new SqliteProjectStore({ path: join(dir, 'projects.db') });
  return {
    store,
    cleanup: async () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteProjectStore', () => {
  let dir: string;
  let store: SqliteProjectStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'schema-chat-projects-'));
    store = new SqliteProjectStore({ path: join(dir, 'projects.db') });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps projects across reopening the file, migrating only once', () => {
    store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });
    store.close();

    store = new SqliteProjectStore({ path: join(dir, 'projects.db') });
    const again = new SqliteProjectStore({ path: join(dir, 'projects.db') });

    expect(store.get('shop', ALICE)?.schema).toBe(SHOP_DDL);
    expect(
      store.database.prepare('SELECT component, version FROM schema_chat_versions').all(),
    ).toEqual([{ component: 'projects', version: 1 }]);
    again.close();
  });

  it('refuses a database written by a newer project schema', () => {
    store.database.prepare(`UPDATE schema_chat_versions SET version = 99`).run();
    store.close();

    expect(() => new SqliteProjectStore({ path: join(dir, 'projects.db') })).toThrow(
      /newer than this schema-chat/,
    );
    store = new SqliteProjectStore();
  });
});

describe('SqliteProjectStore sharing the chat store connection', () => {
  it('lives beside the chat store in one database without touching its schema version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-chat-shared-'));
    try {
      const chatStore = new SqliteChatStore({ path: join(dir, 'schema-chat.db') });
      const projects = new SqliteProjectStore({ database: chatStore.database });
      projects.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

      const turn = await chatStore.beginTurn(ALICE.id, {
        conversationId: 'c6b1c2f4-4a39-4d4f-9f6a-0c1e9b1a2f10',
        projectId: 'shop',
        userMessage: { id: 'a3d3b6a8-6c52-4b0f-8a58-1f5a4cde0b11', content: 'Which tables?' },
        assistantMessage: { id: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a12', model: 'offline' },
        idempotencyKey: 'key-1',
        now: new Date('2025-03-01T09:00:00.000Z'),
      });
      expect(turn.kind).toBe('started');
      expect(chatStore.database.pragma('user_version', { simple: true })).toBe(CHAT_SCHEMA_VERSION);

      projects.close();
      expect(chatStore.database.open).toBe(true);
      expect(projects.get('shop', ALICE)?.name).toBe('Shop');
      await chatStore.close();
      expect(chatStore.database.open).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works when created before the chat store on a shared connection', async () => {
    const database = new Database(':memory:');
    const projects = new SqliteProjectStore({ database });
    const chatStore = new SqliteChatStore({ database });

    projects.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });
    expect(projects.list(ALICE)).toEqual([{ id: 'shop', name: 'Shop' }]);
    expect(database.pragma('user_version', { simple: true })).toBe(CHAT_SCHEMA_VERSION);
    expect(await chatStore.tokensUsedSince(ALICE.id, new Date(0))).toBe(0);
    database.close();
  });
});
