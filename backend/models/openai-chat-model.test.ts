// OpenAIChatModel against the fake upstream, over both of its transports — the default node:http
// one and a caller's own `openai` client — every success and failure path, and what reaches the
// caller (coded errors only).

import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  fakeText,
  fakeTokens,
  SEED_REQUEST_DEFAULTS,
  startFakeUpstream,
} from '../../test/fake-upstream/fake-upstream.ts';
import { ChatError } from '../errors.js';
import type { ChatModelMessage, ChatModelPart } from './chat-model.js';
import { OpenAIChatModel, type OpenAIChatModelOptions } from './openai-chat-model.js';
import { parseRetryAfter } from './to-upstream-error.js';

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const messages: ChatModelMessage[] = [
  { role: 'system', content: 'You answer questions about a schema.' },
  { role: 'user', content: 'Which table holds orders?' },
];

/** The two ways a model reaches the upstream; every behaviour below must hold on both. */
const TRANSPORTS = ['node:http transport', 'openai client'] as const;
let transport: (typeof TRANSPORTS)[number] = 'node:http transport';

function model(options: OpenAIChatModelOptions = {}) {
  const baseURL = options.baseURL ?? upstream.url;
  if (transport === 'node:http transport') {
    return new OpenAIChatModel({ maxRetries: 0, ...options, baseURL });
  }
  const client = new OpenAI({ baseURL, apiKey: options.apiKey ?? 'EMPTY', maxRetries: 0 });
  return new OpenAIChatModel({ maxRetries: 0, ...options, client });
}

/** Runs a stream to its end: the parts it yielded and what it threw. */
async function run(chatModel: OpenAIChatModel, signal = new AbortController().signal) {
  const parts: ChatModelPart[] = [];
  let error: unknown;
  try {
    for await (const part of chatModel.stream({ messages }, { signal })) parts.push(part);
  } catch (caught) {
    error = caught;
  }
  const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
  return { parts, text, error };
}

function expectChatError(error: unknown, code: string, status: number, retryable: boolean) {
  expect(error).toBeInstanceOf(ChatError);
  const chatError = error as ChatError;
  expect({
    code: chatError.code,
    status: chatError.status,
    retryable: chatError.retryable,
  }).toEqual({
    code,
    status,
    retryable,
  });
  return chatError;
}

