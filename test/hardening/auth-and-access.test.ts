// Authentication and authorization over real HTTP, on every route: the JWT corpus (≥ 30 forged or
// malformed tokens) is rejected with each token's code and none reaches a handler; another user's
// conversation id gets on every route what an unused id gets (a conversation of the caller's own)
// even while its answer streams, in a project both users can see, and idempotency keys and
// Last-Event-ID reach nothing of the other user's either; a conversation of project A is not found
// under project B; bad UUIDs are 400; mass-assignment fields are ignored; a refused origin gets a
// 403 on every route before any work.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createJwtCorpus } from '../../backend/auth/test-helpers/jwt-corpus.js';
import type { Project, ProjectResolver } from '../../backend/projects/project-resolver.js';
import type { ChatMessage, ConversationSummary, ErrorBody, Page } from '../../sdk/protocol.js';
import { readSse, type SseResult, textOf } from '../helpers/sse-client.js';
import { type ChatTestServer, startChatServer, TEST_SECRET } from '../helpers/start-chat-server.js';
import { ALICE_PROJECT, BOB_PROJECT } from '../helpers/test-projects.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { sendRawRequest } from './send-raw-request.js';

const ISSUER = 'schema-chat-hardening';
const AUDIENCE = 'chat-api';
/** A project both alice and bob can read: sharing a project must not share conversations. */
const SHARED: Project = {
  id: 'p-shared-shop',
  name: 'Shared shop',
  schema: 'CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT NOT NULL);',
};
const projects: ProjectResolver = {
  get(projectId, user) {
    if (projectId === SHARED.id && (user.id === 'alice' || user.id === 'bob')) return SHARED;
    if (projectId === ALICE_PROJECT.id && user.id === 'alice') return ALICE_PROJECT;
    if (projectId === BOB_PROJECT.id && user.id === 'bob') return BOB_PROJECT;
    return undefined;
  },
  list(user) {
    const own = user.id === 'alice' ? [ALICE_PROJECT] : user.id === 'bob' ? [BOB_PROJECT] : [];
    return [...own, SHARED].map(({ id, name }) => ({ id, name }));
  },
};

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (extra: Parameters<typeof startChatServer>[0] = {}) => {
  server = await startChatServer({
    auth: { secret: TEST_SECRET, issuer: ISSUER, audience: AUDIENCE },
    projects,
    limits: { requestsPerMinute: 10_000, streamsPerMinute: 10_000 },
    ...extra,
  });
  return server;
};
const tokenOf = (s: ChatTestServer, user: string) => s.token(user, { iss: ISSUER, aud: AUDIENCE });
const headersOf = (s: ChatTestServer, user: string, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${tokenOf(s, user)}`,
  'Content-Type': 'application/json',
  ...extra,
});
const call = async (
  s: ChatTestServer,
  method: string,
  path: string,
  user: string,
  body?: unknown,
  extra: Record<string, string> = {},
) => {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: headersOf(s, user, extra),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, body: parsed };
};
const codeOf = (body: unknown) => (body as ErrorBody | undefined)?.error?.code;

/** Every API route, with a path and body for a given conversation. */
const everyRoute = (conversationId: string, projectId: string) =>
  [
    ['POST', '/chat', { projectId, message: 'hi', conversationId }],
    ['POST', '/chat/stream', { projectId, message: 'hi', conversationId }],
    [
      'GET',
      `/chat/stream?${new URLSearchParams({ projectId, message: 'hi', conversationId })}`,
      undefined,
    ],
    ['POST', '/chat/stop', { conversationId }],
    ['GET', `/conversations?projectId=${projectId}`, undefined],
    ['GET', `/conversations/${conversationId}/messages`, undefined],
    ['DELETE', `/conversations/${conversationId}`, undefined],
    ['GET', '/projects', undefined],
  ] as const;

describe('the JWT corpus over HTTP', () => {
  it('rejects every forged or malformed token on every route with its code, and none reaches a handler', async () => {
    const s = await start();
    const corpus = createJwtCorpus({ secret: TEST_SECRET, issuer: ISSUER, audience: AUDIENCE });
    const conversationId = randomUUID();
    const port = Number(new URL(s.origin).port);
    const problems: string[] = [];
    let requests = 0;
    for (const [name, header, code] of corpus) {
      for (const [method, path, body] of everyRoute(conversationId, SHARED.id)) {
        requests++;
        // Raw bytes: a header no HTTP client would send (a line break, 100 KB) goes out as is.
        const response = await sendRawRequest(port, {
          method,
          target: `/api/v1/ai${path}`,
          headers: [
            ...(header === undefined
              ? []
              : ([['Authorization', header]] as Array<[string, string]>)),
            ['Content-Type', 'application/json'],
          ],
          ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
        });
        // Node's HTTP parser refuses a header over 16 KB (431) or with a bare line feed (400)
        // before any handler runs: rejections too, one layer earlier.
        const expected =
          header === undefined
            ? 401
            : header.length > 16 * 1024
              ? 431
              : header.includes('\n')
                ? 400
                : 401;
        const got =
          response.status === 401 ? (JSON.parse(response.body) as ErrorBody).error.code : undefined;
        if (response.status !== expected || (expected === 401 && got !== code)) {
          problems.push(
            `${name} on ${method} ${path.split('?')[0]}: HTTP ${response.status} ${got ?? ''}, expected ${expected} ${code}`,
          );
        }
        if (expected === 401 && !/^WWW-Authenticate: Bearer/im.test(response.headers)) {
          problems.push(`${name} on ${method}: no WWW-Authenticate`);
        }
      }
    }
    // Nothing reached a handler: no model call, nothing stored for anyone.
    const stored = await s.store.listConversations('alice', SHARED.id, { limit: 10 });
    if (s.scripted.calls.length > 0) problems.push(`${s.scripted.calls.length} model calls`);
    if (stored.items.length > 0) problems.push('a conversation was stored');
    recordHardeningResult({
      suite: 'auth-and-access',
      check: 'JWT corpus on every route',
      tried: corpus.length,
      unit: 'tokens',
      failures: problems.length,
      figures: { requests, routes: everyRoute('x', 'y').length },
    });
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(problems).toEqual([]);
  });
});

describe("another user's conversation", () => {
  it('answers every route as for an unused id while its answer streams, in a project both can read, and leaks nothing', async () => {
    const s = await start();
    const secret = [
      'ALICE-',
      'SECRET-',
      'ANSWER ',
      ...Array.from({ length: 40 }, (_, i) => `a${i} `),
    ];
    s.scripted.next({ tokens: secret, intervalMs: 15 });
    s.scripted.setDefault({ tokens: ['bob', ' gets', ' his', ' own'] });
    const conversationId = randomUUID();
    const aliceKey = randomUUID();
    let aliceLastId = '';
    const alice = readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: headersOf(s, 'alice', { 'Idempotency-Key': aliceKey }),
      body: JSON.stringify({
        projectId: SHARED.id,
        message: 'alice private question',
        conversationId,
      }),
      until: (events) => {
        aliceLastId = events.at(-1)?.id ?? aliceLastId;
        return false;
      },
    });
    await sleep(120); // alice's answer is streaming now

    const problems: string[] = [];
    const check = (what: string, status: number, text: string, expected: number, code?: string) => {
      if (status !== expected) problems.push(`${what}: HTTP ${status}, expected ${expected}`);
      if (code !== undefined && !text.includes(`"${code}"`)) problems.push(`${what}: not ${code}`);
      if (/ALICE|SECRET|alice private/.test(text)) problems.push(`${what}: leaked alice's data`);
    };
    // Conversation ids are scoped per user: for bob, alice's id is an unused one. Each route gets
    // alice's id and then a never-used id, in the same order, and must answer both alike (no
    // oracle): bob's first turn creates a conversation of his own under each id.
    const unusedId = randomUUID();
    const unusedRoutes = everyRoute(unusedId, SHARED.id);
    for (const [index, [method, path, body]] of everyRoute(conversationId, SHARED.id).entries()) {
      const [, unusedPath, unusedBody] = unusedRoutes[index] ?? [];
      const result = await call(s, method, path, 'bob', body);
      const unused = await call(s, method, unusedPath ?? '', 'bob', unusedBody);
      const what = `bob ${method} ${path.split('?')[0]}`;
      check(what, result.status, result.text, unused.status, codeOf(unused.body));
      if (codeOf(result.body) !== codeOf(unused.body)) {
        problems.push(`${what}: ${codeOf(result.body)}, an unused id gets ${codeOf(unused.body)}`);
      }
      if (path.startsWith('/conversations?')) {
        const listed = (result.body as Page<ConversationSummary>).items;
        if (listed.some((item) => item.id === conversationId && item.title !== 'hi')) {
          problems.push("bob's list shows alice's conversation");
        }
      }
    }
    // Resume and idempotency: bob cannot attach to alice's run.
    const byRunId = await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: headersOf(s, 'bob', { 'Last-Event-ID': aliceLastId }),
      body: JSON.stringify({ projectId: SHARED.id, message: 'alice private question' }),
    });
    check(
      "bob resuming alice's run by Last-Event-ID",
      byRunId.status,
      byRunId.raw,
      410,
      'RESUME_UNAVAILABLE',
    );
    const byKey = await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: headersOf(s, 'bob', { 'Idempotency-Key': aliceKey, 'Last-Event-ID': aliceLastId }),
      body: JSON.stringify({ projectId: SHARED.id, message: 'alice private question' }),
    });
    check(
      "bob with alice's Idempotency-Key",
      byKey.status,
      byKey.raw.replace('alice private question', ''),
      200,
    );
    if (textOf(byKey.events) !== 'bob gets his own')
      problems.push(`bob's own turn answered "${textOf(byKey.events)}"`);
    const bobConversation = byKey.events[0]?.json;
    if (
      bobConversation?.type === 'conversationId' &&
      bobConversation.conversationId === conversationId
    ) {
      problems.push("bob's turn landed in alice's conversation");
    }

    // alice is untouched: her answer completes whole, her conversation holds her turn only.
    const aliceResult: SseResult = await alice;
    if (textOf(aliceResult.events) !== secret.join(''))
      problems.push("alice's answer was cut or altered");
    if (aliceResult.events.at(-1)?.json.type !== 'complete')
      problems.push("alice's answer did not complete");
    const history = await call(s, 'GET', `/conversations/${conversationId}/messages`, 'alice');
    const items = (history.body as Page<ChatMessage>).items;
    if (items.map((m) => `${m.role}:${m.status}`).join() !== 'user:complete,assistant:complete') {
      problems.push(`alice's conversation holds ${items.map((m) => m.role).join()}`);
    }
    recordHardeningResult({
      suite: 'auth-and-access',
      check: "another user's live conversation on every route, key and Last-Event-ID",
      tried: everyRoute('x', 'y').length + 2,
      unit: 'attempts',
      failures: problems.length,
    });
    expect(problems).toEqual([]);
    // alice's turn, bob's own turns (three turn routes × two ids, and the one with alice's key).
    expect(s.scripted.calls).toHaveLength(8);
  });

  it('finds a conversation of project A under project B nowhere, and never lists it there', async () => {
    const s = await start();
    const conversationId = randomUUID();
    const first = await call(s, 'POST', '/chat', 'alice', {
      projectId: SHARED.id,
      message: 'in A',
      conversationId,
    });
    expect(first.status).toBe(200);
    const problems: string[] = [];
    for (const [method, path, body] of everyRoute(conversationId, ALICE_PROJECT.id).slice(0, 3)) {
      const result = await call(s, method, path, 'alice', body);
      if (result.status !== 404 || codeOf(result.body) !== 'CONVERSATION_NOT_FOUND') {
        problems.push(
          `${method} ${path.split('?')[0]} under B: HTTP ${result.status} ${codeOf(result.body)}`,
        );
      }
    }
    const listed = await call(s, 'GET', `/conversations?projectId=${ALICE_PROJECT.id}`, 'alice');
    if (
      (listed.body as Page<ConversationSummary>).items.some((item) => item.id === conversationId)
    ) {
      problems.push('listed under B');
    }
    const history = await call(s, 'GET', `/conversations/${conversationId}/messages`, 'alice');
    if ((history.body as Page<ChatMessage>).items.length !== 2) problems.push('A changed');
    expect(problems).toEqual([]);
    expect(s.scripted.calls).toHaveLength(1);
  });
});

