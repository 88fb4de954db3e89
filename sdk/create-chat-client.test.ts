// Tests of the REST calls of createChatClient over a scripted fetch.

import { describe, expect, it, vi } from 'vitest';
import { ChatClientError } from './chat-client-error.js';
import { createChatClient } from './create-chat-client.js';
import type { ChatResponse } from './protocol.js';
import { createTestClient } from './test-helpers/create-test-client.js';
import { createScriptedFetch, errorBody, jsonResponse } from './test-helpers/scripted-fetch.js';

const ANSWER: ChatResponse = {
  conversationId: 'c-1',
  message: {
    id: 'm-1',
    role: 'assistant',
    content: 'Two tables reference users.',
    status: 'complete',
    createdAt: '2025-01-01T00:00:00.000Z',
  },
  metadata: {
    model: 'Qwen/Qwen2.5-7B-Instruct',
    finishReason: 'stop',
    usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
  },
};

const path = (url: string | undefined) => {
  const parsed = new URL(url ?? '');
  return parsed.pathname + parsed.search;
};

describe('createChatClient', () => {
  it('throws a TypeError naming a bad option at setup', () => {
    expect(() => createChatClient({ baseUrl: 'https://x', heartbeatMs: 0 })).toThrowError(
      /"heartbeatMs"/,
    );
  });

  it('warns once, at creation, about a misspelt option, naming the option it meant', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { fetch } = createScriptedFetch(() => jsonResponse(200, { items: [] }));
      const client = createChatClient({
        baseUrl: 'https://api.example.com/ai',
        fetch,
        heartbeatMS: 100,
        retry: { maxRetry: 1 },
      } as never);
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
        'schema-chat client: unknown option "heartbeatMS" is ignored; did you mean "heartbeatMs"?',
        'schema-chat client: unknown option "retry.maxRetry" is ignored; did you mean "retry.maxRetries"?',
      ]);
      await client.listProjects();
      expect(warn).toHaveBeenCalledTimes(2);
      warn.mockClear();
      createChatClient({ baseUrl: 'https://api.example.com/ai', fetch, heartbeatMs: 100 });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('send()', () => {
  it('posts the turn to /chat with an Idempotency-Key and returns the answer', async () => {
    const { client, requests } = createTestClient(() => jsonResponse(200, ANSWER));
    const answer = await client.send({ projectId: 'p', message: 'hi', conversationId: 'c-1' });
    expect(answer).toEqual(ANSWER);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      json: { projectId: 'p', message: 'hi', conversationId: 'c-1' },
    });
    expect(path(requests[0]?.url)).toBe('/api/v1/ai/chat');
    expect(requests[0]?.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'Bearer jwt-1',
    });
    expect(requests[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a network error with the same Idempotency-Key, so the answer is generated once', async () => {
    const { client, requests, sleeps } = createTestClient([
      () => Promise.reject(new TypeError('fetch failed')),
      () => jsonResponse(200, ANSWER),
    ]);
    await client.send({ projectId: 'p', message: 'hi' }, { idempotencyKey: 'k-7' });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['k-7', 'k-7']);
    expect(sleeps).toEqual([250]);
  });

  it('rejects with the coded server error of a fatal status after one request', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(413, errorBody('MESSAGE_TOO_LONG', false, 'The message is too long.')),
    );
    const error = await client.send({ projectId: 'p', message: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatClientError);
    expect(error).toMatchObject({
      status: 413,
      code: 'MESSAGE_TOO_LONG',
      message: 'The message is too long.',
      retryable: false,
    });
    expect(requests).toHaveLength(1);
  });

  it('refreshes the token once after a 401', async () => {
    const getToken = vi.fn(async () => 'jwt-2');
    const { client, requests } = createTestClient(
      [() => jsonResponse(401, errorBody('AUTH_EXPIRED')), () => jsonResponse(200, ANSWER)],
      { getToken },
    );
    await client.send({ projectId: 'p', message: 'hi' });
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
  });

  it('rejects a body that is not a chat answer with BAD_RESPONSE', async () => {
    const { client } = createTestClient(() => jsonResponse(200, { hello: 'world' }));
    await expect(client.send({ projectId: 'p', message: 'hi' })).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
    });
  });

  it('rejects a 200 that is not JSON with BAD_RESPONSE', async () => {
    const { client } = createTestClient(() => new Response('<html>login page</html>'));
    await expect(client.send({ projectId: 'p', message: 'hi' })).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
      status: 200,
    });
  });

  it('rejects with ABORTED when the signal aborts, even if fetch never answers', async () => {
    const controller = new AbortController();
    const { client } = createTestClient(() => new Promise<Response>(() => {}));
    const pending = client.send({ projectId: 'p', message: 'hi' }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED', status: 0 });
  });

  it('rejects an invalid request without sending it', async () => {
    const { client, requests } = createTestClient(() => jsonResponse(200, ANSWER));
    await expect(client.send({ projectId: '', message: 'hi' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(requests).toHaveLength(0);
  });
});

describe('conversation routes', () => {
  it('stop() posts the conversation id and returns whether an answer was stopped', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(200, { stopped: true, messageId: 'm-1' }),
    );
    expect(await client.stop('c-1')).toEqual({ stopped: true, messageId: 'm-1' });
    expect(requests[0]).toMatchObject({ method: 'POST', json: { conversationId: 'c-1' } });
    expect(path(requests[0]?.url)).toBe('/api/v1/ai/chat/stop');
  });

  it('listConversations() sends projectId, limit and cursor and returns the page', async () => {
    const page = {
      items: [{ id: 'c-1', projectId: 'p', title: 'Users?', createdAt: 't', updatedAt: 't' }],
      nextCursor: 'n-2',
    };
    const { client, requests } = createTestClient(() => jsonResponse(200, page));
    expect(await client.listConversations('p 1', { limit: 20, cursor: 'n-1' })).toEqual(page);
    expect(requests[0]?.method).toBe('GET');
    expect(path(requests[0]?.url)).toBe(
      '/api/v1/ai/conversations?projectId=p+1&limit=20&cursor=n-1',
    );
  });

  it('getMessages() encodes the id into the path and returns the page', async () => {
    const { client, requests } = createTestClient(() => jsonResponse(200, { items: [] }));
    expect(await client.getMessages('c/1?x', { limit: 50 })).toEqual({ items: [] });
    expect(path(requests[0]?.url)).toBe('/api/v1/ai/conversations/c%2F1%3Fx/messages?limit=50');
  });

  it('deleteConversation() sends DELETE and resolves on 204', async () => {
    const { client, requests } = createTestClient(() => new Response(null, { status: 204 }));
    await expect(client.deleteConversation('c-1')).resolves.toBeUndefined();
    expect(requests[0]?.method).toBe('DELETE');
    expect(path(requests[0]?.url)).toBe('/api/v1/ai/conversations/c-1');
  });

  it('deleteConversation() rejects with CONVERSATION_NOT_FOUND for a 404', async () => {
    const { client } = createTestClient(() =>
      jsonResponse(404, errorBody('CONVERSATION_NOT_FOUND')),
    );
    await expect(client.deleteConversation('c-x')).rejects.toMatchObject({
      status: 404,
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('listProjects() returns the items of GET /projects', async () => {
    const { client, requests } = createTestClient(() =>
      jsonResponse(200, { items: [{ id: 'p', name: 'Shop' }] }),
    );
    expect(await client.listProjects()).toEqual([{ id: 'p', name: 'Shop' }]);
    expect(path(requests[0]?.url)).toBe('/api/v1/ai/projects');
  });

  it('rejects a bad limit or id with VALIDATION_FAILED without sending anything', async () => {
    const { client, requests } = createTestClient(() => jsonResponse(200, { items: [] }));
    await expect(client.listConversations('p', { limit: 0 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(client.getMessages('')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.stop(undefined as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(requests).toHaveLength(0);
  });

  it('retries a 503 on list routes, honouring Retry-After', async () => {
    const { client, requests, sleeps } = createTestClient([
      () => jsonResponse(503, errorBody('STORAGE_ERROR', true), { 'Retry-After': '1' }),
      () => jsonResponse(200, { items: [] }),
    ]);
    await client.listProjects();
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });
});

describe('setToken()', () => {
  it('uses the new token for the next request, and none after clearing it', async () => {
    const { client, requests } = createTestClient(() => jsonResponse(200, { items: [] }));
    client.setToken('jwt-9');
    await client.listProjects();
    client.setToken(undefined);
    await client.listProjects();
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-9', undefined]);
  });

  it('rejects a non-string token', () => {
    const { client } = createTestClient(() => jsonResponse(200, { items: [] }));
    expect(() => client.setToken(5 as never)).toThrowError(TypeError);
  });
});

describe('currentToken()', () => {
  it('gives the token the next request carries: the one set, else what getToken gives', async () => {
    const handler = () => jsonResponse(200, { items: [] });
    const { client } = createTestClient(handler);
    expect(await client.currentToken()).toBe('jwt-1');
    client.setToken('jwt-9');
    expect(await client.currentToken()).toBe('jwt-9');

    let calls = 0;
    const refreshing = createTestClient(handler, {
      token: undefined,
      getToken: async () => `fresh-${++calls}`,
    }).client;
    expect(await refreshing.currentToken()).toBe('fresh-1');
    expect(await createTestClient(handler, { token: undefined }).client.currentToken()).toBe(
      undefined,
    );
  });
});
