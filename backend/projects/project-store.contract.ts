// The contract of the SQL project stores (SqliteProjectStore, PostgresProjectStore): the vitest
// suite both run, given a new, empty store per test. Methods may answer directly or with a
// promise: the suite awaits either.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../sdk/protocol.js';
import type { ChatUser, Project, StructuredSchema } from './project-resolver.js';
import { toProjectResolver } from './project-resolver.js';

type MaybePromise<T> = T | Promise<T>;

/** What both project stores offer. */
export interface ProjectStoreUnderTest {
  get(projectId: string, user: ChatUser): MaybePromise<Project | undefined>;
  list(user: ChatUser): MaybePromise<ProjectSummary[]>;
  upsert(ownerId: string, project: Project): MaybePromise<boolean>;
  delete(ownerId: string, projectId: string): MaybePromise<boolean>;
}

/** What the factory of {@link describeProjectStoreContract} returns for each test. */
export interface ProjectStoreContractFixture {
  store: ProjectStoreUnderTest;
  /** Closes the store and deletes what it made. */
  cleanup: () => Promise<void>;
}

export const ALICE: ChatUser = { id: 'user-alice', claims: { sub: 'user-alice' } };
export const BOB: ChatUser = { id: 'user-bob', claims: { sub: 'user-bob' } };

export const SHOP_DDL = `CREATE TABLE customers (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  note text -- «commentaire» 📦
);`;

export const BLOG_SCHEMA: StructuredSchema = {
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

/** Defines the project store suite; `createStore` runs before every test. */
export function describeProjectStoreContract(
  name: string,
  createStore: () => Promise<ProjectStoreContractFixture>,
): void {
  describe(`project store contract: ${name}`, () => {
    let store: ProjectStoreUnderTest;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await createStore());
    });
    afterEach(async () => {
      await cleanup();
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

      expect(
        await store.upsert(ALICE.id, { id: 'shop', name: 'Shop v2', schema: BLOG_SCHEMA }),
      ).toBe(true);
      expect(await store.get('shop', ALICE)).toEqual({
        id: 'shop',
        name: 'Shop v2',
        schema: BLOG_SCHEMA,
      });

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
        [
          {
            id: 'shop',
            name: 'Shop',
            schema: { tables: [{ name: 't', columns: [{ name: 'c' }] }] },
          },
          /tables\[0\]\.columns\[0\]/,
        ],
      ];
      const upsert = (ownerId: string, project: unknown) =>
        Promise.resolve()
          .then(() => store.upsert(ownerId, project as Project))
          .catch((error: unknown) => error);
      for (const [project, message] of cases) {
        const failure = await upsert(ALICE.id, project);
        expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
        expect((failure as Error).message).toMatch(message);
      }
      expect(await upsert('', { id: 'shop', name: 'Shop', schema: SHOP_DDL })).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/owner id/),
      });
      expect(await store.list(ALICE)).toEqual([]);
    });

    it('works as the router resolver, resolving per user', async () => {
      await store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: SHOP_DDL });
      const resolver = toProjectResolver(store);

      expect((await resolver.get('shop', ALICE))?.name).toBe('Shop');
      expect(await resolver.get('shop', BOB)).toBeUndefined();
      expect(await resolver.list?.(ALICE)).toEqual([{ id: 'shop', name: 'Shop' }]);
    });
  });
}
