// PostgresProjectStore: the project store contract on a real Postgres (each test in its own
// schema, dropped after), plus what only Postgres has — several instances migrating at once, a
// NUL refused, and sharing the chat store's pool and schema.

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { dropTestSchema, newTestSchema } from '../../test/helpers/postgres-test-schema.js';
import { serviceUrl } from '../../test/helpers/test-services.js';
import { POSTGRES_CHAT_MIGRATIONS } from '../stores/postgres-chat-schema.js';
import { PostgresChatStore } from '../stores/postgres-chat-store.js';
import { PostgresProjectStore } from './postgres-project-store.js';
import { ALICE, describeProjectStoreContract, SHOP_DDL } from './project-store.contract.js';

const url = serviceUrl('postgres', inject('testServices'));

describe.skipIf(url === undefined)('PostgresProjectStore', () => {
  const databaseUrl = url as string;

  describeProjectStoreContract('PostgresProjectStore', async () => {
    const schema = newTestSchema();
    const store = new PostgresProjectStore({ connectionString: databaseUrl, schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropTestSchema(databaseUrl, schema);
      },
    };
  });

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

  it('rejects a NUL character, which Postgres text cannot hold, with VALIDATION_FAILED', async () => {
    await expect(
      store.upsert(ALICE.id, { id: 'shop', name: 'Shop', schema: 'CREATE TABLE t (\u0000);' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      message: expect.stringMatching(/NUL/),
    });
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
      `SELECT component, max(version) AS version FROM "${schema}".schema_chat_migrations GROUP BY component ORDER BY component`,
    );
    expect(rows).toEqual([
      { component: 'chat', version: POSTGRES_CHAT_MIGRATIONS.length },
      { component: 'projects', version: 1 },
    ]);
  });
});
