// Where the demo keeps its data: one SQLite file and in-memory runs (the zero-configuration
// default), or Postgres and Redis when SCHEMA_CHAT_DATABASE_URL / SCHEMA_CHAT_REDIS_URL are set,
// so several demo processes serve one set of users, projects and conversations. The Postgres and
// Redis entries (and their drivers, optional peers) load only when asked for.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ChatStore, Project, ProjectResolverLike, RunRegistry } from 'schema-chat/express';
import type { DemoConfig } from './resolve-demo-config.ts';

/** A project store the demo can seed. */
export interface SeedableProjects {
  upsert(ownerId: string, project: Project): boolean | Promise<boolean>;
}

/** The demo's storage, and how to close it. */
export interface DemoStorage {
  store: ChatStore;
  projects: ProjectResolverLike & SeedableProjects;
  /** The shared run registry, with Redis. */
  runs?: RunRegistry;
  /** The shared request limit, with Redis. */
  rateLimitStore?: () => import('express-rate-limit').Store;
  /** Says where the data lives, for the console. */
  description: string;
  close(): Promise<void>;
}

/** Opens what `config` names. */
export async function openDemoStorage(config: DemoConfig): Promise<DemoStorage> {
  const closers: Array<() => unknown> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    let store: ChatStore;
    let projects: DemoStorage['projects'];
    let where: string;
    if (config.databaseUrl) {
      const { PostgresChatStore, PostgresProjectStore } = await import('schema-chat/postgres');
      const chatStore = new PostgresChatStore({ connectionString: config.databaseUrl });
      closers.push(() => chatStore.close());
      // One pool for both stores.
      const projectStore = new PostgresProjectStore({ pool: chatStore.pool });
      closers.push(() => projectStore.close());
      await chatStore.migrate();
      store = chatStore;
      projects = projectStore;
      where = `Postgres at ${redact(config.databaseUrl)}`;
    } else {
      const { SqliteChatStore, SqliteProjectStore } = await import('schema-chat/express');
      if (config.databasePath !== ':memory:') {
        mkdirSync(dirname(config.databasePath), { recursive: true });
      }
      const chatStore = new SqliteChatStore({ path: config.databasePath });
      closers.push(() => chatStore.close());
      // One file, one connection: the projects live beside the conversations.
      const projectStore = new SqliteProjectStore({ database: chatStore.database });
      closers.push(() => projectStore.close());
      store = chatStore;
      projects = projectStore;
      where = config.databasePath;
    }
    if (!config.redisUrl) return { store, projects, description: where, close };
    const [{ Redis }, { RedisRunRegistry, createRedisRateLimitStore }] = await Promise.all([
      import('ioredis'),
      import('schema-chat/redis'),
    ]);
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    // A Redis that restarts must not crash the demo: ioredis reconnects by itself.
    redis.on('error', () => {});
    closers.push(() => redis.disconnect());
    const runs = new RedisRunRegistry({ redis });
    closers.push(() => runs.close());
    return {
      store,
      projects,
      runs,
      rateLimitStore: createRedisRateLimitStore(redis),
      description: `${where}, runs and limits shared on Redis at ${redact(config.redisUrl)}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A URL without its password, for the console. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
