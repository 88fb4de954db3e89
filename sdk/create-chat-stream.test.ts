// Tests of stream() through createChatClient over a scripted fetch: framing, retries, resume,
// watchdog, REST fallback and the stream lifetime.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatClientOptions, RetryInfo, StreamOptions } from './chat-client.js';
import type { ChatClientError } from './chat-client-error.js';
import { createChatClient } from './create-chat-client.js';
import type { ChatEvent } from './protocol.js';
import { createTestClient } from './test-helpers/create-test-client.js';
import { serveTurn, turnEvents, wireTextAfter } from './test-helpers/protocol-turn.js';
import {
  errorBody,
  type FetchHandler,
  jsonResponse,
  sseFrame,
  streamResponse,
} from './test-helpers/scripted-fetch.js';
import { createSeededRandom } from './test-helpers/seeded-random.js';

const REQUEST = { projectId: 'p-1', message: 'Which tables reference users?' };
const TOKENS = ['The ', '`orders`', ' table 👋', ' and\n`payments`', ' (שלום).'];
const EVENTS = turnEvents({ tokens: TOKENS }).map((e) => e.event);

/** Runs a stream and collects what every channel of it saw. */
async function runStream(
  client: ReturnType<typeof createTestClient>['client'],
  options: StreamOptions = {},
) {
  const events: ChatEvent[] = [];
  const retries: RetryInfo[] = [];
  const fallbacks: string[] = [];
  const stream = client.stream(REQUEST, {
    ...options,
    onEvent: (e) => events.push(e),
    onRetry: (info) => retries.push(info),
    onFallback: (reason) => fallbacks.push(reason),
  });
  const iterated: ChatEvent[] = [];
  let iterationError: unknown;
  try {
    for await (const event of stream) iterated.push(event);
  } catch (error) {
    iterationError = error;
  }
  const result = await stream.result.catch((error: ChatClientError) => error);
  return { stream, events, iterated, iterationError, retries, fallbacks, result };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('stream() over SSE', () => {
  it('yields conversationId, tokens and complete, and resolves the whole answer', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }));
    const tokens: [string, string][] = [];
    const run = await runStream(client, { onToken: (delta, text) => tokens.push([delta, text]) });
    expect(run.iterated).toEqual(EVENTS);
    expect(run.events).toEqual(EVENTS);
    expect(tokens.at(-1)).toEqual([' (שלום).', TOKENS.join('')]);
    expect(run.result).toEqual({
      conversationId: '3f1c2a9e-7d4b-4c1a-9e2f-5b6a7c8d9e0f',
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      content: TOKENS.join(''),
      status: 'complete',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17 },
      model: 'Qwen/Qwen2.5-7B-Instruct',
      transport: 'sse',
    });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe('https://api.test/api/v1/ai/chat/stream');
    expect(request?.method).toBe('POST');
    expect(request?.json).toEqual(REQUEST);
    expect(request?.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: 'Bearer jwt-1',
      'content-type': 'application/json',
      'idempotency-key': run.stream.idempotencyKey,
    });
    expect(request?.headers['last-event-id']).toBeUndefined();
  });

  it('sends GET with the request as a query when streamMethod is GET', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }), {
      streamMethod: 'GET',
    });
    const stream = client.stream({ ...REQUEST, conversationId: 'c-9' });
    await stream.result;
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.body).toBeUndefined();
    const url = new URL(requests[0]?.url ?? '');
    expect(url.pathname).toBe('/api/v1/ai/chat/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({ ...REQUEST, conversationId: 'c-9' });
  });

  it('uses the given idempotency key', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }));
    const stream = client.stream(REQUEST, { idempotencyKey: 'key-42' });
    await stream.result;
    expect(stream.idempotencyKey).toBe('key-42');
    expect(requests[0]?.headers['idempotency-key']).toBe('key-42');
  });

  it('gives the same events for any chunking and CRLF line ends (mid-line, mid-CRLF, mid-character)', async () => {
    for (let seed = 1; seed <= 30; seed += 1) {
      const random = createSeededRandom(seed);
      const { client } = createTestClient(
        serveTurn({ tokens: TOKENS }, { random, crlf: seed % 2 === 0 }),
      );
      const run = await runStream(client);
      expect(run.events).toEqual(EVENTS);
      expect(run.result).toMatchObject({ content: TOKENS.join('') });
      expect(JSON.stringify(run.events)).not.toContain('\uFFFD');
    }
  });

  it('never passes heartbeats, retry hints, empty events or empty tokens to the caller', async () => {
    const wire = [
      'retry: 1000\n\n',
      ': ping\n\n',
      'data:\n\n',
      '\n\n',
      sseFrame('r1:0', EVENTS[0]),
      ': ping\n\n',
      sseFrame('r1:1', { type: 'token', content: '' }),
      'id: r1:2\n\n',
      sseFrame('r1:3', EVENTS[1]),
      sseFrame('r1:4', { type: 'future-event', x: 1 }),
      sseFrame('r1:5', { ...(EVENTS.at(-1) as object) }),
    ];
    const { client } = createTestClient(() => streamResponse(wire));
    const run = await runStream(client);
    expect(run.events).toEqual([EVENTS[0], EVENTS[1], EVENTS.at(-1)]);
    expect(run.iterated).toEqual(run.events);
  });

  it('fails with a coded BAD_RESPONSE on malformed event data, after one request', async () => {
    const wire = [sseFrame('r1:0', EVENTS[0]), 'id: r1:1\ndata: {"type":"token","content":\n\n'];
    // Without the REST fallback, which a stream broken before any text would get (see below).
    const { client, requests } = createTestClient(() => streamResponse(wire, { end: 'hang' }), {
      fallbackToRest: false,
    });
    const run = await runStream(client);
    expect(run.result).toMatchObject({
      name: 'ChatClientError',
      code: 'BAD_RESPONSE',
      retryable: false,
    });
    expect(run.iterationError).toBe(run.result);
    expect(run.iterated).toEqual([EVENTS[0]]);
    expect(requests).toHaveLength(1);
  });

  it.each([
    [400, 'VALIDATION_FAILED'],
    [403, 'FORBIDDEN_ORIGIN'],
    [404, 'PROJECT_NOT_FOUND'],
    [409, 'TURN_IN_PROGRESS'],
    [413, 'MESSAGE_TOO_LONG'],
  ])('treats %i as fatal: exactly one request, the server code, no retry', async (status, code) => {
    const { client, requests, sleeps } = createTestClient(() =>
      jsonResponse(status, errorBody(code, status === 409)),
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ status, code, retryable: false });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(run.retries).toEqual([]);
    expect(run.fallbacks).toEqual([]);
  });

  it('after a 401 calls getToken() once and retries once with the new token', async () => {
    const getToken = vi.fn(() => 'jwt-2');
    const { client, requests } = createTestClient(
      [() => jsonResponse(401, errorBody('AUTH_EXPIRED')), serveTurn({ tokens: TOKENS })],
      { getToken },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ content: TOKENS.join('') });
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
    expect(run.retries).toMatchObject([{ reason: 'AUTH_EXPIRED', delayMs: 0 }]);
  });

  it('fails after the second 401 without asking getToken again', async () => {
    const getToken = vi.fn(() => 'jwt-2');
    const { client, requests } = createTestClient(
      () => jsonResponse(401, errorBody('AUTH_INVALID')),
      {
        getToken,
      },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ status: 401, code: 'AUTH_INVALID' });
    expect(requests).toHaveLength(2);
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('fails at the first 401 when there is no getToken', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(401, errorBody('AUTH_EXPIRED')),
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'AUTH_EXPIRED' });
    expect(requests).toHaveLength(1);
  });

  it('asks getToken for the token when none is set', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }), {
      token: undefined,
      getToken: async () => 'from-host',
    });
    await client.stream(REQUEST).result;
    expect(requests[0]?.headers.authorization).toBe('Bearer from-host');
  });

  it('waits out Retry-After (seconds) on a 429 and then succeeds with the same key', async () => {
    const { client, requests, sleeps } = createTestClient([
      () => jsonResponse(429, errorBody('RATE_LIMITED', true), { 'Retry-After': '3' }),
      serveTurn({ tokens: TOKENS }),
    ]);
    const run = await runStream(client);
    expect(run.result).toMatchObject({ transport: 'sse', content: TOKENS.join('') });
    expect(sleeps).toEqual([3000]);
    expect(run.retries).toMatchObject([{ attempt: 1, delayMs: 3000, reason: 'RATE_LIMITED' }]);
    expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('waits out Retry-After (HTTP-date) on a 503', async () => {
    const { client, sleeps } = createTestClient([
      () =>
        jsonResponse(503, errorBody('SERVER_BUSY', true), {
          'Retry-After': 'Wed, 01 Jan 2025 00:00:04 GMT',
        }),
      serveTurn({ tokens: TOKENS }),
    ]);
    await client.stream(REQUEST).result;
    expect(sleeps).toEqual([4000]);
  });

  it('gives up at once when Retry-After is longer than maxDelayMs, with retryAfter set', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(429, errorBody('RATE_LIMITED', true), { 'Retry-After': '3600' }),
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfter: 3600 });
    expect(requests).toHaveLength(1);
  });

  it('does not retry a 429 the server marks final (quota)', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(429, errorBody('QUOTA_EXCEEDED', false), { 'Retry-After': '2' }),
    );
    expect(await runStream(client).then((r) => r.result)).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(requests).toHaveLength(1);
  });

  it('retries network errors and 500s with capped exponential backoff and jitter', async () => {
    const { client, requests, sleeps } = createTestClient(
      [
        () => Promise.reject(new TypeError('fetch failed')),
        () => jsonResponse(500, errorBody('INTERNAL_ERROR', true)),
        () => Promise.reject(new TypeError('fetch failed')),
        serveTurn({ tokens: TOKENS }),
      ],
      { retry: { baseDelayMs: 100, maxDelayMs: 300 } },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ content: TOKENS.join('') });
    // random() is 0.5: half of 100, 200, then 400 capped at 300.
    expect(sleeps).toEqual([50, 100, 150]);
    expect(run.retries.map((r) => [r.attempt, r.reason])).toEqual([
      [1, 'NETWORK_ERROR'],
      [2, 'INTERNAL_ERROR'],
      [3, 'NETWORK_ERROR'],
    ]);
    expect(requests).toHaveLength(4);
  });

  it('gives up after maxRetries retries with the last error', async () => {
    const { client, requests } = createTestClient(
      () => Promise.reject(new TypeError('fetch failed')),
      // Without the REST fallback, which a stream given up before any text gets (see below).
      { retry: { maxRetries: 2 }, fallbackToRest: false },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'NETWORK_ERROR', status: 0, retryable: true });
    expect(requests).toHaveLength(3);
  });

  it('resumes after resets at random points with the same key and Last-Event-ID, text identical', async () => {
    const tokens = Array.from({ length: 12 }, (_, i) => `t${i} 👋\n`);
    const expected = turnEvents({ tokens }).map((e) => e.event);
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = createSeededRandom(seed);
      const breaks = 1 + Math.floor(random() * 4);
      const serve = serveTurn(
        { tokens },
        {
          random,
          breakAt: (index, wire) =>
            index < breaks ? Math.floor(random() * wire.length) : undefined,
        },
      );
      const events: ChatEvent[] = [];
      const delivered: number[] = [];
      const handler: FetchHandler = (request, signal) => {
        delivered.push(events.length);
        return serve(request, signal);
      };
      const { client, requests } = createTestClient(handler);
      const result = await client.stream(REQUEST, { onEvent: (e) => events.push(e) }).result;
      expect(events, `seed ${seed}`).toEqual(expected);
      expect(result, `seed ${seed}`).toMatchObject({ content: tokens.join(''), transport: 'sse' });
      expect(requests).toHaveLength(breaks + 1);
      expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      requests.forEach((request, n) => {
        const count = delivered[n] ?? 0;
        expect(request.headers['last-event-id'], `seed ${seed} request ${n}`).toBe(
          count === 0 ? undefined : `r1:${count - 1}`,
        );
      });
    }
  });

  it('resumes when the server closes the stream without a terminal event', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient([
      () => streamResponse([wireTextAfter(events.slice(0, 3), undefined)]),
      serveTurn({ tokens: TOKENS }),
    ]);
    const run = await runStream(client);
    expect(run.events).toEqual(EVENTS);
    expect(requests[1]?.headers['last-event-id']).toBe('r1:2');
    expect(run.retries).toMatchObject([{ reason: 'NETWORK_ERROR' }]);
  });

  it('retries a retryable error event with the same key and its id as Last-Event-ID', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const failing = sseFrame('r1:e', {
      type: 'error',
      error: { code: 'UPSTREAM_TIMEOUT', message: 'Slow.', retryable: true },
    });
    const { client, requests } = createTestClient([
      () => streamResponse([events[0]?.frame ?? '', events[1]?.frame ?? '', failing]),
      () => streamResponse([wireTextAfter(events, 'r1:1')]),
    ]);
    const run = await runStream(client);
    expect(run.events).toEqual(EVENTS);
    expect(requests[1]?.headers['last-event-id']).toBe('r1:e');
    expect(requests[1]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
    expect(run.retries).toMatchObject([{ reason: 'UPSTREAM_TIMEOUT' }]);
  });

  it('fails, not retryable, when the retry replays the same error event (the run is over)', async () => {
    const failing = sseFrame('r1:e', {
      type: 'error',
      error: { code: 'UPSTREAM_ERROR', message: 'The model failed.', retryable: true },
    });
    const { client, requests } = createTestClient([
      () => streamResponse([sseFrame('r1:0', EVENTS[0]), failing]),
      () => streamResponse([failing]),
    ]);
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'UPSTREAM_ERROR', retryable: false });
    expect(requests).toHaveLength(2);
  });

  it('fails on a final error event after one request, keeping its code', async () => {
    const { client, requests } = createTestClient(() =>
      streamResponse([
        sseFrame('r1:0', EVENTS[0]),
        sseFrame('r1:1', {
          type: 'error',
          error: { code: 'CONTEXT_TOO_LONG', message: 'Too long.', retryable: false },
        }),
      ]),
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({
      code: 'CONTEXT_TOO_LONG',
      message: 'Too long.',
      retryable: false,
    });
    expect(run.iterated).toEqual([EVENTS[0]]);
    expect(requests).toHaveLength(1);
  });

  it('ends a stopped answer with status stopped', async () => {
    const { client } = createTestClient(serveTurn({ tokens: ['Par'], status: 'stopped' }));
    expect(await client.stream(REQUEST).result).toMatchObject({
      status: 'stopped',
      content: 'Par',
    });
  });
});

