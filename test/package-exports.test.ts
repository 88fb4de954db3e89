// The built package as its users import it: `schema-chat/express` and `schema-chat/postgres` from
// ESM and CommonJS, `schema-chat/client`, and the type declarations the `exports` map points at.
// Needs `npm run build` first (`npm test` builds before running these), and Postgres for the
// Postgres entry (see test/helpers/test-services.ts).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dropTestSchema, newTestSchema } from './helpers/postgres-test-schema.js';
import { serviceUrl } from './helpers/test-services.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  type: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
/** Drivers of the several-instances entries: never installed for a user of the default. */
const OPTIONAL_DRIVERS = ['pg', 'ioredis', 'rate-limit-redis'];

beforeAll(() => {
  if (!existsSync(new URL('dist/express.js', root))) {
    throw new Error('dist/ is missing: run `npm run build` before this test.');
  }
});

describe('package.json', () => {
  it('is an ESM package for Node 22.18 or later with types listed first in every entry', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=22.18.0');
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect([entry, Object.keys(target)[0]]).toEqual([entry, 'types']);
      for (const file of Object.values(target)) expect(existsSync(new URL(file, root))).toBe(true);
    }
  });
});

describe('optional drivers', () => {
  it('are optional peer dependencies (and devDependencies), never dependencies', () => {
    for (const driver of OPTIONAL_DRIVERS) {
      expect([driver, pkg.dependencies[driver]]).toEqual([driver, undefined]);
      expect([driver, typeof pkg.peerDependencies[driver]]).toEqual([driver, 'string']);
      expect([driver, pkg.peerDependenciesMeta[driver]?.optional]).toEqual([driver, true]);
      expect([driver, typeof pkg.devDependencies[driver]]).toEqual([driver, 'string']);
    }
  });

  it('are never imported by the default entry', () => {
    for (const file of ['dist/express.js', 'dist/express.cjs']) {
      const code = readFileSync(new URL(file, root), 'utf8');
      for (const driver of OPTIONAL_DRIVERS) {
        const imports = new RegExp(`(from |require\\(|import\\()['"]${driver}['"]`);
        expect([file, driver, imports.test(code)]).toEqual([file, driver, false]);
      }
    }
  });
});

describe('schema-chat/express', () => {
  const secret = 'package-export-test-secret-0123456789';
  const serve = async (createChatRouter: (options: object) => express.Router) => {
    const { MemoryChatStore, OfflineChatModel } = await import('schema-chat/express');
    const app = express();
    app.use(
      '/api/v1/ai',
      createChatRouter({
        auth: { secret },
        projects: (id: string) =>
          id === 'p1'
            ? { id, name: 'Shop', schema: 'CREATE TABLE users (id INT PRIMARY KEY);' }
            : undefined,
        store: new MemoryChatStore(),
        model: new OfflineChatModel({ tokenDelayMs: 0 }),
        logger: { info() {}, warn() {}, error() {} },
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const token = jwt.sign({ sub: 'u1' }, secret, { expiresIn: 60 });
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/ai/chat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ projectId: 'p1', message: 'Which tables are there?' }),
    });
    const body = (await response.json()) as {
      message: { content: string };
      metadata: { model: string };
    };
    server.close();
    return { status: response.status, body };
  };

  it('works when imported from ESM', async () => {
    const { createChatRouter } = await import('schema-chat/express');
    const { status, body } = await serve(createChatRouter as never);
    expect(status).toBe(200);
    expect(body.metadata.model).toContain('offline');
    expect(body.message.content).toContain('users');
  });

  it('works when required from CommonJS', async () => {
    const require = createRequire(import.meta.url);
    const { createChatRouter } = require('schema-chat/express') as { createChatRouter: never };
    const { status } = await serve(createChatRouter);
    expect(status).toBe(200);
  });
});

describe('schema-chat/client', () => {
  it('exports createChatClient and the protocol constants', async () => {
    const client = await import('schema-chat/client');
    expect(typeof client.createChatClient).toBe('function');
    expect(client.PROTOCOL_VERSION).toBe(1);
  });

  it('loads from CommonJS too, with a working client', async () => {
    const require = createRequire(import.meta.url);
    const client = require('schema-chat/client') as typeof import('schema-chat/client');
    expect(client.PROTOCOL_VERSION).toBe(1);
    const calls: string[] = [];
    const chat = client.createChatClient({
      baseUrl: 'https://api.example/api/v1/ai',
      token: 't',
      fetch: async (input) => {
        calls.push(String(input));
        return new Response(JSON.stringify({ items: [] }), {
          headers: { 'Content-Type': 'application/json' },
        });
      },
    });
    expect(await chat.listConversations('shop')).toEqual({ items: [] });
    expect(calls).toEqual(['https://api.example/api/v1/ai/conversations?projectId=shop']);
  });
});

