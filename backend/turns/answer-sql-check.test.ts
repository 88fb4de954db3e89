// Every answer's SQL code blocks are checked against the project's schema when the turn ends:
// the verdict travels in the `complete` event and the REST answer, is stored with the message,
// comes back with the history and with a replay, and is absent for an answer with no SQL.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatResponse, Page, SqlCheck } from '../../sdk/protocol.js';
import { readSse } from '../../test/helpers/sse-client.js';
import { type ChatTestServer, startChatServer } from '../../test/helpers/start-chat-server.js';
import { ALICE_PROJECT } from '../../test/helpers/test-projects.js';

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An answer with a wrong query, a right one, and a code block that is not SQL. */
const ANSWER = [
  'Try this:\n\n```sql\nSELECT b.title, a.nam FROM books b JOIN authors a ON a.id = b.author_id;\n```\n',
  '\nOr in JavaScript:\n\n```js\nconst x = 1;\n```\n',
  '\nThe corrected one:\n\n```sql\nSELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id;\n```\n',
];
const EXPECTED: SqlCheck = {
  blocks: [
    {
      index: 0,
      language: 'sql',
      status: 'unknown-identifiers',
      unknown: [{ kind: 'column', name: 'a.nam', table: 'authors', suggestion: 'name' }],
    },
    { index: 2, language: 'sql', status: 'ok', unknown: [] },
  ],
};

const history = async (s: ChatTestServer, conversationId: string) => {
  const response = await fetch(`${s.baseUrl}/conversations/${conversationId}/messages`, {
    headers: s.headers(),
  });
  return ((await response.json()) as Page<ChatMessage>).items;
};

describe('the SQL check of an answer', () => {
  it('travels in the complete event, is stored, and comes back with the history and a replay', async () => {
    // Finished runs leave memory at once: the replay below comes from the store.
    server = await startChatServer({ timeouts: { replayTtlMs: 0 } });
    server.scripted.next({ tokens: ANSWER, intervalMs: 1 });
    const conversationId = randomUUID();
    const key = randomUUID();
    const request = {
      method: 'POST',
      headers: server.headers('alice', { 'Idempotency-Key': key }),
      body: JSON.stringify({
        projectId: ALICE_PROJECT.id,
        message: 'How do I list books?',
        conversationId,
      }),
    };
    const live = await readSse(`${server.baseUrl}/chat/stream`, request);
    const complete = live.events.at(-1)?.json;
    expect(complete?.type === 'complete' && complete.metadata.sqlCheck).toEqual(EXPECTED);
    expect((await history(server, conversationId))[1]?.sqlCheck).toEqual(EXPECTED);
    // A replay of the stored turn (the same key, once the run has left memory) says the same.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.router.stats().heldRuns).toBe(0);
    const replay = await readSse(`${server.baseUrl}/chat/stream`, request);
    const replayed = replay.events.at(-1)?.json;
    expect(replayed?.type === 'complete' && replayed.metadata.sqlCheck).toEqual(EXPECTED);
  });

  it('is in the REST answer too, and absent for an answer without SQL', async () => {
    server = await startChatServer();
    server.scripted.next({ tokens: ANSWER, intervalMs: 0 });
    const rest = await fetch(`${server.baseUrl}/chat`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'How do I list books?' }),
    });
    const body = (await rest.json()) as ChatResponse;
    expect(body.metadata.sqlCheck).toEqual(EXPECTED);
    expect(body.message.sqlCheck).toEqual(EXPECTED);

    server.scripted.next({ tokens: ['No SQL ', 'in this answer.'] });
    const plain = await fetch(`${server.baseUrl}/chat`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'Hello?' }),
    });
    const plainBody = (await plain.json()) as ChatResponse;
    expect(plainBody.metadata).not.toHaveProperty('sqlCheck');
    expect(plainBody.message).not.toHaveProperty('sqlCheck');
  });

  it('checks a stopped answer too', async () => {
    server = await startChatServer();
    server.scripted.next({
      tokens: [ANSWER[0] as string, 'x', ...Array(200).fill(' more')],
      intervalMs: 10,
    });
    const conversationId = randomUUID();
    const streaming = readSse(`${server.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'Query?', conversationId }),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await fetch(`${server.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ conversationId }),
    });
    const stopped = (await streaming).events.at(-1)?.json;
    expect(stopped?.type === 'complete' && stopped.metadata.status).toBe('stopped');
    expect(stopped?.type === 'complete' && stopped.metadata.sqlCheck?.blocks[0]?.status).toBe(
      'unknown-identifiers',
    );
  });
});
