import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ConversationSummary, ErrorBody, Page } from '../../sdk/protocol.js';
import { readSse } from '../../test/helpers/sse-client.js';
import { type ChatTestServer, startChatServer } from '../../test/helpers/start-chat-server.js';
import {
  ALICE_OTHER_PROJECT,
  ALICE_PROJECT,
  BOB_PROJECT,
} from '../../test/helpers/test-projects.js';

let server: ChatTestServer;
beforeEach(async () => {
  server = await startChatServer();
});
afterEach(async () => {
  await server.close();
});

const call = async (method: string, path: string, user = 'alice', body?: unknown) => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: server.headers(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
};
const turn = async (conversationId: string, message: string, projectId = ALICE_PROJECT.id) =>
  readSse(`${server.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: server.headers(),
    body: JSON.stringify({ projectId, message, conversationId }),
  });

describe('GET /conversations', () => {
  it("lists the caller's conversations of a project, most recent first, with paging", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await turn(id, `question for ${id}`);
    await turn(randomUUID(), 'in the blog', ALICE_OTHER_PROJECT.id);
    const first = await call('GET', `/conversations?projectId=${ALICE_PROJECT.id}&limit=2`);
    const page = first.body as Page<ConversationSummary>;
    expect(page.items.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(page.items[0]).toEqual({
      id: ids[2],
      projectId: ALICE_PROJECT.id,
      title: `question for ${ids[2]}`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const second = await call(
      'GET',
      `/conversations?projectId=${ALICE_PROJECT.id}&limit=2&cursor=${page.nextCursor}`,
    );
    expect((second.body as Page<ConversationSummary>).items.map((c) => c.id)).toEqual([ids[0]]);
    expect((second.body as Page<ConversationSummary>).nextCursor).toBeUndefined();
  });

  it('requires a projectId the caller can see', async () => {
    expect((await call('GET', '/conversations')).status).toBe(400);
    const foreign = await call('GET', `/conversations?projectId=${BOB_PROJECT.id}`);
    expect(foreign.status).toBe(404);
    expect((foreign.body as ErrorBody).error.code).toBe('PROJECT_NOT_FOUND');
  });
});

describe('GET /conversations/:id/messages', () => {
  it('returns the history oldest first with statuses, paging back to older messages', async () => {
    const id = randomUUID();
    await turn(id, 'one');
    await turn(id, 'two');
    const latest = await call('GET', `/conversations/${id}/messages?limit=2`);
    const page = latest.body as Page<ChatMessage>;
    expect(page.items.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'two', 'complete'],
      ['assistant', 'Hello there!', 'complete'],
    ]);
    expect(page.items[1]?.usage?.totalTokens).toBe(45);
    expect(page.items[1]).not.toHaveProperty('idempotencyKey');
    const older = await call(
      'GET',
      `/conversations/${id}/messages?limit=2&cursor=${page.nextCursor}`,
    );
    expect((older.body as Page<ChatMessage>).items.map((m) => m.content)).toEqual([
      'one',
      'Hello there!',
    ]);
  });

  it('answers 400 for a malformed id', async () => {
    expect((await call('GET', '/conversations/not-a-uuid/messages')).status).toBe(400);
  });
});

describe('DELETE /conversations/:id', () => {
  it('deletes the conversation and its messages', async () => {
    const id = randomUUID();
    await turn(id, 'bye');
    expect((await call('DELETE', `/conversations/${id}`)).status).toBe(204);
    expect((await call('GET', `/conversations/${id}/messages`)).status).toBe(404);
    expect((await call('DELETE', `/conversations/${id}`)).status).toBe(404);
  });
});

describe('GET /projects', () => {
  it("lists only the caller's projects", async () => {
    expect((await call('GET', '/projects')).body).toEqual({
      items: [
        { id: ALICE_PROJECT.id, name: ALICE_PROJECT.name },
        { id: ALICE_OTHER_PROJECT.id, name: ALICE_OTHER_PROJECT.name },
      ],
    });
    expect((await call('GET', '/projects', 'bob')).body).toEqual({
      items: [{ id: BOB_PROJECT.id, name: BOB_PROJECT.name }],
    });
  });
});

describe("another user's conversation, on every route", () => {
  it('is 404 everywhere, with no read and no write', async () => {
    const id = randomUUID();
    await turn(id, 'private question');
    const attempts: Array<[string, string, unknown]> = [
      ['GET', `/conversations/${id}/messages`, undefined],
      ['DELETE', `/conversations/${id}`, undefined],
      ['POST', '/chat/stop', { conversationId: id }],
      ['POST', '/chat', { projectId: BOB_PROJECT.id, message: 'x', conversationId: id }],
      ['POST', '/chat/stream', { projectId: BOB_PROJECT.id, message: 'x', conversationId: id }],
      ['POST', '/chat', { projectId: ALICE_PROJECT.id, message: 'x', conversationId: id }],
      ['GET', `/conversations?projectId=${ALICE_PROJECT.id}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const result = await call(method, path, 'bob', body);
      expect([method, path, result.status]).toEqual([method, path, 404]);
      expect(JSON.stringify(result.body)).not.toContain('private question');
    }
    const bobList = await call('GET', `/conversations?projectId=${BOB_PROJECT.id}`, 'bob');
    expect((bobList.body as Page<ConversationSummary>).items).toEqual([]);
    const mine = await call('GET', `/conversations/${id}/messages`);
    expect((mine.body as Page<ChatMessage>).items).toHaveLength(2);
    expect(server.scripted.calls).toHaveLength(1);
  });
});
