// The client against a real loopback HTTP server speaking the protocol (a scripted fake of the
// router in test-helpers/, not the real router): undici's fetch, real sockets, real resets.

import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClientOptions, RetryInfo } from './chat-client.js';
import { createChatClient } from './create-chat-client.js';
import type { ChatEvent } from './protocol.js';
import { createSeededRandom } from './test-helpers/seeded-random.js';
import {
  type FakeChatRouter,
  type FakeChatRouterOptions,
  startFakeChatRouter,
} from './test-helpers/start-fake-chat-router.js';

const ANSWER = ['The ', '`orders`', ' table 👋', ' references\n', '`users` (שלום).'];
const TEXT = ANSWER.join('');
const REQUEST = { projectId: 'p-1', message: 'Which tables reference users?' };

let router: FakeChatRouter | undefined;

afterEach(async () => {
  await router?.close();
  router = undefined;
});

async function setup(
  routerOptions: FakeChatRouterOptions = {},
  clientOptions: Partial<ChatClientOptions> = {},
) {
  router = await startFakeChatRouter(routerOptions);
  const client = createChatClient({
    baseUrl: router.baseUrl,
    token: 'test-jwt',
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    ...clientOptions,
  });
  return { router, client };
}

describe('createChatClient over loopback HTTP', () => {
  it('streams a whole answer with POST and generates it once', async () => {
    const { router, client } = await setup();
    const events: ChatEvent[] = [];
    const stream = client.stream(REQUEST, { onEvent: (e) => events.push(e) });
    const result = await stream.result;
    expect(result).toMatchObject({ content: TEXT, transport: 'sse', status: 'complete' });
    expect(events.map((e) => e.type)).toEqual([
      'conversationId',
      ...ANSWER.map(() => 'token'),
      'complete',
    ]);
    expect(router.requests).toHaveLength(1);
    expect(router.generations.get(stream.idempotencyKey)).toBe(1);
  });

  it('streams with GET and the request as a query', async () => {
    const { router, client } = await setup({}, { streamMethod: 'GET' });
    const result = await client.stream(REQUEST).result;
    expect(result.content).toBe(TEXT);
    expect(router.requests[0]?.method).toBe('GET');
    expect(router.requests[0]?.query.get('message')).toBe(REQUEST.message);
  });

  it('resumes after socket resets at random points (mid-frame too) with identical text and one generation', async () => {
    const random = createSeededRandom(7);
    const plans = new Map<string, number>();
    const { router, client } = await setup({
      fault: ({ idempotencyKey, lastEventId, streamIndex = 0 }) => {
        const breaks = plans.get(idempotencyKey ?? '') ?? 0;
        if (streamIndex >= breaks) return undefined;
        // Break before one of the events this response still has to send, so every planned
        // reset really happens: conversationId + tokens + complete, minus what was received.
        const received = lastEventId === undefined ? 0 : Number(lastEventId.split(':')[1]) + 1;
        const remaining = ANSWER.length + 2 - received;
        return {
          type: 'reset',
          afterEvents: Math.floor(random() * remaining),
          partialBytes: Math.floor(random() * 40),
        };
      },
    });
    for (let round = 0; round < 25; round += 1) {
      const key = `key-${round}`;
      plans.set(key, 1 + (round % 3));
      const retries: RetryInfo[] = [];
      const result = await client.stream(REQUEST, {
        idempotencyKey: key,
        onRetry: (info) => retries.push(info),
      }).result;
      expect(result.content, `round ${round}`).toBe(TEXT);
      expect(router.generations.get(key)).toBe(1);
      expect(retries.length).toBe(1 + (round % 3));
      const sent = router.requests.filter((r) => r.idempotencyKey === key);
      expect(sent).toHaveLength(2 + (round % 3));
      expect(sent[0]?.lastEventId).toBeUndefined();
    }
  });

  it('reconnects through the watchdog when the server goes silent, without a second generation', async () => {
    const { router, client } = await setup(
      {
        fault: ({ streamIndex }) =>
          streamIndex === 0 ? { type: 'stall', afterEvents: 2 } : undefined,
      },
      { heartbeatMs: 40 },
    );
    const retries: RetryInfo[] = [];
    const stream = client.stream(REQUEST, { onRetry: (info) => retries.push(info) });
    expect((await stream.result).content).toBe(TEXT);
    expect(retries.map((r) => r.reason)).toEqual(['STREAM_TIMEOUT']);
    expect(router.requests[1]?.lastEventId).toBe('r1:1');
    expect(router.generations.get(stream.idempotencyKey)).toBe(1);
  });

  it('stays on one connection through a long pause while pings arrive', async () => {
    const { router, client } = await setup(
      { pingIntervalMs: 20, fault: () => ({ type: 'pause', afterEvents: 2, ms: 250 }) },
      { heartbeatMs: 60 },
    );
    const retries: RetryInfo[] = [];
    expect((await client.stream(REQUEST, { onRetry: (i) => retries.push(i) }).result).content).toBe(
      TEXT,
    );
    expect(retries).toEqual([]);
    expect(router.requests).toHaveLength(1);
  });

  it('resumes when the server ends the response without a terminal event', async () => {
    const { router, client } = await setup({
      fault: ({ streamIndex }) => (streamIndex === 0 ? { type: 'end', afterEvents: 3 } : undefined),
    });
    expect((await client.stream(REQUEST).result).content).toBe(TEXT);
    expect(router.requests.map((r) => r.lastEventId)).toEqual([undefined, 'r1:2']);
  });

  it('falls back to POST /chat with the same key when a proxy rewrites the content type', async () => {
    const { router, client } = await setup({
      fault: () => ({ type: 'contentType', contentType: 'text/html', body: '<html>proxy</html>' }),
    });
    const fallbacks: string[] = [];
    const events: ChatEvent[] = [];
    const stream = client.stream(REQUEST, {
      onFallback: (reason) => fallbacks.push(reason),
      onEvent: (e) => events.push(e),
    });
    const result = await stream.result;
    expect(result).toMatchObject({ content: TEXT, transport: 'rest' });
    expect(fallbacks).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['conversationId', 'token', 'complete']);
    expect(router.requests.map((r) => `${r.method} ${r.route} ${r.idempotencyKey}`)).toEqual([
      `POST /chat/stream ${stream.idempotencyKey}`,
      `POST /chat ${stream.idempotencyKey}`,
    ]);
    expect(router.generations.get(stream.idempotencyKey)).toBe(1);
  });

  it('falls back on a proxy 502 before the first byte', async () => {
    const { router, client } = await setup({
      fault: () => ({ type: 'status', status: 502, body: '<html>502 Bad Gateway</html>' }),
    });
    const stream = client.stream(REQUEST);
    expect(await stream.result).toMatchObject({ content: TEXT, transport: 'rest' });
    expect(router.generations.get(stream.idempotencyKey)).toBe(1);
  });

  it('retries a 503 with Retry-After: 0 on the same key', async () => {
    const { router, client } = await setup({
      fault: ({ streamIndex }) =>
        streamIndex === 0
          ? {
              type: 'status',
              status: 503,
              body: { error: { code: 'SERVER_BUSY', message: 'Busy.', retryable: true } },
              headers: { 'Retry-After': '0' },
            }
          : undefined,
    });
    const retries: RetryInfo[] = [];
    const stream = client.stream(REQUEST, { onRetry: (i) => retries.push(i) });
    expect((await stream.result).content).toBe(TEXT);
    expect(retries).toMatchObject([{ reason: 'SERVER_BUSY', delayMs: 0 }]);
    expect(router.requests).toHaveLength(2);
  });

  it('refreshes an expired token once through getToken', async () => {
    let calls = 0;
    const { router, client } = await setup(
      {},
      {
        token: 'expired-jwt',
        getToken: () => {
          calls += 1;
          return 'test-jwt';
        },
      },
    );
    expect((await client.stream(REQUEST).result).content).toBe(TEXT);
    expect(calls).toBe(1);
    expect(router.requests.map((r) => r.authorization)).toEqual([
      'Bearer expired-jwt',
      'Bearer test-jwt',
    ]);
  });

  it('closes the connection when the caller aborts, and ends with ABORTED', async () => {
    const { router, client } = await setup({ eventIntervalMs: 20 });
    const controller = new AbortController();
    const stream = client.stream(REQUEST, {
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    await expect(stream.result).rejects.toMatchObject({ code: 'ABORTED' });
    await expect.poll(() => router.closedByClient).toBe(1);
    expect(router.requests).toHaveLength(1);
  });

  it('serves the REST routes: send, history, stop, delete, projects', async () => {
    const { client } = await setup();
    const answer = await client.send(REQUEST);
    expect(answer.message.content).toBe(TEXT);
    const page = await client.listConversations('p-1');
    expect(page.items.map((c) => c.id)).toEqual([answer.conversationId]);
    const history = await client.getMessages(answer.conversationId);
    expect(history.items.map((m) => [m.role, m.content])).toEqual([
      ['user', REQUEST.message],
      ['assistant', TEXT],
    ]);
    expect(await client.stop(answer.conversationId)).toEqual({ stopped: false });
    await client.deleteConversation(answer.conversationId);
    await expect(client.getMessages(answer.conversationId)).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
    expect(await client.listProjects()).toEqual([{ id: 'p-1', name: 'Shop' }]);
  });
});
