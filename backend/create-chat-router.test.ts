import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../sdk/protocol.js';
import { readSse, textOf } from '../test/helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
  TEST_SECRET,
} from '../test/helpers/start-chat-server.js';
import { ALICE_PROJECT, testProjects } from '../test/helpers/test-projects.js';
import { createChatRouter } from './create-chat-router.js';
import { silentLogger } from './logging/chat-logger.js';
import { MemoryRunRegistry } from './runs/memory-run-registry.js';
import { MemoryChatStore } from './stores/memory-chat-store.js';
import type { TurnRecord } from './turns/turn-record.js';

let server: ChatTestServer | undefined;
const start = async (options: StartChatServerOptions = {}) => {
  server = await startChatServer(options);
  return server;
};
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('CORS', () => {
  const ALLOWED = 'https://shop.example';

  it('answers a preflight from an allowed origin with the headers the widget needs', async () => {
    const s = await start({ cors: { origins: [ALLOWED] } });
    const response = await fetch(`${s.baseUrl}/chat/stream`, {
      method: 'OPTIONS',
      headers: {
        Origin: ALLOWED,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers':
          'authorization,content-type,last-event-id,idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    for (const header of ['authorization', 'content-type', 'last-event-id', 'idempotency-key']) {
      expect(allowed).toContain(header);
    }
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('answers the preflight of every API route, allowing each method the router serves', async () => {
    const s = await start({ cors: { origins: [ALLOWED] } });
    const id = '6f1c1e5e-7b1a-4f7e-9d55-2c5b8d1f0a11';
    const routes: Array<[string, string]> = [
      ['/chat', 'POST'],
      ['/chat/stream', 'GET'],
      ['/chat/stream', 'POST'],
      ['/chat/stop', 'POST'],
      ['/conversations', 'GET'],
      [`/conversations/${id}`, 'DELETE'],
      [`/conversations/${id}/messages`, 'GET'],
      ['/projects', 'GET'],
    ];
    for (const [path, method] of routes) {
      const response = await fetch(`${s.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED, 'Access-Control-Request-Method': method },
      });
      expect(response.status, `${method} ${path}`).toBe(204);
      expect(response.headers.get('access-control-allow-methods')?.split(','), path).toContain(
        method,
      );
    }
    // Paths that are not routes of the router stay the host's.
    const other = await fetch(`${s.baseUrl}/not-a-route`, {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the rate-limit headers to an allowed origin', async () => {
    const s = await start({ cors: { origins: [ALLOWED] } });
    const response = await fetch(`${s.baseUrl}/projects`, {
      headers: { ...s.headers(), Origin: ALLOWED },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toContain('RateLimit');
  });

  it('refuses an origin outside the allow-list with a readable 403 before any work', async () => {
    const s = await start({ cors: { origins: [ALLOWED] } });
    // The preflight passes so that the browser lets the page read the refusal itself.
    const preflight = await fetch(`${s.baseUrl}/chat/stream`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const direct = await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: { ...s.headers(), Origin: 'https://evil.example' },
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'hi' }),
    });
    expect(direct.status).toBe(403);
    expect(direct.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect((direct.body as ErrorBody).error.code).toBe('FORBIDDEN_ORIGIN');
    expect(s.scripted.calls).toHaveLength(0);
    const listed = await fetch(`${s.baseUrl}/conversations?projectId=${ALICE_PROJECT.id}`, {
      headers: { ...s.headers(), Origin: 'https://evil.example' },
    });
    expect(listed.status).toBe(403);
  });

  it('allows same-origin browser requests without listing them', async () => {
    const s = await start();
    const response = await fetch(`${s.baseUrl}/projects`, {
      headers: { ...s.headers(), Origin: s.origin },
    });
    expect(response.status).toBe(200);
  });
});

describe('GET /widget.js', () => {
  it('serves the bundle to any origin with caching headers, an ETag and gzip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-chat-widget-'));
    const file = join(dir, 'schema-chat.js');
    writeFileSync(file, 'customElements.define("schema-chat", class extends HTMLElement {});\n');
    try {
      const s = await start({ widget: file });
      const response = await fetch(`${s.baseUrl}/widget.js`, {
        headers: { 'Accept-Encoding': 'identity' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('cache-control')).toContain('max-age=300');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.text()).toContain('schema-chat');
      const etag = response.headers.get('etag') as string;
      const cached = await fetch(`${s.baseUrl}/widget.js`, { headers: { 'If-None-Match': etag } });
      expect(cached.status).toBe(304);
      const raw = await new Promise<Buffer>((resolve, reject) => {
        import('node:http').then(({ get }) =>
          get(`${s.baseUrl}/widget.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          }).on('error', reject),
        );
      });
      expect(gunzipSync(raw).toString()).toContain('customElements.define');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 404 with a hint when the bundle is missing', async () => {
    const s = await start({ widget: '/nonexistent/schema-chat.js' });
    const response = await fetch(`${s.baseUrl}/widget.js`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.message).toContain('npm run build');
  });
});

describe('mounting', () => {
  it("leaves the host app's other routes under the same prefix alone", async () => {
    const router = createChatRouter({
      auth: { secret: TEST_SECRET },
      projects: testProjects,
      store: new MemoryChatStore(),
      logger: silentLogger,
    });
    const app = express();
    app.use('/api/v1/ai', router);
    app.get('/api/v1/ai/health', (_req, res) => {
      res.json({ ok: true });
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    try {
      const { port } = listening.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/ai/health`);
      expect(await response.json()).toEqual({ ok: true });
    } finally {
      listening.close();
      await router.close();
    }
  });

  it('throws at setup for a weak secret, naming the option', () => {
    expect(() =>
      createChatRouter({
        auth: { secret: 'changeme' },
        projects: testProjects,
        store: new MemoryChatStore(),
      }),
    ).toThrow(/auth\.secret is 8 bytes/);
  });
});

describe('setup messages', () => {
  const recordingLogger = () => {
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (_fields: unknown, message: string) => lines.push(['info', message]),
      warn: (_fields: unknown, message: string) => lines.push(['warn', message]),
      error: (_fields: unknown, message: string) => lines.push(['error', message]),
    };
    return { lines, logger };
  };

  it('logs an unknown option once, at setup, with the nearest known one', async () => {
    const { lines, logger } = recordingLogger();
    const s = await start({ logger, timeouts: { flushMS: 10 } as never });
    await fetch(`${s.baseUrl}/projects`, { headers: s.headers() });
    expect(lines).toEqual([
      [
        'warn',
        'schema-chat: unknown option "timeouts.flushMS" is ignored; did you mean "timeouts.flushMs"?',
      ],
    ]);
  });

  it('says once which model and base URL a router with no model option calls', () => {
    const { lines, logger } = recordingLogger();
    const previous = process.env.VLLM_QWEN_7B_URL;
    process.env.VLLM_QWEN_7B_URL = 'http://127.0.0.1:8003/v1';
    try {
      createChatRouter({
        auth: { secret: TEST_SECRET },
        projects: testProjects,
        store: new MemoryChatStore(),
        logger,
        widget: false,
      });
    } finally {
      if (previous === undefined) delete process.env.VLLM_QWEN_7B_URL;
      else process.env.VLLM_QWEN_7B_URL = previous;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]?.[0]).toBe('info');
    expect(lines[0]?.[1]).toContain('Qwen/Qwen2.5-7B-Instruct at http://127.0.0.1:8003/v1');
    expect(lines[0]?.[1]).toContain('new OfflineChatModel()');
  });
});

describe('instances', () => {
  it('refuses a shared run registry with a store of one process, naming the fix', () => {
    const runs = Object.assign(new MemoryRunRegistry(), { relay: {} as never });
    expect(() =>
      createChatRouter({
        auth: { secret: TEST_SECRET },
        projects: testProjects,
        store: new MemoryChatStore(),
        runs,
        logger: silentLogger,
        widget: false,
      }),
    ).toThrow(/shared by several instances.*PostgresChatStore/);
  });
});

describe('monitoring', () => {
  it('logs one record per turn and calls onTurnEnd with its figures', async () => {
    const records: TurnRecord[] = [];
    const logged: unknown[] = [];
    const s = await start({
      onTurnEnd: (record) => records.push(record),
      logger: { info: (fields) => logged.push(fields), warn() {}, error() {} },
    });
    s.scripted.next({ tokens: ['a', 'b'], intervalMs: 10 });
    await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'hi' }),
    });
    await sleep(10);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      userId: 'alice',
      projectId: ALICE_PROJECT.id,
      transport: 'sse',
      model: 'test/scripted-model',
      promptTokens: 42,
      completionTokens: 3,
      usageEstimated: false,
      finishReason: 'stop',
      status: 'complete',
      schemaTrimmed: false,
    });
    expect(records[0]?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(records[0]?.durationMs).toBeGreaterThanOrEqual(records[0]?.timeToFirstTokenMs ?? 0);
    expect(logged).toContainEqual({ turn: records[0] });
  });
});

describe('rate-limit store', () => {
  it('passes the given store to express-rate-limit for the request limit (turns are budgeted by the run registry)', async () => {
    const { MemoryStore } = await import('express-rate-limit');
    const hits: string[] = [];
    const stores: InstanceType<typeof MemoryStore>[] = [];
    const s = await start({
      limits: {
        rateLimitStore: () => {
          const store = new MemoryStore();
          const increment = store.increment.bind(store);
          store.increment = (key: string) => {
            hits.push(key);
            return increment(key);
          };
          stores.push(store);
          return store;
        },
      },
    });
    await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'hi' }),
    });
    expect(stores).toHaveLength(1);
    expect(hits).toEqual(['requests:alice']);
  });
});

describe('close()', () => {
  it('answers new requests with 503 SERVER_BUSY while shutting down', async () => {
    const s = await start({ storeKind: 'memory' });
    await s.router.close();
    const response = await fetch(`${s.baseUrl}/projects`, { headers: s.headers() });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as ErrorBody).error.code).toBe('SERVER_BUSY');
  });

  it('ends running answers as interrupted with their partial text saved', async () => {
    const s = await start({ storeKind: 'memory' });
    s.scripted.next({ tokens: Array.from({ length: 500 }, (_, i) => `t${i} `), intervalMs: 5 });
    const conversationId = randomUUID();
    const streaming = readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'long', conversationId }),
    });
    await sleep(100);
    await s.router.close();
    const result = await streaming;
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'error' && last.error.code).toBe('GENERATION_INTERRUPTED');
    const page = await s.store.listMessages('alice', conversationId, { limit: 10 });
    expect(page?.items[1]?.status).toBe('interrupted');
    expect(page?.items[1]?.content).toBe(textOf(result.events));
  });
});
