import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatResponse, ErrorBody } from '../../sdk/protocol.js';
import { SCRIPTED_USAGE } from '../../test/helpers/scripted-chat-model.js';
import { readSse, textOf } from '../../test/helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
} from '../../test/helpers/start-chat-server.js';
import {
  ALICE_OTHER_PROJECT,
  ALICE_PROJECT,
  BOB_PROJECT,
} from '../../test/helpers/test-projects.js';
import { ChatError } from '../errors.js';

let server: ChatTestServer;
const start = async (options: StartChatServerOptions = {}) => {
  server = await startChatServer(options);
  return server;
};
afterEach(async () => {
  await server?.close();
});

const streamUrl = (query: Record<string, string>) =>
  `${server.baseUrl}/chat/stream?${new URLSearchParams(query)}`;
const postStream = (body: unknown, headers: Record<string, string> = {}, user = 'alice') =>
  readSse(`${server.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: server.headers(user, headers),
    body: JSON.stringify(body),
  });
const postChat = async (body: unknown, headers: Record<string, string> = {}, user = 'alice') => {
  const response = await fetch(`${server.baseUrl}/chat`, {
    method: 'POST',
    headers: server.headers(user, headers),
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  };
};
const ask = (message = 'Hello', extra: Record<string, unknown> = {}) => ({
  projectId: ALICE_PROJECT.id,
  message,
  ...extra,
});

describe('GET /chat/stream (the README curl example)', () => {
  it('prints conversationId, then tokens, then complete, on the exact wire text', async () => {
    // One event per token, as docs/protocol.md shows it (the default coalesces a steady stream's tokens).
    await start({ timeouts: { flushMs: 0 } });
    server.scripted.next({ tokens: ['Hello', ' there', '!'], intervalMs: 20 });
    const result = await readSse(streamUrl({ projectId: ALICE_PROJECT.id, message: 'Hello' }), {
      headers: { Authorization: `Bearer ${server.token()}` },
    });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(result.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(result.headers.get('x-accel-buffering')).toBe('no');
    expect(result.headers.get('x-schema-chat-protocol')).toBe('1');

    const first = result.events[0]?.json;
    const last = result.events.at(-1)?.json;
    if (first?.type !== 'conversationId' || last?.type !== 'complete')
      throw new Error('bad sequence');
    const run = result.events[0]?.id?.split(':')[0] as string;
    const { conversationId } = first;
    const { messageId } = last.metadata;
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(result.raw).toBe(
      'retry: 2000\n\n' +
        `id: ${run}:0\ndata: {"type":"conversationId","conversationId":"${conversationId}"}\n\n` +
        `id: ${run}:6\ndata: {"type":"token","content":"Hello"}\n\n` +
        `id: ${run}:12\ndata: {"type":"token","content":" there"}\n\n` +
        `id: ${run}:13\ndata: {"type":"token","content":"!"}\n\n` +
        `id: ${run}:14\ndata: {"type":"complete","timestamp":"${last.timestamp}","metadata":{"model":"test/scripted-model","conversationId":"${conversationId}","messageId":"${messageId}","finishReason":"stop","status":"complete","usage":{"promptTokens":42,"completionTokens":3,"totalTokens":45}}}\n\n`,
    );
  });

  it('sends the first token at once and coalesces the tokens of a steady stream by default', async () => {
    await start();
    const tokens = Array.from({ length: 12 }, (_, i) => ` t${i}`);
    server.scripted.next({ tokens, intervalMs: 5 });
    const result = await postStream(ask());
    expect(textOf(result.events)).toBe(tokens.join(''));
    const contents = result.events.flatMap((e) =>
      e.json.type === 'token' ? [e.json.content] : [],
    );
    expect(contents[0]).toBe(' t0');
    // Never more than flushTokens (4) tokens wait for one event; at most one event per token.
    expect(contents.length).toBeGreaterThanOrEqual(1 + 11 / 4);
    expect(contents.length).toBeLessThan(tokens.length);
  });

  it('frames newlines, CR, fake fields and emoji so the client text is byte-identical', async () => {
    await start();
    const tokens = ['line1\nline2', '\r\n', 'data: fake\n\nid: x', ' 👋🏽 مرحبا ', '\u2028end'];
    server.scripted.next({ tokens, intervalMs: 5 });
    const result = await postStream(ask());
    expect(textOf(result.events)).toBe(tokens.join(''));
    expect(result.events.filter((e) => e.json.type === 'complete')).toHaveLength(1);
  });
});

describe('POST /chat/stream', () => {
  it('streams the same events for a JSON body and stores both messages', async () => {
    await start();
    const result = await postStream(ask('What tables are there?'));
    expect(result.events.map((e) => e.json.type)).toEqual(['conversationId', 'token', 'complete']);
    const first = result.events[0]?.json;
    if (first?.type !== 'conversationId') throw new Error('no conversationId');
    const page = await server.store.listMessages('alice', first.conversationId, { limit: 10 });
    expect(page?.items.map(({ role, content, status }) => ({ role, content, status }))).toEqual([
      { role: 'user', content: 'What tables are there?', status: 'complete' },
      { role: 'assistant', content: 'Hello there!', status: 'complete' },
    ]);
    expect(page?.items[1]?.usage).toEqual(SCRIPTED_USAGE);
  });

  it('saves the question before calling the model', async () => {
    await start();
    const conversationId = randomUUID();
    server.scripted.next({ firstTokenDelayMs: 300 });
    const pending = postStream(ask('Saved first?', { conversationId }));
    await sleep(100);
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    expect(page?.items.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'streaming'],
    ]);
    await pending;
  });

  it('creates an unknown conversation id for the caller', async () => {
    await start();
    const conversationId = randomUUID();
    const result = await postStream(ask('Hi', { conversationId }));
    expect(result.events[0]?.json).toEqual({ type: 'conversationId', conversationId });
    expect((await server.store.getConversation('alice', conversationId))?.projectId).toBe(
      ALICE_PROJECT.id,
    );
  });

  it('sends the schema, the last 10 messages oldest first and the question once', async () => {
    await start({ storeKind: 'memory' });
    const conversationId = randomUUID();
    for (let i = 1; i <= 6; i++) {
      server.scripted.next({ tokens: [`answer ${i}`] });
      await postChat(ask(`question ${i}`, { conversationId }));
    }
    await postChat(ask('question 7', { conversationId }));
    const messages = server.scripted.calls.at(-1)?.messages ?? [];
    expect(messages[0]?.role).toBe('system');
    expect(messages[0]?.content).toContain('CREATE TABLE authors');
    expect(messages.slice(1).map((m) => m.content)).toEqual([
      'question 2',
      'answer 2',
      'question 3',
      'answer 3',
      'question 4',
      'answer 4',
      'question 5',
      'answer 5',
      'question 6',
      'answer 6',
      'question 7',
    ]);
    expect(server.scripted.calls.at(-1)?.project?.id).toBe(ALICE_PROJECT.id);
  });
});

describe('POST /chat (REST)', () => {
  it('answers with the whole message and its metadata', async () => {
    await start();
    const { status, body } = await postChat(ask());
    expect(status).toBe(200);
    const response = body as ChatResponse;
    expect(response.message).toMatchObject({
      role: 'assistant',
      content: 'Hello there!',
      status: 'complete',
      model: 'test/scripted-model',
    });
    expect(response.metadata).toEqual({
      model: 'test/scripted-model',
      finishReason: 'stop',
      usage: SCRIPTED_USAGE,
    });
    const history = await server.store.listMessages('alice', response.conversationId, {
      limit: 10,
    });
    expect(history?.items).toHaveLength(2);
  });

  it('answers an upstream failure with its status and code, never provider text', async () => {
    await start();
    server.scripted.next({
      fail: {
        afterTokens: 0,
        error: new ChatError('UPSTREAM_UNAVAILABLE', 'The model server is unreachable.', {
          retryable: true,
          cause: new Error('ECONNREFUSED 10.0.0.7:8003 secret-host'),
        }),
      },
    });
    const { status, body } = await postChat(ask());
    expect(status).toBe(503);
    expect(body).toEqual({
      error: {
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'The model server is unreachable.',
        retryable: true,
      },
    });
  });
});

describe('errors before the stream', () => {
  const cases: Array<
    [string, () => Promise<{ status: number; body: unknown; headers: Headers }>, number, string]
  > = [
    [
      'a bad conversation id',
      () => postChat(ask('Hi', { conversationId: 'conv_1762194312799' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a missing message',
      () => postChat({ projectId: ALICE_PROJECT.id }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a message over 4000 characters',
      () => postChat(ask('x'.repeat(4001))),
      413,
      'MESSAGE_TOO_LONG',
    ],
    [
      'an unknown project',
      () => postChat({ projectId: 'nope', message: 'Hi' }),
      404,
      'PROJECT_NOT_FOUND',
    ],
    [
      "another user's project",
      () => postChat({ projectId: BOB_PROJECT.id, message: 'Hi' }),
      404,
      'PROJECT_NOT_FOUND',
    ],
    [
      'malformed JSON',
      async () => {
        const response = await fetch(`${server.baseUrl}/chat`, {
          method: 'POST',
          headers: server.headers(),
          body: '{"projectId":',
        });
        return { status: response.status, headers: response.headers, body: await response.json() };
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a form body',
      async () => {
        const response = await fetch(`${server.baseUrl}/chat/stream`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${server.token()}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'projectId=p&message=hi',
        });
        return { status: response.status, headers: response.headers, body: await response.json() };
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body over the size limit',
      async () => {
        const response = await fetch(`${server.baseUrl}/chat`, {
          method: 'POST',
          headers: server.headers(),
          body: JSON.stringify({ ...ask(), padding: 'x'.repeat(70_000) }),
        });
        return { status: response.status, headers: response.headers, body: await response.json() };
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'no token',
      async () => {
        const response = await fetch(`${server.baseUrl}/chat/stream?projectId=p&message=hi`);
        return { status: response.status, headers: response.headers, body: await response.json() };
      },
      401,
      'AUTH_MISSING',
    ],
    [
      'a bad Idempotency-Key',
      () => postChat(ask(), { 'Idempotency-Key': 'has spaces in it' }),
      400,
      'VALIDATION_FAILED',
    ],
  ];

  it.each(cases)('answers %s with its status and code', async (_name, send, status, code) => {
    await start();
    const result = await send();
    expect(result.status).toBe(status);
    expect((result.body as ErrorBody).error.code).toBe(code);
    expect(server.scripted.calls).toHaveLength(0);
  });

  it('sends WWW-Authenticate with a 401', async () => {
    await start();
    const response = await fetch(`${server.baseUrl}/chat`, {
      method: 'POST',
      headers: { Authorization: 'Bearer not.a.jwt', 'Content-Type': 'application/json' },
      body: JSON.stringify(ask()),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="schema-chat", error="invalid_token", error_description="AUTH_MALFORMED"',
    );
  });

  it("answers another user's conversation id like an unused one: the caller gets a conversation of their own", async () => {
    await start();
    const conversationId = randomUUID();
    server.scripted.next({ tokens: ['for alice'] });
    await postChat(ask('mine', { conversationId }));
    server.scripted.next({ tokens: ['for bob'] });
    const bob = await postChat(
      { projectId: BOB_PROJECT.id, message: 'hi', conversationId },
      {},
      'bob',
    );
    expect(bob.status).toBe(200);
    expect(bob.body).toMatchObject({ conversationId, message: { content: 'for bob' } });
    // Bob's model call sees his question only, none of Alice's turn.
    expect(
      server.scripted.calls
        .at(-1)
        ?.messages.slice(1)
        .map((m) => m.content),
    ).toEqual(['hi']);
    expect(await server.store.getConversation('bob', conversationId)).toMatchObject({
      projectId: BOB_PROJECT.id,
    });
    const alice = await server.store.listMessages('alice', conversationId, { limit: 10 });
    expect(alice?.items.map((m) => m.content)).toEqual(['mine', 'for alice']);
  });

  it("answers 404 for one of the caller's conversations named under another project", async () => {
    await start();
    const conversationId = randomUUID();
    await postChat(ask('mine', { conversationId }));
    const otherProject = await postChat({
      projectId: ALICE_OTHER_PROJECT.id,
      message: 'hi',
      conversationId,
    });
    expect(otherProject.status).toBe(404);
    expect((otherProject.body as ErrorBody).error.code).toBe('CONVERSATION_NOT_FOUND');
    expect(server.scripted.calls).toHaveLength(1);
  });

  it('answers 409 to a second turn while the conversation is streaming', async () => {
    await start();
    const conversationId = randomUUID();
    server.scripted.next({ firstTokenDelayMs: 300 });
    const first = postStream(ask('first', { conversationId }));
    await sleep(100);
    const second = await postChat(ask('second', { conversationId }));
    expect(second.status).toBe(409);
    expect((second.body as ErrorBody).error.code).toBe('TURN_IN_PROGRESS');
    expect(textOf((await first).events)).toBe('Hello there!');
  });
});

describe('resume headers', () => {
  it('refuses a garbled Last-Event-ID without a key instead of starting a second turn', async () => {
    await start();
    const response = await postStream(ask(), { 'Last-Event-ID': 'not an id' });
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    expect(server.scripted.calls).toHaveLength(0);
  });

  it('names the Last-Event-ID, not a key, when a keyless resume asks another question', async () => {
    await start();
    server.scripted.next({
      tokens: Array.from({ length: 50 }, (_, i) => `w${i} `),
      intervalMs: 20,
    });
    const first = await readSse(`${server.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify(ask('first')),
      until: (events) => events.length >= 2,
    });
    const response = await postStream(ask('another'), {
      'Last-Event-ID': first.events.at(-1)?.id as string,
    });
    expect(response.status).toBe(422);
    const { error } = response.body as ErrorBody;
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.message).toContain('Last-Event-ID');
    expect(server.scripted.calls).toHaveLength(1);
  });

  it('names the protocol version on JSON answers and errors too', async () => {
    await start();
    const ok = await fetch(`${server.baseUrl}/projects`, { headers: server.headers() });
    expect(ok.headers.get('x-schema-chat-protocol')).toBe('1');
    const refused = await fetch(`${server.baseUrl}/projects`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-schema-chat-protocol')).toBe('1');
  });
});