describe('stream() watchdog', () => {
  it('reconnects with Last-Event-ID when nothing arrives for 2.5 heartbeats', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient(
      [
        (_r, signal) =>
          streamResponse([wireTextAfter(events.slice(0, 2), undefined)], { end: 'hang' }, signal),
        serveTurn({ tokens: TOKENS }),
      ],
      { heartbeatMs: 20 },
    );
    const run = await runStream(client);
    expect(run.events).toEqual(EVENTS);
    expect(run.retries).toMatchObject([{ reason: 'STREAM_TIMEOUT' }]);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['last-event-id']).toBe('r1:1');
  });

  it('reconnects even when the fetch ignores its abort signal', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient(
      [
        () => streamResponse([wireTextAfter(events.slice(0, 2), undefined)], { end: 'hang' }),
        serveTurn({ tokens: TOKENS }),
      ],
      { heartbeatMs: 20 },
    );
    expect((await runStream(client)).events).toEqual(EVENTS);
    expect(requests).toHaveLength(2);
  });

  it('stays connected through a long pause while heartbeats keep arriving', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const pings = Array.from({ length: 6 }, () => [{ delayMs: 20 }, ': ping\n\n']).flat();
    const { client, requests } = createTestClient(
      (_r, signal) =>
        streamResponse(
          [events[0]?.frame ?? '', ...pings, ...events.slice(1).map((e) => e.frame)],
          {},
          signal,
        ),
      { heartbeatMs: 40 },
    );
    const run = await runStream(client);
    expect(run.events).toEqual(EVENTS);
    expect(run.retries).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});

