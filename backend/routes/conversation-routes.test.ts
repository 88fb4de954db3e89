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
  it('answers exactly as for an unused id, with no read and no write of it', async () => {
    const id = randomUUID();
    const unused = randomUUID();
    await turn(id, 'private question');
    const attempts = (conversationId: string): Array<[string, string, unknown]> => [
      ['GET', `/conversations/${conversationId}/messages`, undefined],
      ['DELETE', `/conversations/${conversationId}`, undefined],
      ['POST', '/chat/stop', { conversationId }],
      ['POST', '/chat', { projectId: ALICE_PROJECT.id, message: 'x', conversationId }],
      ['GET', `/conversations?projectId=${ALICE_PROJECT.id}`, undefined],
      // Bob's own first turn under the id: a new conversation of his, then a second turn in it.
      ['POST', '/chat', { projectId: BOB_PROJECT.id, message: 'x', conversationId }],
      ['POST', '/chat', { projectId: BOB_PROJECT.id, message: 'y', conversationId }],
      ['GET', `/conversations/${conversationId}/messages`, undefined],
    ];
    const unusedAttempts = attempts(unused);
    const answers: Array<[string, string, number, number]> = [];
    for (const [index, [method, path, body]] of attempts(id).entries()) {
      const [, unusedPath, unusedBody] = unusedAttempts[index] ?? [];
      const result = await call(method, path, 'bob', body);
      const fresh = await call(method, unusedPath ?? '', 'bob', unusedBody);
      answers.push([method, path, result.status, fresh.status]);
      expect(JSON.stringify(result.body ?? '')).not.toContain('private question');
    }
    expect(answers.map(([, , status]) => status)).toEqual([404, 404, 404, 404, 404, 200, 200, 200]);
    expect(answers.filter(([, , status, fresh]) => status !== fresh)).toEqual([]);
    const bobsMessages = await call('GET', `/conversations/${id}/messages`, 'bob');
    expect((bobsMessages.body as Page<ChatMessage>).items.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    const mine = await call('GET', `/conversations/${id}/messages`);
    expect((mine.body as Page<ChatMessage>).items.map((m) => m.content)).toEqual([
      'private question',
      expect.any(String),
    ]);
    // Alice's turn, and bob's two turns under each of the two ids.
    expect(server.scripted.calls).toHaveLength(5);
  });
});