describe('a turn that failed, asked again with its key', () => {
  it('replays its error marked final, over SSE and REST, without calling the model again', async () => {
    await start();
    const failure = new ChatError('UPSTREAM_UNAVAILABLE', 'The model is down.', {
      retryable: true,
    });
    server.scripted.next({ tokens: ['Par', 'tial'], fail: { afterTokens: 2, error: failure } });
    const key = { 'Idempotency-Key': randomUUID() };
    const live = await postStream(ask('Will this fail?'), key);
    const first = live.events.at(-1)?.json;
    expect(first?.type === 'error' && first.error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
    const again = await postStream(ask('Will this fail?'), key);
    const replayed = again.events.at(-1)?.json;
    expect(replayed?.type === 'error' && replayed.error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: false,
    });
    // The same event id: a client resuming after it sees its run is over.
    expect(again.events.at(-1)?.id).toBe(live.events.at(-1)?.id);
    const rest = await postChat(ask('Will this fail?'), key);
    expect((rest.body as ErrorBody).error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: false,
    });
    expect(server.scripted.calls).toHaveLength(1);
  });
});

describe('rate limits and quotas', () => {
  it('allows exactly streamsPerMinute new streams, then 429 with Retry-After and RateLimit headers', async () => {
    await start({ limits: { streamsPerMinute: 2 } });
    expect((await postStream(ask())).status).toBe(200);
    expect((await postStream(ask())).status).toBe(200);
    const third = await postStream(ask());
    expect(third.status).toBe(429);
    expect((third.body as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('ratelimit-policy')).toContain('"streams"; q=2; w=60');
    expect(third.headers.get('ratelimit')).toMatch(/"streams"; r=0; t=\d+/);
    expect(server.scripted.calls).toHaveLength(2);
  });

  it('counts only turns that start: refused attempts leave the per-minute budget alone', async () => {
    await start({ limits: { maxConcurrentStreams: 3, streamsPerMinute: 10 } });
    server.scripted.setDefault({ firstTokenDelayMs: 300 });
    const running = [postStream(ask('a')), postStream(ask('b')), postStream(ask('c'))];
    await sleep(100);
    for (let i = 0; i < 7; i++) {
      const refused = await postStream(ask(`refused ${i}`));
      expect(refused.status).toBe(429);
      expect((refused.body as ErrorBody).error.code).toBe('CONCURRENT_STREAM_LIMIT');
      expect(refused.headers.get('retry-after')).toBe('1');
    }
    await Promise.all(running);
    server.scripted.setDefault({});
    const next = await postStream(ask('next'));
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit')).toMatch(/"streams"; r=6; t=\d+/);
    // The request limit's policy is still there beside the turn budget's.
    expect(next.headers.get('ratelimit-policy')).toMatch(
      /"requests"; q=60; w=60.*"streams"; q=10; w=60/,
    );
    expect(server.scripted.calls).toHaveLength(4);
  });

  it('budgets REST and streamed turns together: the model is called streamsPerMinute times', async () => {
    await start({ limits: { streamsPerMinute: 3 } });
    expect((await postChat(ask('one'))).status).toBe(200);
    expect((await postStream(ask('two'))).status).toBe(200);
    expect((await postChat(ask('three'))).status).toBe(200);
    const restRefused = await postChat(ask('four'));
    expect(restRefused.status).toBe(429);
    expect((restRefused.body as ErrorBody).error.code).toBe('RATE_LIMITED');
    const streamRefused = await postStream(ask('five'));
    expect(streamRefused.status).toBe(429);
    expect((streamRefused.body as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect(server.scripted.calls).toHaveLength(3);
  });

  it('gives a turn back when it fails before streaming (409 in a busy conversation)', async () => {
    await start({ limits: { streamsPerMinute: 2 } });
    const conversationId = randomUUID();
    server.scripted.next({ firstTokenDelayMs: 300 });
    const first = postStream(ask('first', { conversationId }));
    await sleep(100);
    const busy = await postStream(ask('second', { conversationId }));
    expect(busy.status).toBe(409);
    await first;
    expect((await postStream(ask('third'))).status).toBe(200);
    expect(server.scripted.calls).toHaveLength(2);
  });

  it('keys limits by user, not by a spoofable X-Forwarded-For', async () => {
    await start({ limits: { streamsPerMinute: 1 } });
    expect((await postStream(ask(), { 'X-Forwarded-For': '1.1.1.1' })).status).toBe(200);
    expect((await postStream(ask(), { 'X-Forwarded-For': '2.2.2.2' })).status).toBe(429);
    expect((await postStream({ projectId: BOB_PROJECT.id, message: 'hi' }, {}, 'bob')).status).toBe(
      200,
    );
  });

  it('does not count a resume with the same Idempotency-Key as a new stream', async () => {
    await start({ limits: { streamsPerMinute: 1 } });
    const key = { 'Idempotency-Key': randomUUID() };
    expect((await postStream(ask(), key)).status).toBe(200);
    const again = await postStream(ask(), key);
    expect(again.status).toBe(200);
    expect(textOf(again.events)).toBe('Hello there!');
  });

  it('caps concurrent generations per user and frees the slot when one ends', async () => {
    await start({ limits: { maxConcurrentStreams: 2 } });
    server.scripted.setDefault({ firstTokenDelayMs: 300 });
    const a = postStream(ask('a'));
    const b = postStream(ask('b'));
    await sleep(100);
    const c = await postStream(ask('c'));
    expect(c.status).toBe(429);
    expect((c.body as ErrorBody).error.code).toBe('CONCURRENT_STREAM_LIMIT');
    await Promise.all([a, b]);
    server.scripted.setDefault({});
    expect((await postStream(ask('d'))).status).toBe(200);
  });

  it('refuses a turn once the daily token quota is used, before calling the model', async () => {
    await start({ limits: { tokensPerDay: 50 } });
    expect((await postChat(ask())).status).toBe(200); // uses 45 tokens
    expect((await postChat(ask())).status).toBe(200); // 45 < 50: allowed, now 90
    const refused = await postChat(ask());
    expect(refused.status).toBe(429);
    expect((refused.body as ErrorBody).error.code).toBe('QUOTA_EXCEEDED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(server.scripted.calls).toHaveLength(2);
  });
});