describe('stream() REST fallback', () => {
  const restAnswer = serveTurn({ tokens: TOKENS });

  it('falls back to POST /chat with the same key when the stream is not text/event-stream', async () => {
    const { client, requests } = createTestClient([
      () =>
        new Response('<html>buffered by a proxy</html>', {
          headers: { 'Content-Type': 'text/html' },
        }),
      restAnswer,
    ]);
    const run = await runStream(client);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /api/v1/ai/chat/stream',
      'POST /api/v1/ai/chat',
    ]);
    expect(requests[1]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
    expect(requests[1]?.json).toEqual(REQUEST);
    expect(run.fallbacks).toHaveLength(1);
    expect(run.fallbacks[0]).toMatch(/text\/html/);
    expect(run.iterated.map((e) => e.type)).toEqual(['conversationId', 'token', 'complete']);
    expect(run.iterated[1]).toEqual({ type: 'token', content: TOKENS.join('') });
    expect(run.result).toMatchObject({
      transport: 'rest',
      content: TOKENS.join(''),
      conversationId: '3f1c2a9e-7d4b-4c1a-9e2f-5b6a7c8d9e0f',
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      status: 'complete',
    });
  });

  it('falls back on a proxy 502 before the first byte', async () => {
    const { client, requests } = createTestClient([
      () =>
        new Response('<html>Bad Gateway</html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html' },
        }),
      restAnswer,
    ]);
    const run = await runStream(client);
    expect(run.result).toMatchObject({ transport: 'rest' });
    expect(run.fallbacks[0]).toMatch(/502/);
    expect(requests).toHaveLength(2);
  });

  it("retries the router's own coded 502 instead of falling back", async () => {
    const { client, requests } = createTestClient([
      () => jsonResponse(502, errorBody('UPSTREAM_UNAVAILABLE', true)),
      serveTurn({ tokens: TOKENS }),
    ]);
    const run = await runStream(client);
    expect(run.result).toMatchObject({ transport: 'sse' });
    expect(run.fallbacks).toEqual([]);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/api/v1/ai/chat/stream',
      '/api/v1/ai/chat/stream',
    ]);
  });

  it('falls back when nothing arrives within streamOpenTimeoutMs, even from a fetch that never settles', async () => {
    const { client, requests } = createTestClient(
      [() => new Promise<Response>(() => {}), restAnswer],
      {
        streamOpenTimeoutMs: 30,
      },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ transport: 'rest', content: TOKENS.join('') });
    expect(run.fallbacks[0]).toMatch(/did not open within 30 ms/);
    expect(requests[1]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
  });

  it('does not fall back once events arrived: a later proxy 502 is retried as a resume', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient([
      () => streamResponse([wireTextAfter(events.slice(0, 2), undefined)], { end: 'reset' }),
      () => new Response('Bad Gateway', { status: 502 }),
      serveTurn({ tokens: TOKENS }),
    ]);
    const run = await runStream(client);
    expect(run.fallbacks).toEqual([]);
    expect(run.events).toEqual(EVENTS);
    expect(requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, 'r1:1', 'r1:1']);
  });

  it('falls back to POST /chat with the same key once the stream is given up before any text', async () => {
    const { client, requests } = createTestClient(
      [
        () => Promise.reject(new TypeError('fetch failed')),
        () => Promise.reject(new TypeError('fetch failed')),
        restAnswer,
      ],
      { retry: { maxRetries: 1 } },
    );
    const run = await runStream(client);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/api/v1/ai/chat/stream',
      '/api/v1/ai/chat/stream',
      '/api/v1/ai/chat',
    ]);
    expect(requests[2]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
    expect(run.retries.map((r) => r.reason)).toEqual(['NETWORK_ERROR']);
    expect(run.fallbacks).toHaveLength(1);
    expect(run.result).toMatchObject({ transport: 'rest', content: TOKENS.join('') });
  });

  it('falls back when the stream sends malformed data before any text', async () => {
    const wire = [sseFrame('r1:0', EVENTS[0]), 'id: r1:1\ndata: {"type":"token","content":\n\n'];
    const { client, requests } = createTestClient([
      () => streamResponse(wire, { end: 'hang' }),
      restAnswer,
    ]);
    const run = await runStream(client);
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/api/v1/ai/chat/stream',
      '/api/v1/ai/chat',
    ]);
    expect(run.fallbacks).toHaveLength(1);
    // The conversation id that did arrive is not repeated; the answer follows it.
    expect(run.iterated.map((e) => e.type)).toEqual(['conversationId', 'token', 'complete']);
    expect(run.result).toMatchObject({ transport: 'rest', content: TOKENS.join('') });
  });

  it('fails without falling back when the stream breaks after text arrived', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient(
      [
        () => streamResponse([wireTextAfter(events.slice(0, 2), undefined)], { end: 'reset' }),
        () => Promise.reject(new TypeError('fetch failed')),
      ],
      { retry: { maxRetries: 1 } },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(run.fallbacks).toEqual([]);
    expect(requests.every((r) => r.url.endsWith('/chat/stream'))).toBe(true);
  });

  it('does not fall back when fallbackToRest is false', async () => {
    const { client, requests } = createTestClient(
      () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } }),
      { fallbackToRest: false, retry: { maxRetries: 1 } },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ code: 'BAD_RESPONSE' });
    expect(requests.every((r) => r.url.endsWith('/chat/stream'))).toBe(true);
  });

  it('shares the one token refresh between the stream and its REST fallback', async () => {
    const getToken = vi.fn(() => 'jwt-2');
    const { client, requests } = createTestClient(
      [
        () => jsonResponse(401, errorBody('AUTH_EXPIRED')),
        () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } }),
        () => jsonResponse(401, errorBody('AUTH_EXPIRED')),
      ],
      { getToken },
    );
    const run = await runStream(client);
    expect(run.result).toMatchObject({ status: 401, code: 'AUTH_EXPIRED' });
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(requests).toHaveLength(3);
  });
});

