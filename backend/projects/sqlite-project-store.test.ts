// SqliteProjectStore: owner-scoped projects in SQLite, alone or sharing the chat store's connection.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_SCHEMA_VERSION } from '../stores/sqlite-chat-schema.js';
import { SqliteChatStore } from '../stores/sqlite-chat-store.js';
import type { ChatUser, Project, StructuredSchema } from './project-resolver.js';
import { toProjectResolver } from './project-resolver.js';
import { SqliteProjectStore } from './sqlite-project-store.js';

const ALICE: ChatUser = { id: 'user-alice', claims: { sub: 'user-alice' } };
const BOB: ChatUser = { id: 'user-bob', claims: { sub: 'user-bob' } };

const SHOP_DDL = `CREATE TABLE customers (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  note text -- «commentaire» 📦
);`;

const BLOG_SCHEMA: StructuredSchema = {
  tables: [
    {
      name: 'posts',
      description: 'Articles, صفحات',
      columns: [
        { name: 'id', type: 'bigint', primaryKey: true },
        { name: 'author_id', type: 'bigint', references: { table: 'authors', column: 'id' } },
        { name: 'title', type: 'varchar(200)', nullable: false, default: "''" },
      ],
    },
    { name: 'authors', columns: [{ name: 'id', type: 'bigint', primaryKey: true }] },
  ],
};

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

  it('returns its own project with a DDL or a structured schema exactly as saved', () => {
    const shop: Project = { id: 'shop', name: 'Shop', schema: SHOP_DDL };
    const blog: Project = { id: 'blog', name: 'Blog', schema: BLOG_SCHEMA };

    expect(store.upsert(ALICE.id, shop)).toBe(true);
    expect(store.upsert(ALICE.id, blog)).toBe(true);

    expect(store.get('shop', ALICE)).toEqual(shop);
    expect(store.get('blog', ALICE)).toEqual(blog);
  });

  it("returns undefined for another owner's project and for an unknown id", () => {
    store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(store.get('shop', BOB)).toBeUndefined();
    expect(store.get('nothing-here', ALICE)).toBeUndefined();
  });

  it("lists only the user's projects, by name (case-insensitive, numbers in order)", () => {
    for (const [id, name] of [
      ['p10', 'Project 10'],
      ['p2', 'Project 2'],
      ['beta', 'beta'],
      ['alpha', 'Alpha'],
    ]) {
      store.upsert(ALICE.id, { id: id as string, name: name as string, schema: SHOP_DDL });
    }
    store.upsert(BOB.id, { id: 'bobs', name: 'Aardvark', schema: SHOP_DDL });

    expect(store.list(ALICE)).toEqual([
      { id: 'alpha', name: 'Alpha' },
      { id: 'beta', name: 'beta' },
      { id: 'p2', name: 'Project 2' },
      { id: 'p10', name: 'Project 10' },
    ]);
    expect(store.list(BOB)).toEqual([{ id: 'bobs', name: 'Aardvark' }]);
    expect(store.list({ id: 'user-nobody', claims: {} })).toEqual([]);
  });

  it("replaces its owner's project but never another owner's", () => {
    store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(store.upsert(ALICE.id, { id: 'shop', name: 'Shop v2', schema: BLOG_SCHEMA })).toBe(true);
    expect(store.get('shop', ALICE)).toEqual({ id: 'shop', name: 'Shop v2', schema: BLOG_SCHEMA });

    expect(store.upsert(BOB.id, { id: 'shop', name: 'Hijacked', schema: 'DROP TABLE x;' })).toBe(
      false,
    );
    expect(store.get('shop', ALICE)).toEqual({ id: 'shop', name: 'Shop v2', schema: BLOG_SCHEMA });
    expect(store.get('shop', BOB)).toBeUndefined();
  });

  it("deletes its owner's project and refuses others'", () => {
    store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(store.delete(BOB.id, 'shop')).toBe(false);
    expect(store.get('shop', ALICE)).toBeDefined();
    expect(store.delete(ALICE.id, 'shop')).toBe(true);
    expect(store.get('shop', ALICE)).toBeUndefined();
    expect(store.delete(ALICE.id, 'shop')).toBe(false);
  });

  it('rejects a malformed project with VALIDATION_FAILED naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ id: '', name: 'Shop', schema: SHOP_DDL }, /project\.id/],
      [{ id: 'shop', name: '  ', schema: SHOP_DDL }, /project\.name/],
      [{ id: 'shop', name: 'Shop', schema: 42 }, /project\.schema must be/],
      [{ id: 'shop', name: 'Shop', schema: { tables: [{ name: 't' }] } }, /tables\[0\]/],
      [
        { id: 'shop', name: 'Shop', schema: { tables: [{ name: 't', columns: [{ name: 'c' }] }] } },
        /tables\[0\]\.columns\[0\]/,
      ],
    ];
    for (const [project, message] of cases) {
      expect(() => store.upsert(ALICE.id, project as Project)).toThrow(message);
      try {
        store.upsert(ALICE.id, project as Project);
      } catch (error) {
        expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      }
    }
    expect(() => store.upsert('', { id: 'shop', name: 'Shop', schema: SHOP_DDL })).toThrow(
      /owner id/,
    );
    expect(store.list(ALICE)).toEqual([]);
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

  it('works as the router resolver, resolving per user', async () => {
    store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });
    const resolver = toProjectResolver(store);

    expect((await resolver.get('shop', ALICE))?.name).toBe('Shop');
    expect(await resolver.get('shop', BOB)).toBeUndefined();
    expect(await resolver.list?.(ALICE)).toEqual([{ id: 'shop', name: 'Shop' }]);
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
