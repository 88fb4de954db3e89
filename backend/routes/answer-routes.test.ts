// Feedback on answers (`POST /messages/:id/feedback`), renaming (`PATCH /conversations/:id`) and
// the user's usage today (`GET /usage`): stored per user, returned with the history, offered to
// the host's `onFeedback` hook, and never reaching another user's data.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ChatMessage,
  ConversationSummary,
  ErrorBody,
  FeedbackResponse,
  Page,
  UsageResponse,
} from '../../sdk/protocol.js';
import { readSse } from '../../test/helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
} from '../../test/helpers/start-chat-server.js';
import { ALICE_PROJECT } from '../../test/helpers/test-projects.js';
import type { FeedbackRecord } from './answer-routes.js';

let server: ChatTestServer;
const start = async (options: StartChatServerOptions = {}) => {
  server = await startChatServer(options);
  return server;
};
afterEach(async () => {
  await server?.close();
});

const call = async (method: string, path: string, body?: unknown, user = 'alice') => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: server.headers(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
};
const ask = async (message = 'Which tables are there?') => {
  const conversationId = randomUUID();
  const result = await readSse(`${server.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: server.headers(),
    body: JSON.stringify({ projectId: ALICE_PROJECT.id, message, conversationId }),
  });
  const last = result.events.at(-1)?.json;
  if (last?.type !== 'complete') throw new Error('expected a complete answer');
  return { conversationId, answerId: last.metadata.messageId, usage: last.metadata.usage };
};
const codeOf = (body: unknown) => (body as ErrorBody).error.code;

describe('POST /messages/:id/feedback', () => {
  it('stores the rating and comment, returned with the history and offered to onFeedback', async () => {
    const records: FeedbackRecord[] = [];
    await start({ onFeedback: (record) => records.push(record) });
    const { conversationId, answerId } = await ask();

    const rated = await call('POST', `/messages/${answerId}/feedback`, {
      rating: 'down',
      comment: 'It missed the orders table.',
    });

    expect(rated.status).toBe(200);
    expect(rated.body as FeedbackResponse).toEqual({
      messageId: answerId,
      feedback: { rating: 'down', comment: 'It missed the orders table.' },
    });
    const page = (await call('GET', `/conversations/${conversationId}/messages`))
      .body as Page<ChatMessage>;
    expect(page.items[1]?.feedback).toEqual({
      rating: 'down',
      comment: 'It missed the orders table.',
    });
    expect(page.items[0]?.feedback).toBeUndefined();
    expect(records).toEqual([
      {
        userId: 'alice',
        projectId: ALICE_PROJECT.id,
        conversationId,
        messageId: answerId,
        rating: 'down',
        comment: 'It missed the orders table.',
        model: 'test/scripted-model',
        finishReason: 'stop',
        at: expect.stringMatching(/Z$/),
      },
    ]);
  });

  it('changes and takes back a rating', async () => {
    await start();
    const { conversationId, answerId } = await ask();
    await call('POST', `/messages/${answerId}/feedback`, { rating: 'down' });
    await call('POST', `/messages/${answerId}/feedback`, { rating: 'up' });
    const history = async () =>
      ((await call('GET', `/conversations/${conversationId}/messages`)).body as Page<ChatMessage>)
        .items[1]?.feedback;
    expect(await history()).toEqual({ rating: 'up' });

    const cleared = await call('POST', `/messages/${answerId}/feedback`, { rating: null });
    expect(cleared.body).toEqual({ messageId: answerId });
    expect(await history()).toBeUndefined();
  });

  it("answers 404 for another user's answer, a question and an unknown id, changing nothing", async () => {
    await start();
    const { conversationId, answerId } = await ask();
    const page = (await call('GET', `/conversations/${conversationId}/messages`))
      .body as Page<ChatMessage>;
    const questionId = page.items[0]?.id as string;

    const bobs = await call('POST', `/messages/${answerId}/feedback`, { rating: 'down' }, 'bob');
    expect([bobs.status, codeOf(bobs.body)]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    expect((await call('POST', `/messages/${questionId}/feedback`, { rating: 'up' })).status).toBe(
      404,
    );
    expect(
      (await call('POST', `/messages/${randomUUID()}/feedback`, { rating: 'up' })).status,
    ).toBe(404);
    const after = (await call('GET', `/conversations/${conversationId}/messages`))
      .body as Page<ChatMessage>;
    expect(after.items[1]?.feedback).toBeUndefined();
  });

  it('validates the body and the id', async () => {
    await start();
    const { answerId } = await ask();
    for (const body of [{}, { rating: 'meh' }, { rating: 'up', comment: 7 }, []]) {
      const answer = await call('POST', `/messages/${answerId}/feedback`, body);
      expect([answer.status, codeOf(answer.body)]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await call('POST', '/messages/not-a-uuid/feedback', { rating: 'up' })).status).toBe(
      400,
    );
  });

  it('answers even when the onFeedback hook throws', async () => {
    await start({
      onFeedback: () => {
        throw new Error('analytics down');
      },
    });
    const { answerId } = await ask();
    expect((await call('POST', `/messages/${answerId}/feedback`, { rating: 'up' })).status).toBe(
      200,
    );
  });
});

describe('PATCH /conversations/:id', () => {
  it('renames one of the caller’s conversations; the list shows the new title', async () => {
    await start();
    const { conversationId } = await ask('How do books relate to authors?');

    const renamed = await call('PATCH', `/conversations/${conversationId}`, {
      title: '  Books and authors ',
    });

    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: conversationId, title: 'Books and authors' });
    const list = (await call('GET', `/conversations?projectId=${ALICE_PROJECT.id}`))
      .body as Page<ConversationSummary>;
    expect(list.items[0]?.title).toBe('Books and authors');
  });

  it("answers 404 for another user's conversation and 400 for a bad title", async () => {
    await start();
    const { conversationId } = await ask();
    const bobs = await call('PATCH', `/conversations/${conversationId}`, { title: 'Mine' }, 'bob');
    expect([bobs.status, codeOf(bobs.body)]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    const blank = await call('PATCH', `/conversations/${conversationId}`, { title: ' ' });
    expect([blank.status, codeOf(blank.body)]).toEqual([400, 'VALIDATION_FAILED']);
    const list = (await call('GET', `/conversations?projectId=${ALICE_PROJECT.id}`))
      .body as Page<ConversationSummary>;
    expect(list.items[0]?.title).toBe('Which tables are there?');
  });

  it('is allowed by the CORS preflight', async () => {
    await start({ cors: { origins: ['https://shop.example'] } });
    const response = await fetch(`${server.baseUrl}/conversations/${randomUUID()}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://shop.example',
        'Access-Control-Request-Method': 'PATCH',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
  });
});

describe('GET /usage', () => {
  it("gives the caller's tokens today, the allowance and when it renews", async () => {
    await start({ limits: { tokensPerDay: 5000 } });
    const before = (await call('GET', '/usage')).body as UsageResponse;
    const { usage } = await ask();
    const after = (await call('GET', '/usage')).body as UsageResponse;
    const bobs = (await call('GET', '/usage', undefined, 'bob')).body as UsageResponse;

    expect(before).toEqual({
      used: 0,
      limit: 5000,
      resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
    });
    expect(after.used).toBe(usage.totalTokens);
    expect(bobs.used).toBe(0);
  });

  it('leaves limit out when there is no daily allowance', async () => {
    await start();
    const usage = (await call('GET', '/usage')).body as UsageResponse;
    expect(usage).toEqual({ used: 0, resetsAt: expect.any(String) });
  });
});