describe('ids and fields from the client', () => {
  it('answers 400 to a malformed conversation id on every route that takes one', async () => {
    const s = await start();
    const bad = [
      'conv_1762194312799',
      '0b6f3a52-1c2d-1e5f-8a9b-0c1d2e3f4a5b',
      'a'.repeat(36),
      '../etc/passwd',
      ' ',
    ];
    const problems: string[] = [];
    for (const id of bad) {
      for (const [method, path, body] of everyRoute(id, SHARED.id)) {
        if (path.startsWith('/conversations?') || path === '/projects') continue;
        const result = await call(
          s,
          method,
          path.replace(`/${id}`, `/${encodeURIComponent(id)}`),
          'alice',
          body,
        );
        if (result.status !== 400 || codeOf(result.body) !== 'VALIDATION_FAILED') {
          problems.push(
            `${JSON.stringify(id)} on ${method} ${path.split('?')[0]}: HTTP ${result.status}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(s.scripted.calls).toHaveLength(0);
  });

  it('ignores mass-assignment fields: owner, role, status, ids, model and usage come from the server', async () => {
    const s = await start();
    const conversationId = randomUUID();
    const forcedId = randomUUID();
    const result = await readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: headersOf(s, 'alice'),
      body: `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"projectId":"${SHARED.id}","message":"plain question","conversationId":"${conversationId}","userId":"bob","user":"bob","sub":"bob","role":"system","status":"streaming","id":"${forcedId}","messageId":"${forcedId}","createdAt":"2000-01-01T00:00:00.000Z","model":"gpt-evil","usage":{"totalTokens":-1000000},"finishReason":"stop"}`,
    });
    expect(result.events.at(-1)?.json.type).toBe('complete');
    const mine = await s.store.listMessages('alice', conversationId, { limit: 10 });
    expect(mine?.items.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', 'plain question'],
      ['assistant', 'complete', 'Hello there!'],
    ]);
    for (const message of mine?.items ?? []) {
      expect(message.id).not.toBe(forcedId);
      expect(message.createdAt.startsWith('2000')).toBe(false);
    }
    expect(mine?.items[1]?.model).toBe('test/scripted-model');
    expect(mine?.items[1]?.usage?.totalTokens).toBeGreaterThan(0);
    expect(await s.store.listMessages('bob', conversationId, { limit: 10 })).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('CORS on every route', () => {
  it('refuses a disallowed origin with 403 FORBIDDEN_ORIGIN before any work, and serves an allowed one', async () => {
    const allowed = 'https://shop.example';
    const s = await start({ cors: { origins: [allowed] } });
    const conversationId = randomUUID();
    const problems: string[] = [];
    for (const [method, path, body] of everyRoute(conversationId, SHARED.id)) {
      for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example']) {
        const result = await call(s, method, path, 'alice', body, { Origin: origin });
        if (result.status !== 403 || codeOf(result.body) !== 'FORBIDDEN_ORIGIN') {
          problems.push(`${origin} ${method} ${path.split('?')[0]}: HTTP ${result.status}`);
        }
      }
      const ok = await call(s, method, path, 'alice', body, { Origin: allowed });
      if (ok.headers.get('access-control-allow-origin') !== allowed) {
        problems.push(`${allowed} ${method} ${path.split('?')[0]}: no Access-Control-Allow-Origin`);
      }
      if (ok.status >= 500)
        problems.push(`${allowed} ${method} ${path.split('?')[0]}: HTTP ${ok.status}`);
    }
    expect(problems).toEqual([]);
    // Only the allowed origin's two turns reached the model.
    expect(s.scripted.calls.length).toBeLessThanOrEqual(3);
  });
});
