// PostgresProjectStore: owner-scoped projects in Postgres (each test in its own schema), alone or
// sharing the chat store's pool and schema.

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { dropTestSchema, newTestSchema } from '../../test/helpers/postgres-test-schema.js';
import { serviceUrl } from '../../test/helpers/test-services.js';
import { PostgresChatStore } from '../stores/postgres-chat-store.js';
import { PostgresProjectStore } from './postgres-project-store.js';
import type { ChatUser, Project, StructuredSchema } from './project-resolver.js';
import { toProjectResolver } from './project-resolver.js';

const url = serviceUrl('postgres', inject('testServices'));

const ALICE: ChatUser = { id: 'user-alice', claims: { sub: 'user-alice' } };
const BOB: ChatUser = { id: 'user-bob', claims: { sub: 'user-bob' } };
const SHOP_DDL = `CREATE TABLE customers (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (id uuid PRIMARY KEY, customer_id uuid REFERENCES customers (id)); -- «note» 📦`;
const BLOG_SCHEMA: StructuredSchema = {
  tables: [
    {
      name: 'posts',
      description: 'Articles, صفحات',
      columns: [
        { name: 'id', type: 'bigint', primaryKey: true },
        { name: 'author_id', type: 'bigint', references: { table: 'authors', column: 'id' } },
      ],
    },
    { name: 'authors', columns: [{ name: 'id', type: 'bigint', primaryKey: true }] },
  ],
};

describe.skipIf(url === undefined)('PostgresProjectStore', () => {
  const databaseUrl = url as string;
  let schema: string;
  let store: PostgresProjectStore;
  const closers: (() => Promise<void>)[] = [];
  const open = () => {
    const opened = new PostgresProjectStore({ connectionString: databaseUrl, schema });
    closers.push(() => opened.close());
    return opened;
  };

  beforeEach(() => {
    schema = newTestSchema();
    store = open();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await dropTestSchema(databaseUrl, schema);
  });

  it('returns its own project with a DDL or a structured schema exactly as saved', async () => {
    const shop: Project = { id: 'shop', name: 'Shop', schema: SHOP_DDL };
    const blog: Project = { id: 'blog', name: 'Blog', schema: BLOG_SCHEMA };

    expect(await store.upsert(ALICE.id, shop)).toBe(true);
    expect(await store.upsert(ALICE.id, blog)).toBe(true);

    expect(await store.get('shop', ALICE)).toEqual(shop);
    expect(await store.get('blog', ALICE)).toEqual(blog);
  });

  it("returns undefined for another owner's project and for an unknown id", async () => {
    await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(await store.get('shop', BOB)).toBeUndefined();
    expect(await store.get('nothing-here', ALICE)).toBeUndefined();
  });

  it("lists only the user's projects, by name (case-insensitive, numbers in order)", async () => {
    for (const [id, name] of [
      ['p10', 'Project 10'],
      ['p2', 'Project 2'],
      ['beta', 'beta'],
      ['alpha', 'Alpha'],
    ] as const) {
      await store.upsert(ALICE.id, { id, name, schema: SHOP_DDL });
    }
    await store.upsert(BOB.id, { id: 'bobs', name: 'Aardvark', schema: SHOP_DDL });

    expect(await store.list(ALICE)).toEqual([
      { id: 'alpha', name: 'Alpha' },
      { id: 'beta', name: 'beta' },
      { id: 'p2', name: 'Project 2' },
      { id: 'p10', name: 'Project 10' },
    ]);
    expect(await store.list(BOB)).toEqual([{ id: 'bobs', name: 'Aardvark' }]);
    expect(await store.list({ id: 'user-nobody', claims: {} })).toEqual([]);
  });

  it("replaces its owner's project but never another owner's", async () => {
    await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(await store.upsert(ALICE.id, { id: 'shop', name: 'Shop v2', schema: BLOG_SCHEMA })).toBe(
      true,
    );
    expect(
      await store.upsert(BOB.id, { id: 'shop', name: 'Hijacked', schema: 'DROP TABLE x;' }),
    ).toBe(false);
    expect(await store.get('shop', ALICE)).toEqual({
      id: 'shop',
      name: 'Shop v2',
      schema: BLOG_SCHEMA,
    });
    expect(await store.get('shop', BOB)).toBeUndefined();
  });

  it("deletes its owner's project and refuses others'", async () => {
    await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect(await store.delete(BOB.id, 'shop')).toBe(false);
    expect(await store.get('shop', ALICE)).toBeDefined();
    expect(await store.delete(ALICE.id, 'shop')).toBe(true);
    expect(await store.get('shop', ALICE)).toBeUndefined();
    expect(await store.delete(ALICE.id, 'shop')).toBe(false);
  });

  it('rejects a malformed project with VALIDATION_FAILED naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ id: '', name: 'Shop', schema: SHOP_DDL }, /project\.id/],
      [{ id: 'shop', name: '  ', schema: SHOP_DDL }, /project\.name/],
      [{ id: 'shop', name: 'Shop', schema: 42 }, /project\.schema must be/],
      [{ id: 'shop', name: 'Shop', schema: { tables: [{ name: 't' }] } }, /tables\[0\]/],
      [{ id: 'shop', name: 'Shop', schema: 'CREATE TABLE t (\u0000);' }, /NUL/],
    ];
    for (const [project, message] of cases) {
      const failure = await store.upsert(ALICE.id, project as Project).catch((error) => error);
      expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect((failure as Error).message).toMatch(message);
    }
    await expect(store.upsert('', { id: 'shop', name: 'Shop', schema: SHOP_DDL })).rejects.toThrow(
      /owner id/,
    );
    expect(await store.list(ALICE)).toEqual([]);
  });

  it('keeps projects across instances, migrating once when several start together', async () => {
    const others = Array.from({ length: 4 }, () => open());
    await Promise.all([store, ...others].map((instance) => instance.migrate()));
    await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    expect((await (others[3] as PostgresProjectStore).get('shop', ALICE))?.schema).toBe(SHOP_DDL);
    const pool = new pg.Pool({ connectionString: databaseUrl });
    try {
      const { rows } = await pool.query(
        `SELECT component, version FROM "${schema}".schema_chat_migrations`,
      );
      expect(rows).toEqual([{ component: 'projects', version: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('works as the router resolver, resolving per user', async () => {
    await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });
    const resolver = toProjectResolver(store);

    expect((await resolver.get('shop', ALICE))?.name).toBe('Shop');
    expect(await resolver.get('shop', BOB)).toBeUndefined();
    expect(await resolver.list?.(ALICE)).toEqual([{ id: 'shop', name: 'Shop' }]);
  });

  it('lives beside the chat store on its pool and schema, each with its own version', async () => {
    const chatStore = new PostgresChatStore({ connectionString: databaseUrl, schema });
    closers.push(() => chatStore.close());
    const projects = new PostgresProjectStore({ pool: chatStore.pool, schema });
    await Promise.all([chatStore.migrate(), projects.migrate()]);
    await projects.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });

    await projects.close();
    expect(chatStore.pool.ended).toBe(false);
    expect((await projects.get('shop', ALICE))?.name).toBe('Shop');
    expect(await chatStore.tokensUsedSince(ALICE.id, new Date(0))).toBe(0);
    const { rows } = await chatStore.pool.query(
      `SELECT component, version FROM "${schema}".schema_chat_migrations ORDER BY component`,
    );
    expect(rows).toEqual([
      { component: 'chat', version: 1 },
      { component: 'projects', version: 1 },
    ]);
  });
});
