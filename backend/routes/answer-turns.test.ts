// Regenerate and Continue through the turn routes: one turn route with a field, so keys, resume,
// replay, REST, limits and the error codes work as for a question.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatResponse, ErrorBody, Page } from '../../sdk/protocol.js';
import { readSse, type SseResult, textOf } from '../../test/helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
} from '../../test/helpers/start-chat-server.js';
import { ALICE_OTHER_PROJECT, ALICE_PROJECT } from '../../test/helpers/test-projects.js';
import { ChatError } from '../errors.js';

let server: ChatTestServer;
const start = async (options: StartChatServerOptions = {}) => {
  server = await startChatServer({ timeouts: { flushMs: 0 }, ...options });
  return server;
};
afterEach(async () => {
  await server?.close();
});

const stream = (body: unknown, headers: Record<string, string> = {}, user = 'alice') =>
  readSse(`${server.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: server.headers(user, headers),
    body: JSON.stringify(body),
  });
const rest = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.baseUrl}/chat`, {
    method: 'POST',
    headers: server.headers('alice', headers),
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
};
const history = async (conversationId: string, user = 'alice') => {
  const response = await fetch(`${server.baseUrl}/conversations/${conversationId}/messages`, {
    headers: server.headers(user),
  });
  return (await response.json()) as Page<ChatMessage>;
};
const completed = (result: SseResult) => {
  const last = result.events.at(-1)?.json;
  if (last?.type !== 'complete') throw new Error(`expected complete, got ${result.raw}`);
  return last.metadata;
};
/** Asks a first question; returns its conversation and answer ids. */
const ask = async (tokens = ['Books have', ' authors.']) => {
  const conversationId = randomUUID();
  server.scripted.next({ tokens });
  const result = await stream({ projectId: ALICE_PROJECT.id, message: 'Hello', conversationId });
  return { conversationId, answerId: completed(result).messageId };
};
const errorOf = (body: unknown) => (body as ErrorBody).error.code;

describe('Regenerate (regenerate: <answer id>)', () => {
  it('asks the same question again; the new answer replaces the old one, which stays listed', async () => {
    await start();
    const { conversationId, answerId } = await ask(['First', ' answer.']);
    server.scripted.next({ tokens: ['Second', ' answer.'] });

    const result = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      regenerate: answerId,
    });

    expect(result.status).toBe(200);
    expect(result.events[0]?.json).toEqual({ type: 'conversationId', conversationId });
    expect(textOf(result.events)).toBe('Second answer.');
    const metadata = completed(result);
    expect(metadata.messageId).not.toBe(answerId);
    expect(metadata.continuedFrom).toBeUndefined();
    // The model was asked the stored question again, without the old answer as context.
    const sent = server.scripted.calls.at(-1)?.messages ?? [];
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'Hello' });
    expect(sent.some((message) => message.content === 'First answer.')).toBe(false);

    const page = await history(conversationId);
    expect(page.items.map((message) => [message.role, message.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Second answer.'],
    ]);
    expect(page.items[1]?.id).toBe(metadata.messageId);
    expect(page.items[1]?.previousVersions?.map((version) => version.content)).toEqual([
      'First answer.',
    ]);
  });

  it('gives the next question only the latest version as context', async () => {
    await start();
    const { conversationId, answerId } = await ask(['Old.']);
    server.scripted.next({ tokens: ['New.'] });
    await stream({ projectId: ALICE_PROJECT.id, conversationId, regenerate: answerId });
    await stream({ projectId: ALICE_PROJECT.id, conversationId, message: 'And then?' });

    const contents = (server.scripted.calls.at(-1)?.messages ?? []).map((m) => m.content);
    expect(contents.slice(1)).toEqual(['Hello', 'New.', 'And then?']);
  });

  it('is one generation per key: a retry attaches or replays, never generates twice', async () => {
    await start();
    const { conversationId, answerId } = await ask();
    const key = { 'Idempotency-Key': randomUUID() };
    const body = { projectId: ALICE_PROJECT.id, conversationId, regenerate: answerId };
    server.scripted.next({ tokens: ['Again', '.'] });
    const calls = server.scripted.calls.length;

    const first = await stream(body, key);
    const again = await stream(body, key);
    const viaRest = await rest(body, key);

    expect(server.scripted.calls.length).toBe(calls + 1);
    expect(textOf(again.events)).toBe('Again.');
    expect(completed(again).messageId).toBe(completed(first).messageId);
    expect(viaRest.status).toBe(200);
    expect((viaRest.body as ChatResponse).message).toMatchObject({
      id: completed(first).messageId,
      content: 'Again.',
    });
    // The same key for another answer (or a question) is another turn: refused.
    const other = await stream({ ...body, regenerate: randomUUID() }, key);
    expect(other.status).toBe(422);
    expect(errorOf(other.body)).toBe('IDEMPOTENCY_KEY_REUSED');
    const question = await stream({ projectId: ALICE_PROJECT.id, message: 'Hello' }, key);
    expect(errorOf(question.body)).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses an earlier answer, an unknown one, and another user’s conversation', async () => {
    await start();
    const { conversationId, answerId } = await ask();
    await stream({ projectId: ALICE_PROJECT.id, conversationId, message: 'Second question' });
    const calls = server.scripted.calls.length;

    const earlier = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      regenerate: answerId,
    });
    expect([earlier.status, errorOf(earlier.body)]).toEqual([409, 'ANSWER_NOT_LATEST']);
    const unknown = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      regenerate: randomUUID(),
    });
    expect([unknown.status, errorOf(unknown.body)]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    const bobs = await stream(
      { projectId: ALICE_PROJECT.id, conversationId, regenerate: answerId },
      {},
      'bob',
    );
    expect(bobs.status).toBe(404);
    const otherProject = await stream({
      projectId: ALICE_OTHER_PROJECT.id,
      conversationId,
      regenerate: answerId,
    });
    expect([otherProject.status, errorOf(otherProject.body)]).toEqual([
      404,
      'CONVERSATION_NOT_FOUND',
    ]);
    const missing = await stream({ projectId: ALICE_PROJECT.id, regenerate: answerId });
    expect([missing.status, errorOf(missing.body)]).toEqual([400, 'VALIDATION_FAILED']);
    expect(server.scripted.calls.length).toBe(calls);
  });

  it('counts against the per-minute turn budget like any turn', async () => {
    await start({ limits: { streamsPerMinute: 2 } });
    const { conversationId, answerId } = await ask(['One.']);
    server.scripted.next({ tokens: ['Two.'] });
    const second = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      regenerate: answerId,
    });
    expect(second.status).toBe(200);

    const third = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      regenerate: completed(second).messageId,
    });
    expect([third.status, errorOf(third.body)]).toEqual([429, 'RATE_LIMITED']);
  });
});