describe.each(TRANSPORTS)('over the %s', (name) => {
  beforeAll(() => {
    transport = name;
  });

  describe('streaming', () => {
    it('yields the text as deltas, skipping empty and null contents, then one finish with usage', async () => {
      const { parts, text, error } = await run(model());
      expect(error).toBeUndefined();
      expect(text).toBe(fakeText(8));
      const deltas = parts.filter((part) => part.type === 'text-delta');
      expect(deltas.map((part) => part.text)).toEqual(fakeTokens(8));
      expect(parts.filter((part) => part.type === 'finish')).toEqual([
        {
          type: 'finish',
          finishReason: 'stop',
          usage: {
            promptTokens: expect.any(Number),
            completionTokens: 8,
            totalTokens: expect.any(Number),
          },
        },
      ]);
      expect(parts.at(-1)?.type).toBe('finish');
      const finish = parts.at(-1) as Extract<ChatModelPart, { type: 'finish' }>;
      expect(finish.usage?.totalTokens).toBe((finish.usage?.promptTokens ?? 0) + 8);
    });

    it('sends the reference defaults (Qwen2.5-7B-Instruct, 0.7, 1500 tokens), stream_options.include_usage and extra body fields', async () => {
      await run(model({ extraBody: { top_k: 20, model: 'cannot-override' } }));
      const body = upstream.calls.bodies[0];
      expect(body).toMatchObject({ ...SEED_REQUEST_DEFAULTS, top_k: 20, messages });
      expect(upstream.calls.requests[0]?.headers.authorization).toBe('Bearer EMPTY');
    });

    it('lets the request override temperature and max tokens', async () => {
      const chatModel = model({ model: 'm', temperature: 0.1, maxTokens: 10, apiKey: 'secret' });
      expect(chatModel.id).toBe('m');
      for await (const _ of chatModel.stream(
        { messages, temperature: 0, maxTokens: 5 },
        { signal: new AbortController().signal },
      )) {
        // drain
      }
      expect(upstream.calls.bodies[0]).toMatchObject({ model: 'm', temperature: 0, max_tokens: 5 });
      expect(upstream.calls.requests[0]?.headers.authorization).toBe('Bearer secret');
    });

    it('reports the length finish reason', async () => {
      upstream.script({ kind: 'normal', tokens: 3, finishReason: 'length' });
      const { parts } = await run(model());
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' });
    });

    it('passes multi-byte UTF-8 split across writes through intact', async () => {
      const payload = 'Tables: 用户 👋🏽 🧑‍💻 مرحبا — done';
      upstream.script({ kind: 'normal', text: payload, splitUtf8: true });
      const { text, error } = await run(model());
      expect(error).toBeUndefined();
      expect(text).toBe(payload);
      expect(text).not.toContain('\uFFFD');
    });

    it('yields a 1 MB delta whole', async () => {
      upstream.script({ kind: 'huge-delta', tokens: 1 });
      const { parts, error } = await run(model());
      expect(error).toBeUndefined();
      const sizes = parts.map((part) => (part.type === 'text-delta' ? part.text.length : 0));
      expect(Math.max(...sizes)).toBe(1024 * 1024);
    });
  });

  describe('failures become coded errors without provider text', () => {
    it('maps connection refused to UPSTREAM_UNAVAILABLE', async () => {
      const port = await closedPort();
      const { error } = await run(model({ baseURL: `http://127.0.0.1:${port}/v1` }));
      expectChatError(error, 'UPSTREAM_UNAVAILABLE', 503, true);
    });

    it('maps a reset after k tokens to UPSTREAM_UNAVAILABLE after yielding those tokens', async () => {
      upstream.script({ kind: 'reset', afterTokens: 3 });
      const { text, error, parts } = await run(model());
      expect(text).toBe(fakeText(3));
      expect(parts.some((part) => part.type === 'finish')).toBe(false);
      expectChatError(error, 'UPSTREAM_UNAVAILABLE', 503, true);
    });

    it('maps 429 to UPSTREAM_RATE_LIMITED with retryAfter from the header', async () => {
      upstream.script({ kind: 'status', status: 429, retryAfter: 7 });
      const { error } = await run(model());
      const chatError = expectChatError(error, 'UPSTREAM_RATE_LIMITED', 503, true);
      expect(chatError.retryAfter).toBe(7);
      expect(chatError.toDetail()).toEqual({
        code: 'UPSTREAM_RATE_LIMITED',
        message: chatError.message,
        retryable: true,
        retryAfter: 7,
      });
    });

    it('maps 500 and 503 to UPSTREAM_ERROR (retryable) and hides the provider message', async () => {
      upstream.script({ kind: 'status', status: 500 });
      upstream.script({ kind: 'status', status: 503, retryAfter: 3 });
      const first = (await run(model())).error;
      const second = (await run(model())).error;
      expectChatError(first, 'UPSTREAM_ERROR', 502, true);
      expect((first as ChatError).message).not.toMatch(/engine|internal server/i);
      expect((second as ChatError).retryAfter).toBe(3);
    });

    it('retries a 5xx before the first token when maxRetries allows, without duplicating text', async () => {
      upstream.script({ kind: 'status', status: 500, retryAfter: 0 });
      const { text, error } = await run(model({ maxRetries: 1 }));
      expect(error).toBeUndefined();
      expect(text).toBe(fakeText(8));
      expect(upstream.calls.count).toBe(2);
    });

    it('maps a context-length 400 (vLLM and OpenAI shapes) to CONTEXT_TOO_LONG, 422, not retryable', async () => {
      upstream.script({ kind: 'context-length' });
      upstream.script({ kind: 'context-length', flavour: 'openai' });
      for (const { error } of [await run(model()), await run(model())]) {
        const chatError = expectChatError(error, 'CONTEXT_TOO_LONG', 422, false);
        expect(chatError.message).not.toContain('maximum context length');
      }
    });

    it('maps other 4xx (a bad API key) to a non-retryable UPSTREAM_ERROR', async () => {
      upstream.script({
        kind: 'status',
        status: 401,
        body: { error: { message: 'Invalid key sk-123' } },
      });
      const { error } = await run(model());
      const chatError = expectChatError(error, 'UPSTREAM_ERROR', 502, false);
      expect(chatError.message).not.toContain('sk-123');
      expect(chatError.cause).toBeDefined();
    });

    it('maps a malformed chunk to UPSTREAM_BAD_RESPONSE after the tokens before it', async () => {
      upstream.script({ kind: 'malformed', afterTokens: 2 });
      const { text, error } = await run(model());
      expect(text).toBe(fakeText(2));
      expectChatError(error, 'UPSTREAM_BAD_RESPONSE', 502, true);
    });

    it('maps a stream that ends without a finish reason to UPSTREAM_BAD_RESPONSE', async () => {
      upstream.script({ kind: 'no-done', afterTokens: 4 });
      const { text, error } = await run(model());
      expect(text).toBe(fakeText(4));
      expectChatError(error, 'UPSTREAM_BAD_RESPONSE', 502, true);
    });

    it('maps no response headers within timeoutMs to UPSTREAM_TIMEOUT', async () => {
      // Headers a minute late: only the timeout can end this request within the test's time.
      upstream.script({ kind: 'normal', responseDelayMs: 60_000 });
      const { error } = await run(model({ timeoutMs: 150 }));
      expectChatError(error, 'UPSTREAM_TIMEOUT', 504, true);
    });
  });

  describe('abort', () => {
    it('throws the abort reason mid-stream, with no part after it, and aborts the upstream request', async () => {
      upstream.script({ kind: 'normal', tokens: 50, intervalMs: 20 });
      const controller = new AbortController();
      const reason = new Error('stopped by user');
      const parts: ChatModelPart[] = [];
      let error: unknown;
      try {
        for await (const part of model().stream({ messages }, { signal: controller.signal })) {
          parts.push(part);
          if (parts.length === 3) controller.abort(reason);
        }
      } catch (caught) {
        error = caught;
      }
      expect(error).toBe(reason);
      expect(parts).toHaveLength(3);
      await waitFor(() => upstream.calls.aborted === 1);
    });

    it('throws the abort reason while waiting for a stalled upstream', async () => {
      upstream.script({ kind: 'stall', afterTokens: 1 });
      const controller = new AbortController();
      const reason = new Error('client gone');
      setTimeout(() => controller.abort(reason), 100);
      const { text, error } = await run(model(), controller.signal);
      expect(text).toBe(fakeText(1));
      expect(error).toBe(reason);
    });

    it('throws the abort reason while waiting for response headers', async () => {
      upstream.script({ kind: 'normal', responseDelayMs: 2000 });
      const controller = new AbortController();
      const reason = new Error('stop');
      setTimeout(() => controller.abort(reason), 100);
      const { error } = await run(model(), controller.signal);
      expect(error).toBe(reason);
    });

    it('does not call the upstream when the signal is already aborted', async () => {
      const controller = new AbortController();
      const reason = new Error('too late');
      controller.abort(reason);
      const { error } = await run(model(), controller.signal);
      expect(error).toBe(reason);
      expect(upstream.calls.count).toBe(0);
    });

    it('aborts the upstream request when the consumer stops iterating early', async () => {
      upstream.script({ kind: 'normal', tokens: 50, intervalMs: 20 });
      for await (const part of model().stream(
        { messages },
        { signal: new AbortController().signal },
      )) {
        if (part.type === 'text-delta') break;
      }
      await waitFor(() => upstream.calls.aborted === 1);
    });
  });
});

