// The whole path through the real `openai` client: router → OpenAIChatModel → fake
// OpenAI-compatible upstream speaking vLLM's chunk format, faults included.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIChatModel } from '../backend/models/openai-chat-model.js';
import type { ErrorBody, ErrorCode } from '../sdk/protocol.js';
import {
  type Behaviour,
  type FakeUpstream,
  fakeText,
  SEED_REQUEST_DEFAULTS,
  startFakeUpstream,
} from './fake-upstream/fake-upstream.js';
import { readSse, textOf } from './helpers/sse-client.js';
import { type ChatTestServer, startChatServer } from './helpers/start-chat-server.js';
import { ALICE_PROJECT } from './helpers/test-projects.js';

let upstream: FakeUpstream;
let server: ChatTestServer | undefined;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  upstream.reset();
});

const startWithUpstream = async (timeouts = {}) => {
  server = await startChatServer({
    model: new OpenAIChatModel({ baseURL: upstream.url, maxRetries: 0 }),
    timeouts,
  });
  return server;
};
const stream = (s: ChatTestServer, body: Record<string, unknown> = {}) =>
  readSse(`${s.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: s.headers(),
    body: JSON.stringify({
      projectId: ALICE_PROJECT.id,
      message: 'Which tables are there?',
      ...body,
    }),
  });

describe('the README curl example against an OpenAI-compatible server', () => {
  it('uses VLLM_QWEN_7B_URL and the default request fields, and streams conversationId, tokens, complete', async () => {
    const previous = process.env.VLLM_QWEN_7B_URL;
    process.env.VLLM_QWEN_7B_URL = upstream.url;
    try {
      server = await startChatServer({ defaultModel: true });
      upstream.script({ kind: 'normal', tokens: 5, intervalMs: 5 });
      const query = new URLSearchParams({ projectId: ALICE_PROJECT.id, message: 'Hello' });
      const result = await readSse(`${server.baseUrl}/chat/stream?${query}`, {
        headers: { Authorization: `Bearer ${server.token()}` },
      });
      const types = result.events.map((e) => e.json.type);
      expect(types[0]).toBe('conversationId');
      expect(types.at(-1)).toBe('complete');
      expect(types.slice(1, -1).every((type) => type === 'token')).toBe(true);
      expect(textOf(result.events)).toBe(fakeText(5));
      const complete = result.events.at(-1)?.json;
      if (complete?.type !== 'complete') throw new Error('no complete');
      expect(complete.metadata.model).toBe('Qwen/Qwen2.5-7B-Instruct');
      expect(complete.metadata.conversationId).toBe(
        result.events[0]?.json.type === 'conversationId'
          ? result.events[0].json.conversationId
          : '',
      );
      expect(complete.metadata.usage.completionTokens).toBeGreaterThan(0);

      const body = upstream.calls.bodies[0];
      expect(body).toMatchObject(SEED_REQUEST_DEFAULTS);
      expect(body.messages[0].role).toBe('system');
      expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Hello' });
    } finally {
      if (previous === undefined) delete process.env.VLLM_QWEN_7B_URL;
      else process.env.VLLM_QWEN_7B_URL = previous;
    }
  });
});

describe('upstream faults', () => {
  const faults: Array<[string, Behaviour, ErrorCode, 'interrupted' | 'failed']> = [
    ['HTTP 500', { kind: 'status', status: 500 }, 'UPSTREAM_ERROR', 'failed'],
    [
      'HTTP 429 with Retry-After',
      { kind: 'status', status: 429, retryAfter: 7 },
      'UPSTREAM_RATE_LIMITED',
      'failed',
    ],
    ['context length exceeded', { kind: 'context-length' }, 'CONTEXT_TOO_LONG', 'failed'],
    [
      'a reset after 3 tokens',
      { kind: 'reset', afterTokens: 3, tokens: 8 },
      'UPSTREAM_UNAVAILABLE',
      'interrupted',
    ],
    [
      'a malformed chunk',
      { kind: 'malformed', afterTokens: 2, tokens: 8 },
      'UPSTREAM_BAD_RESPONSE',
      'interrupted',
    ],
    [
      'no [DONE] and no finish',
      { kind: 'no-done', afterTokens: 4, tokens: 8 },
      'UPSTREAM_BAD_RESPONSE',
      'interrupted',
    ],
  ];

  it.each(faults)(
    'turns %s into a coded error event and saves the turn',
    async (_name, behaviour, code, status) => {
      const s = await startWithUpstream();
      upstream.script(behaviour);
      const conversationId = randomUUID();
      const result = await stream(s, { conversationId });
      const last = result.events.at(-1)?.json;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(last.error.code).toBe(code);
      expect(result.raw).not.toMatch(/maximum context length|Internal Server Error|vllm/i);
      expect(
        result.events.filter((e) => e.json.type === 'error' || e.json.type === 'complete'),
      ).toHaveLength(1);
      const page = await s.store.listMessages('alice', conversationId, { limit: 10 });
      expect(page?.items[1]?.status).toBe(status);
      expect(page?.items[1]?.content).toBe(textOf(result.events));
    },
  );

  it('answers REST turns with the upstream error status, never provider text', async () => {
    const s = await startWithUpstream();
    upstream.script({ kind: 'status', status: 503, retryAfter: 3 });
    const response = await fetch(`${s.baseUrl}/chat`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'hi' }),
    });
    expect(response.status).toBeGreaterThanOrEqual(502);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toMatch(/^UPSTREAM_/);
  });

  it('ends a stalled upstream with UPSTREAM_TIMEOUT (idle timer reset only by content)', async () => {
    const s = await startWithUpstream({ idleMs: 200 });
    upstream.script({ kind: 'stall', afterTokens: 2, tokens: 8 });
    const result = await stream(s);
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'error' && last.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(textOf(result.events)).toBe(fakeText(8).slice(0, textOf(result.events).length));
    await sleep(50);
    expect(upstream.calls.aborted).toBe(1);
  });

  it('keeps multi-byte characters split across upstream writes intact (no U+FFFD)', async () => {
    const s = await startWithUpstream();
    const text = 'Les tables 📚 «livres» — 書籍 и авторы 👩🏽‍💻 مرحبا';
    upstream.script({ kind: 'normal', text, splitUtf8: true, intervalMs: 2 });
    const result = await stream(s);
    expect(textOf(result.events)).toBe(text);
    expect(result.raw).not.toContain('\uFFFD');
  });

  it('relays a 1 MB delta intact', async () => {
    const s = await startWithUpstream();
    upstream.script({ kind: 'huge-delta', bytes: 1024 * 1024, tokens: 3 });
    const result = await stream(s);
    expect(result.events.at(-1)?.json.type).toBe('complete');
    expect(textOf(result.events).length).toBeGreaterThan(1024 * 1024);
  });

  it('aborts the upstream request when the user stops', async () => {
    const s = await startWithUpstream();
    upstream.script({ kind: 'normal', tokens: 400, intervalMs: 5 });
    const conversationId = randomUUID();
    const pending = stream(s, { conversationId });
    await sleep(150);
    await fetch(`${s.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ conversationId }),
    });
    const result = await pending;
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'complete' && last.metadata.status).toBe('stopped');
    await sleep(50);
    expect(upstream.calls.aborted).toBe(1);
    expect(upstream.calls.open).toBe(0);
  });
});