describe('LICENSE', () => {
  it('is the license package.json names', () => {
    const license = readFileSync(new URL('LICENSE', root), 'utf8');
    expect((pkg as { license?: string }).license).toBe('MIT');
    expect(license).toMatch(/^MIT License/);
  });
});

describe('schema-chat/postgres', () => {
  const url = serviceUrl('postgres', inject('testServices'));

  it.skipIf(url === undefined)(
    'serves the router from ESM, its faults coded as the express entry codes them',
    async () => {
      const { PostgresChatStore, PostgresProjectStore } = await import('schema-chat/postgres');
      const { createChatRouter, isChatError, OfflineChatModel } = await import(
        'schema-chat/express'
      );
      const schema = newTestSchema();
      const store = new PostgresChatStore({ connectionString: url, schema });
      const projects = new PostgresProjectStore({ pool: store.pool, schema });
      try {
        await projects.upsert('u1', {
          id: 'p1',
          name: 'Shop',
          schema: 'CREATE TABLE users (id INT PRIMARY KEY);',
        });
        const app = express();
        app.use(
          '/api/v1/ai',
          createChatRouter({
            auth: { secret: 'package-export-test-secret-0123456789' },
            projects,
            store,
            model: new OfflineChatModel({ tokenDelayMs: 0 }),
            logger: { info() {}, warn() {}, error() {} },
          }),
        );
        const server = app.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const { port } = server.address() as AddressInfo;
        const token = jwt.sign({ sub: 'u1' }, 'package-export-test-secret-0123456789', {
          expiresIn: 60,
        });
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/ai/chat`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ projectId: 'p1', message: 'Which tables are there?' }),
        });
        server.close();
        expect(response.status).toBe(200);
        const body = (await response.json()) as { conversationId: string };
        expect((await store.getConversation('u1', body.conversationId))?.projectId).toBe('p1');

        // A store that cannot reach Postgres throws the express entry's own ChatError.
        const unreachable = new PostgresChatStore({
          connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
        });
        const failure = await unreachable.migrate().catch((error: unknown) => error);
        await unreachable.close();
        expect(isChatError(failure)).toBe(true);
        expect(failure).toMatchObject({ code: 'STORAGE_ERROR', status: 503 });
      } finally {
        await store.close();
        await dropTestSchema(url as string, schema);
      }
    },
  );

  it("loads from CommonJS, its faults instances of the express entry's ChatError", async () => {
    const require = createRequire(import.meta.url);
    const { PostgresChatStore, PostgresProjectStore } = require('schema-chat/postgres') as {
      PostgresChatStore: new (
        options: object,
      ) => { migrate(): Promise<void>; close(): Promise<void> };
      PostgresProjectStore: unknown;
    };
    const { ChatError } = require('schema-chat/express') as { ChatError: typeof Error };
    expect(typeof PostgresProjectStore).toBe('function');
    const unreachable = new PostgresChatStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    const failure = await unreachable.migrate().catch((error: unknown) => error);
    await unreachable.close();
    expect(failure).toBeInstanceOf(ChatError);
    expect(failure).toMatchObject({ code: 'STORAGE_ERROR' });
  });
});

describe('schema-chat/redis', () => {
  it('exports the shared run registry and the request-limit store, from ESM and CommonJS', async () => {
    const esm = await import('schema-chat/redis');
    const require = createRequire(import.meta.url);
    const cjs = require('schema-chat/redis') as typeof esm;
    for (const entry of [esm, cjs]) {
      expect(typeof entry.RedisRunRegistry).toBe('function');
      expect(typeof entry.createRedisRateLimitStore).toBe('function');
    }
    // Its coded errors are the router's own class (no bundled copy).
    const express = await import('schema-chat/express');
    expect(() => new esm.RedisRunRegistry({ redis: {} as never })).toThrow(TypeError);
    expect(readFileSync(new URL('dist/redis.js', root), 'utf8')).toContain(
      "from 'schema-chat/express'",
    );
    expect(express.ChatError).toBeDefined();
  });
});