describe('Continue (continue: <answer id>)', () => {
  /** A question whose answer is stopped after `prefix` streamed. */
  const stoppedAnswer = async (prefix: string[]) => {
    const conversationId = randomUUID();
    server.scripted.next({ tokens: [...prefix, 'never sent'], stallAfter: prefix.length });
    const streaming = stream({ projectId: ALICE_PROJECT.id, message: 'Hello', conversationId });
    for (let tries = 0; tries < 200; tries += 1) {
      const page = await history(conversationId).catch(() => undefined);
      if (page?.items?.[1]?.content === prefix.join('')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await fetch(`${server.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ conversationId }),
    });
    const result = await streaming;
    return { conversationId, answerId: completed(result).messageId };
  };

  it('streams the continuation into the same message, with ids going on from its text', async () => {
    await start({ timeouts: { flushMs: 0, checkpointMs: 5 } });
    const { conversationId, answerId } = await stoppedAnswer(['Books ', 'have']);
    server.scripted.next({ tokens: [' authors', '.'], intervalMs: 20 });

    const result = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      continue: answerId,
    });

    expect(result.status).toBe(200);
    expect(textOf(result.events)).toBe(' authors.');
    const ids = result.events.map((event) => event.id?.split(':')[1]);
    // "Books have" is 10 characters: " authors" ends at 18 (seq 19), "." at 19 (seq 20).
    expect(ids).toEqual(['0', '19', '20', '21']);
    expect(completed(result)).toMatchObject({
      messageId: answerId,
      status: 'complete',
      continuedFrom: 10,
    });
    const sent = server.scripted.calls.at(-1);
    expect(sent?.continues).toBe('Books have');
    expect(sent?.messages.at(-2)).toEqual({ role: 'assistant', content: 'Books have' });
    const page = await history(conversationId);
    expect(page.items).toHaveLength(2);
    expect(page.items[1]).toMatchObject({
      id: answerId,
      content: 'Books have authors.',
      status: 'complete',
    });
  });

  it('resumes a cut continuation with its Last-Event-ID, and answers REST with the whole text', async () => {
    await start({ timeouts: { flushMs: 0, checkpointMs: 5 } });
    const { conversationId, answerId } = await stoppedAnswer(['Books ', 'have']);
    server.scripted.next({ tokens: [' authors', ' and', ' titles.'], intervalMs: 40 });
    const key = { 'Idempotency-Key': randomUUID() };
    const body = { projectId: ALICE_PROJECT.id, conversationId, continue: answerId };

    // Read the first token event only, then the connection drops.
    const first = await readSse(`${server.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: server.headers('alice', key),
      body: JSON.stringify(body),
      until: (events) => events.some((event) => event.json.type === 'token'),
    });
    const lastId = first.events.at(-1)?.id as string;
    const resumed = await stream(body, { ...key, 'Last-Event-ID': lastId });
    const viaRest = await rest(body, key);

    expect(textOf(first.events)).toBe(' authors');
    expect(lastId.split(':')[1]).toBe('19');
    expect(textOf(first.events) + textOf(resumed.events)).toBe(' authors and titles.');
    expect(viaRest.status).toBe(200);
    const answer = viaRest.body as ChatResponse;
    expect(answer.message).toMatchObject({
      id: answerId,
      content: 'Books have authors and titles.',
    });
    expect(answer.metadata.continuedFrom).toBe(10);
  });

  it('replays a failed Continue with its key: only what it added, the error final', async () => {
    await start({ timeouts: { flushMs: 0, checkpointMs: 5 } });
    const { conversationId, answerId } = await stoppedAnswer(['Books ', 'have']);
    const error = new ChatError('UPSTREAM_UNAVAILABLE', 'The model server cannot be reached.', {
      retryable: true,
    });
    server.scripted.next({ tokens: [' authors', ' and'], fail: { afterTokens: 1, error } });
    const key = { 'Idempotency-Key': randomUUID() };
    const body = { projectId: ALICE_PROJECT.id, conversationId, continue: answerId };

    const failed = await stream(body, key);
    const replayed = await stream(body, key);

    for (const result of [failed, replayed]) {
      expect(textOf(result.events)).toBe(' authors');
      expect(result.events.find((event) => event.json.type === 'token')?.id?.split(':')[1]).toBe(
        '19',
      );
    }
    const last = replayed.events.at(-1)?.json;
    expect(last?.type === 'error' && last.error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: false,
    });
    expect((await history(conversationId)).items[1]).toMatchObject({
      content: 'Books have authors',
      status: 'interrupted',
    });
  });

  it('refuses a complete answer and an answer that is not the last', async () => {
    await start();
    const { conversationId, answerId } = await ask(['Done.']);

    const complete = await stream({
      projectId: ALICE_PROJECT.id,
      conversationId,
      continue: answerId,
    });
    expect([complete.status, errorOf(complete.body)]).toEqual([409, 'ANSWER_NOT_CONTINUABLE']);
    expect((await history(conversationId)).items[1]?.status).toBe('complete');
  });
});

describe('quota in the answer', () => {
  it('reports the allowance after the turn in complete and in the REST answer', async () => {
    await start({ limits: { tokensPerDay: 1000 } });
    const first = await stream({ projectId: ALICE_PROJECT.id, message: 'Hello' });
    const quota = completed(first).quota;
    expect(quota).toEqual({
      used: completed(first).usage.totalTokens,
      limit: 1000,
      resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
    });
    const second = await rest({ projectId: ALICE_PROJECT.id, message: 'Again' });
    expect((second.body as ChatResponse).metadata.quota?.used).toBe(
      (quota?.used ?? 0) + (second.body as ChatResponse).metadata.usage.totalTokens,
    );
  });

  it('leaves quota out when the server has no daily allowance', async () => {
    await start();
    const result = await stream({ projectId: ALICE_PROJECT.id, message: 'Hello' });
    expect(completed(result).quota).toBeUndefined();
  });
});
