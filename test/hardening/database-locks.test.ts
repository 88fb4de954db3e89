// The database locked by another process (a second server, a backup, a migration) for less and
// for more than the store's busy_timeout: requests wait and succeed, or get 503 STORAGE_ERROR —
// never a 500 — while reads go on (WAL); and an answer whose final save hit the lock is not left
// `streaming` (which would block its conversation) once the lock is gone.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { readStoredMessages } from './read-stored-messages.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { streamTurn } from './stream-turn.js';
import { waitUntil } from './wait-until.js';

const BUSY_TIMEOUT_MS = 1000;

let dir: string;
let db: string;
let upstream: FakeUpstream;
let server: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-locks-'));
  db = join(dir, 'chat.db');
  upstream = await startFakeUpstream({ defaultBehaviour: { kind: 'normal', tokens: 5 } });
  server = await startServerProcess({
    db,
    upstreamUrl: upstream.url,
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    router: { limits: { requestsPerMinute: 100_000, streamsPerMinute: 100_000 } },
  });
}, 30_000);
afterAll(async () => {
  const stats = await server?.stats().catch(() => undefined);
  if (server) expect(await server.stop()).toBe(0);
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(stats?.unhandledRejections ?? 0).toBe(0);
});

/**
 * Takes the database's write lock from another connection (another process's view) for `ms`;
 * resolves with the `performance.now()` at which the lock was released.
 */
function holdWriteLock(ms: number): Promise<number> {
  const other = new Database(db);
  other.exec('BEGIN IMMEDIATE');
  return sleep(ms).then(() => {
    other.exec('COMMIT');
    const releasedAt = performance.now();
    other.close();
    return releasedAt;
  });
}

const turn = (user: string, conversationId: string, message = 'which tables are there?') =>
  streamTurn({
    baseUrl: server.baseUrl,
    token: mintToken(user),
    projectId: 'shop',
    message,
    conversationId,
    timeoutMs: 20_000,
  });
const call = async (method: string, path: string, user: string, body?: unknown) => {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: server.headers(user),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
};

describe('a database locked by another process', () => {
  it('makes a turn wait for a lock held shorter than busy_timeout, then answers it whole', async () => {
    const conversationId = randomUUID();
    const held = holdWriteLock(BUSY_TIMEOUT_MS / 3);
    const started = performance.now();
    const outcome = await turn('lock-short', conversationId);
    const releasedAt = await held;
    expect(outcome.terminal).toBe('complete');
    expect(outcome.text).toBe(fakeText(5));
    // The stream opened only once the lock was gone (the user message is saved before it opens);
    // measured against the release itself, not the hold time, so a busy machine cannot skew it.
    expect(started + (outcome.headersMs ?? 0)).toBeGreaterThanOrEqual(releasedAt - 1);
  });

  it('answers writes with 503 STORAGE_ERROR (never 500) while a lock outlasts busy_timeout; reads go on', async () => {
    const user = 'lock-long';
    const conversationId = randomUUID();
    expect((await turn(user, conversationId)).terminal).toBe('complete');
    const held = holdWriteLock(BUSY_TIMEOUT_MS * 4);
    const results = {
      'POST /chat/stream': (await turn(user, randomUUID())).status,
      'POST /chat': await call('POST', '/chat', user, { projectId: 'shop', message: 'hi' }),
      'DELETE /conversations/:id': await call('DELETE', `/conversations/${conversationId}`, user),
      'GET /conversations/:id/messages': await call(
        'GET',
        `/conversations/${conversationId}/messages`,
        user,
      ),
      'GET /conversations': await call('GET', '/conversations?projectId=shop', user),
    };
    await held;
    const problems: string[] = [];
    for (const [route, result] of Object.entries(results)) {
      const status = typeof result === 'number' ? result : result.status;
      const write = route.startsWith('POST') || route.startsWith('DELETE');
      if (status >= 500 && !(write && status === 503)) problems.push(`${route}: HTTP ${status}`);
      if (write && status !== 503) problems.push(`${route}: HTTP ${status}, expected 503`);
      if (!write && status !== 200)
        problems.push(`${route}: HTTP ${status}, expected 200 (a read)`);
      if (typeof result !== 'number' && write && !result.text.includes('"STORAGE_ERROR"')) {
        problems.push(`${route}: not STORAGE_ERROR`);
      }
    }
    // After the lock: the same writes work, nothing was half done.
    expect((await turn(user, conversationId)).terminal).toBe('complete');
    expect((await call('DELETE', `/conversations/${conversationId}`, user)).status).toBe(204);
    expect(problems).toEqual([]);
  });

  it('does not leave an answer `streaming` when its final save hit the lock: the conversation takes the next turn', async () => {
    const user = 'lock-during';
    const conversationId = randomUUID();
    // An answer of about 0.6 s; the lock comes after 0.2 s and lasts past its end.
    const running = turn(user, conversationId, 'a long one [[fake:tokens=30,interval=20]]');
    await sleep(200);
    const held = holdWriteLock(BUSY_TIMEOUT_MS * 3);
    const outcome = await running;
    await held;
    // The client learns the answer could not be saved.
    expect(outcome.terminalCount).toBe(1);
    const stored = () =>
      readStoredMessages(db, [conversationId])
        .get(conversationId)
        ?.find((row) => row.role === 'assistant');
    // Once the lock is gone, the answer is settled in the store (not stuck `streaming`)…
    await waitUntil(
      'the answer to be settled in the store',
      () => stored()?.status !== 'streaming',
      10_000,
    );
    expect(['complete', 'interrupted', 'failed']).toContain(stored()?.status);
    if (outcome.terminal === 'complete') expect(stored()?.content).toBe(outcome.text);
    // …so the conversation is not blocked with 409 TURN_IN_PROGRESS.
    const next = await turn(user, conversationId, 'and the next question');
    expect(next.status).toBe(200);
    expect(next.terminal).toBe('complete');
    recordHardeningResult({
      suite: 'database-locks',
      check: 'locks shorter and longer than busy_timeout, a final save that hits a lock',
      tried: 3,
      unit: 'scenarios',
      failures: 0,
      figures: {
        'busy_timeout (ms)': BUSY_TIMEOUT_MS,
        'locked answer ended': `${outcome.terminal} ${outcome.errorCode ?? ''}`,
      },
    });
  });
});
