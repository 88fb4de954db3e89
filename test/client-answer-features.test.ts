// The client (`schema-chat/client`) against the real router for the answer features: Regenerate
// and Continue through `stream()` (POST and GET) and `send()`, a Continue whose stream cannot get
// through falling back to REST with the same key, feedback, renaming and usage.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../sdk/chat-client.js';
import { createChatClient } from '../sdk/create-chat-client.js';
import type { ChatEvent } from '../sdk/protocol.js';
import { type ChatTestServer, startChatServer } from './helpers/start-chat-server.js';
import { ALICE_PROJECT } from './helpers/test-projects.js';

let server: ChatTestServer;
afterEach(async () => {
  await server?.close();
});

const start = async (
  options: Parameters<typeof startChatServer>[0] = {},
  clientOptions: Partial<Parameters<typeof createChatClient>[0]> = {},
): Promise<ChatClient> => {
  server = await startChatServer({ timeouts: { flushMs: 0 }, ...options });
  return createChatClient({
    baseUrl: server.baseUrl,
    token: server.token('alice'),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...clientOptions,
  });
};
const projectId = ALICE_PROJECT.id;

describe('the client, Regenerate and Continue', () => {
  it('regenerates the last answer through stream(), and lists both versions', async () => {
    const client = await start();
    server.scripted.next({ tokens: ['One', '.'] }).next({ tokens: ['Two', '.'] });
    const first = await client.stream({ projectId, message: 'Hello' }).result;

    const second = await client.stream({
      projectId,
      conversationId: first.conversationId,
      regenerate: first.messageId,
    }).result;

    expect(second).toMatchObject({ content: 'Two.', transport: 'sse' });
    expect(second.messageId).not.toBe(first.messageId);
    const page = await client.getMessages(first.conversationId);
    expect(page.items.map((message) => message.content)).toEqual(['Hello', 'Two.']);
    expect(page.items[1]?.previousVersions?.map((version) => version.id)).toEqual([
      first.messageId,
    ]);
  });

  it('sends a Regenerate as a query with streamMethod GET, and through send()', async () => {
    const client = await start({}, { streamMethod: 'GET' });
    server.scripted
      .next({ tokens: ['A.'] })
      .next({ tokens: ['B.'] })
      .next({ tokens: ['C.'] });
    const first = await client.stream({ projectId, message: 'Hello' }).result;
    const viaGet = await client.stream({
      projectId,
      conversationId: first.conversationId,
      regenerate: first.messageId,
    }).result;
    const viaRest = await client.send({
      projectId,
      conversationId: first.conversationId,
      regenerate: viaGet.messageId,
    });

    expect(viaGet.content).toBe('B.');
    expect(viaRest.message.content).toBe('C.');
  });

  it('continues a stopped answer: the result carries only what was added, and where it began', async () => {
    const client = await start({ timeouts: { flushMs: 0, checkpointMs: 5 } });
    server.scripted
      .next({ tokens: ['Books ', 'have', ' more'], stallAfter: 2, intervalMs: 20 })
      .next({ tokens: [' authors', '.'] });
    const events: ChatEvent[] = [];
    const stopping = client.stream(
      { projectId, message: 'Hello' },
      {
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'token' && event.content === 'have') {
            const first = events[0];
            if (first?.type === 'conversationId') void client.stop(first.conversationId);
          }
        },
      },
    );
    const stopped = await stopping.result;
    expect(stopped).toMatchObject({ status: 'stopped', content: 'Books have' });

    const continued = await client.stream({
      projectId,
      conversationId: stopped.conversationId,
      continue: stopped.messageId,
    }).result;

    expect(continued).toMatchObject({
      messageId: stopped.messageId,
      content: ' authors.',
      continuedFrom: 10,
      status: 'complete',
    });
    const page = await client.getMessages(stopped.conversationId);
    expect(page.items[1]?.content).toBe('Books have authors.');
  });

  it('falls back to REST for a Continue with the same key, and still hands out only what was added', async () => {
    const client = await start({ timeouts: { flushMs: 0, checkpointMs: 5 } });
    server.scripted
      .next({ tokens: ['Half', ' never sent'], stallAfter: 1 })
      .next({ tokens: [' and whole.'] });
    const events: ChatEvent[] = [];
    const first = client.stream(
      { projectId, message: 'Hello' },
      {
        onEvent: (event) => {
          events.push(event);
          const opened = events[0];
          if (event.type === 'token' && opened?.type === 'conversationId') {
            void client.stop(opened.conversationId);
          }
        },
      },
    );
    const stopped = await first.result;
    // A client whose streams never get through: the proxy answers 502 to every stream.
    const blocked = createChatClient({
      baseUrl: server.baseUrl,
      token: server.token('alice'),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      fetch: async (input, init) =>
        String(input).includes('/chat/stream')
          ? new Response('Bad gateway', { status: 502 })
          : fetch(input, init),
    });
    const key = randomUUID();
    const fallbackEvents: ChatEvent[] = [];

    const result = await blocked.stream(
      { projectId, conversationId: stopped.conversationId, continue: stopped.messageId },
      { idempotencyKey: key, onEvent: (event) => fallbackEvents.push(event) },
    ).result;

    expect(result).toMatchObject({ transport: 'rest', content: ' and whole.', continuedFrom: 4 });
    expect(fallbackEvents.filter((event) => event.type === 'token')).toEqual([
      { type: 'token', content: ' and whole.' },
    ]);
    const again = await blocked.send(
      { projectId, conversationId: stopped.conversationId, continue: stopped.messageId },
      { idempotencyKey: key },
    );
    expect(again.message.content).toBe('Half and whole.');
    expect(server.scripted.calls).toHaveLength(2);
  });

  it('refuses a Continue without its conversation before sending anything', async () => {
    const client = await start();
    await expect(
      client.send({ projectId, continue: randomUUID() }).catch((error: unknown) => {
        throw error;
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 0 });
  });
});

describe('the client, feedback, renaming and usage', () => {
  it('rates an answer, takes it back, renames the conversation and reads the usage', async () => {
    const client = await start({ limits: { tokensPerDay: 10_000 } });
    const answer = await client.stream({ projectId, message: 'Which tables are there?' }).result;

    expect(
      await client.sendFeedback(answer.messageId, { rating: 'up', comment: 'Right.' }),
    ).toEqual({ messageId: answer.messageId, feedback: { rating: 'up', comment: 'Right.' } });
    expect((await client.getMessages(answer.conversationId)).items[1]?.feedback).toEqual({
      rating: 'up',
      comment: 'Right.',
    });
    expect(await client.sendFeedback(answer.messageId, null)).toEqual({
      messageId: answer.messageId,
    });

    const renamed = await client.renameConversation(answer.conversationId, 'The tables');
    expect(renamed).toMatchObject({ id: answer.conversationId, title: 'The tables' });
    expect((await client.listConversations(projectId)).items[0]?.title).toBe('The tables');

    const usage = await client.getUsage();
    expect(usage).toMatchObject({ used: answer.usage.totalTokens, limit: 10_000 });
    expect(answer.quota).toEqual({ ...usage });
  });

  it("fails with the server's code for another user's answer", async () => {
    const client = await start();
    const answer = await client.stream({ projectId, message: 'Hello' }).result;
    const bob = createChatClient({ baseUrl: server.baseUrl, token: server.token('bob') });

    await expect(bob.sendFeedback(answer.messageId, { rating: 'down' })).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
      status: 404,
    });
    await expect(bob.renameConversation(answer.conversationId, 'Mine')).rejects.toMatchObject({
      code: 'CONVERSATION_NOT_FOUND',
    });
  });
});
