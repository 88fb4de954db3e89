// Regression tests of the product defects the hardening suites found, one per fix, against the
// router from source (in-process, so each runs in milliseconds). Each failed before its fix.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../sdk/protocol.js';
import { type ChatTestServer, startChatServer } from '../helpers/start-chat-server.js';
import { ALICE_PROJECT } from '../helpers/test-projects.js';
import { sendRawRequest } from './send-raw-request.js';

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const portOf = (s: ChatTestServer) => Number(new URL(s.origin).port);

describe('requests the HTTP layer cannot read are 400, never 500 (found by input fuzzing)', () => {
  it.each([
    ['GET', '/conversations/%E0%A4%A/messages'],
    ['GET', '/conversations/%ZZ/messages'],
    ['DELETE', '/conversations/%ED%A0%80'],
    ['DELETE', '/conversations/abc%'],
  ])(
    'answers %s %s (broken percent-encoding in the id) with 400 VALIDATION_FAILED',
    async (method, path) => {
      server = await startChatServer();
      const response = await sendRawRequest(portOf(server), {
        method,
        target: `/api/v1/ai${path}`,
        headers: [['Authorization', `Bearer ${server.token()}`]],
      });
      expect(response.status).toBe(400);
      expect((JSON.parse(response.body) as ErrorBody).error).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'The path is not valid percent-encoding.',
        retryable: false,
      });
    },
  );

  it.each(['gzip', 'deflate'])(
    'answers a %s-encoded body that does not inflate with 400 VALIDATION_FAILED, on every body route',
    async (encoding) => {
      server = await startChatServer();
      const body = JSON.stringify({
        projectId: ALICE_PROJECT.id,
        message: 'hi',
        conversationId: randomUUID(),
      });
      for (const path of ['/chat', '/chat/stream', '/chat/stop']) {
        const response = await fetch(`${server.baseUrl}${path}`, {
          method: 'POST',
          headers: server.headers('alice', { 'Content-Encoding': encoding }),
          body,
        });
        expect([path, response.status]).toEqual([path, 400]);
        expect(((await response.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
      }
      expect(server.scripted.calls).toHaveLength(0);
    },
  );
});

describe('HEAD on the stream route starts no answer (found by input fuzzing)', () => {
  it('answers HEAD /chat/stream with 405 and Allow: GET, POST, without calling the model', async () => {
    server = await startChatServer();
    const query = new URLSearchParams({ projectId: ALICE_PROJECT.id, message: 'Which tables?' });
    const response = await fetch(`${server.baseUrl}/chat/stream?${query}`, {
      method: 'HEAD',
      headers: server.headers(),
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.scripted.calls).toHaveLength(0);
    expect(await server.store.listConversations('alice', ALICE_PROJECT.id, { limit: 5 })).toEqual({
      items: [],
    });
  });
});
