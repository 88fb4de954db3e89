// The built package as its users import it: `schema-chat/express` from ESM and CommonJS,
// `schema-chat/client`, and the type declarations the `exports` map points at.
// Needs `npm run build` first (`npm test` builds before running these).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  type: string;
  exports: Record<string, string | Record<string, string>>;
};

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