describe('construction', () => {
  it('reads the environment at construction, not at import', async () => {
    const saved = { ...process.env };
    try {
      process.env.VLLM_QWEN_7B_URL = upstream.url;
      process.env.OPENAI_API_KEY = 'from-env';
      const chatModel = new OpenAIChatModel({ maxRetries: 0 });
      expect(chatModel.id).toBe('Qwen/Qwen2.5-7B-Instruct');
      const { text } = await run(chatModel);
      expect(text).toBe(fakeText(8));
      expect(upstream.calls.requests[0]?.headers.authorization).toBe('Bearer from-env');
    } finally {
      process.env = saved;
    }
  });

  it('uses a given client', async () => {
    const client = new OpenAI({ baseURL: upstream.url, apiKey: 'own-client', maxRetries: 0 });
    const { text } = await run(new OpenAIChatModel({ client }));
    expect(text).toBe(fakeText(8));
    expect(upstream.calls.requests[0]?.headers.authorization).toBe('Bearer own-client');
  });
});

describe('options', () => {
  it('rejects invalid options at construction, naming the option', () => {
    expect(() => new OpenAIChatModel({ temperature: 3 })).toThrow(/option "temperature"/);
    expect(() => new OpenAIChatModel({ maxTokens: 0 })).toThrow(/option "maxTokens"/);
    expect(() => new OpenAIChatModel({ maxRetries: -1 })).toThrow(/option "maxRetries"/);
    expect(() => new OpenAIChatModel({ timeoutMs: 0 })).toThrow(/option "timeoutMs"/);
    expect(() => new OpenAIChatModel({ baseURL: 'localhost:8003' })).toThrow(/option "baseURL"/);
    expect(() => new OpenAIChatModel({ model: '' })).toThrow(/option "model"/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '12' }))).toBe(12);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500' }))).toBe(2);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = parseRetryAfter(new Headers({ 'retry-after': inTenSeconds }));
    expect(fromDate).toBeGreaterThanOrEqual(8);
    expect(fromDate).toBeLessThanOrEqual(11);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