describe('stream() lifetime', () => {
  it('ends with ABORTED and no retry when the caller aborts mid-stream', async () => {
    const events = turnEvents({ tokens: TOKENS });
    const controller = new AbortController();
    const { client, requests } = createTestClient((_r, signal) =>
      streamResponse([events[0]?.frame ?? '', events[1]?.frame ?? ''], { end: 'hang' }, signal),
    );
    const stream = client.stream(REQUEST, {
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    const seen: ChatEvent[] = [];
    await expect(
      (async () => {
        for await (const event of stream) seen.push(event);
      })(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED', retryable: false });
    expect(requests).toHaveLength(1);
    expect(seen.map((e) => e.type)).toEqual(['conversationId', 'token']);
  });

  it('ends with ABORTED when stream.abort() is called during a backoff wait', async () => {
    let stream: ReturnType<ReturnType<typeof createChatClient>['stream']> | undefined;
    const { client, requests } = createTestClient(() =>
      jsonResponse(503, errorBody('SERVER_BUSY', true)),
    );
    stream = client.stream(REQUEST, { onRetry: () => stream?.abort() });
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(requests).toHaveLength(1);
  });

  it('ends with ABORTED while getToken() is still pending', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }), {
      token: undefined,
      getToken: () => new Promise<string>(() => {}),
    });
    const stream = client.stream(REQUEST);
    setTimeout(() => stream.abort(), 5);
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(requests).toHaveLength(0);
  });

  it('never sends a request for an already aborted signal', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }));
    const stream = client.stream(REQUEST, { signal: AbortSignal.abort() });
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(requests).toHaveLength(0);
  });

  it('aborts the connection when the consumer leaves the loop early', async () => {
    let requestSignal: AbortSignal | undefined;
    const { client } = createTestClient((_r, signal) => {
      requestSignal = signal;
      return streamResponse([sseFrame('r1:0', EVENTS[0])], { end: 'hang' }, signal);
    });
    const stream = client.stream(REQUEST);
    for await (const event of stream) {
      expect(event.type).toBe('conversationId');
      break;
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(requestSignal?.aborted).toBe(true);
  });

  it('yields nothing when iterated after the end', async () => {
    const { client } = createTestClient(serveTurn({ tokens: TOKENS }));
    const stream = client.stream(REQUEST);
    const first: ChatEvent[] = [];
    for await (const event of stream) first.push(event);
    const second: ChatEvent[] = [];
    for await (const event of stream) second.push(event);
    expect(first).toEqual(EVENTS);
    expect(second).toEqual([]);
  });

  it('lets a caller who awaited result iterate the buffered events afterwards', async () => {
    const { client } = createTestClient(serveTurn({ tokens: TOKENS }));
    const stream = client.stream(REQUEST);
    await stream.result;
    const events: ChatEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual(EVENTS);
  });

  it('fails validation through result without sending anything', async () => {
    const { client, requests } = createTestClient(serveTurn({ tokens: TOKENS }));
    const stream = client.stream({ projectId: 'p', message: '   ' });
    await expect(stream.result).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 0 });
    const badKey = client.stream(REQUEST, { idempotencyKey: 'two\nlines' });
    await expect(badKey.result).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(requests).toHaveLength(0);
  });

  it('lets no rejection escape when the caller only uses callbacks', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { client } = createTestClient(() => jsonResponse(400, errorBody('VALIDATION_FAILED')));
      const done = new Promise<void>((resolve) => {
        client
          .stream(REQUEST, { onEvent: () => {} })
          .result.finally(resolve)
          .catch(() => {});
      });
      client.stream(REQUEST, { onToken: () => {} });
      client.stream(REQUEST).abort();
      await done;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reports a throwing callback and carries on with the stream', async () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    const { client } = createTestClient(serveTurn({ tokens: TOKENS }));
    const bug = new Error('bug in onToken');
    const result = await client.stream(REQUEST, {
      onToken: () => {
        throw bug;
      },
    }).result;
    expect(result.content).toBe(TOKENS.join(''));
    expect(reported).toEqual(TOKENS.map(() => bug));
  });

  it('never re-sends on visibility changes: a hidden tab keeps its one stream', async () => {
    const page = Object.assign(new EventTarget(), { hidden: false, visibilityState: 'visible' });
    vi.stubGlobal('document', page);
    const events = turnEvents({ tokens: TOKENS });
    const { client, requests } = createTestClient((_r, signal) =>
      streamResponse(
        [events[0]?.frame ?? '', { delayMs: 60 }, ...events.slice(1).map((e) => e.frame)],
        {},
        signal,
      ),
    );
    const stream = client.stream(REQUEST, {
      onEvent: (event) => {
        if (event.type !== 'conversationId') return;
        setTimeout(() => {
          Object.assign(page, { hidden: true, visibilityState: 'hidden' });
          page.dispatchEvent(new Event('visibilitychange'));
        }, 5);
        setTimeout(() => {
          Object.assign(page, { hidden: false, visibilityState: 'visible' });
          page.dispatchEvent(new Event('visibilitychange'));
        }, 20);
      },
    });
    expect((await stream.result).content).toBe(TOKENS.join(''));
    expect(requests).toHaveLength(1);
  });
});

describe('createChatClient in Node', () => {
  it('needs no window or document and leaves the global object as it found it', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const before = Object.getOwnPropertyNames(globalThis).sort();
    const serve = serveTurn({ tokens: TOKENS });
    const options: ChatClientOptions = {
      baseUrl: 'http://127.0.0.1:1/api/v1/ai',
      fetch: ((url: string, init: RequestInit) =>
        serve(
          { url, method: init.method ?? 'GET', headers: {}, body: undefined, json: undefined },
          init.signal ?? undefined,
        )) as unknown as typeof fetch,
    };
    const result = await createChatClient(options).stream(REQUEST).result;
    expect(result.content).toBe(TOKENS.join(''));
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(before);
  });
});
