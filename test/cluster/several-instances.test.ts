// Two router processes on one Redis and one Postgres, sharing the fake upstream, with each
// request on the instance that does NOT own its run: resume, replay, the same key twice at once,
// stop, the concurrent cap and the per-minute budget across both, the owner SIGKILLed while a
// client follows on the other, a restart that leaves the other's answers alone, Redis restarted
// mid-answer, and Postgres stopped then started. This file runs its own Redis and Postgres, since
// it restarts them. Needs the built package (`npm test` builds first).

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../backend/logging/chat-logger.js';
import { RedisRunRegistry } from '../../backend/redis/redis-run-registry.js';
import { MemoryChatStore } from '../../backend/stores/memory-chat-store.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { scaled } from '../hardening/hardening-mode.js';
import { recordHardeningResult } from '../hardening/record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from '../hardening/server-process.js';
import { streamTurn } from '../hardening/stream-turn.js';
import { startPostgres, type TestPostgres } from '../helpers/start-postgres.js';
import { startRedis, type TestRedis } from '../helpers/start-redis.js';

/** Short leases, so a dead owner's runs are settled within a couple of seconds. */
const REGISTRY = { leaseMs: 1500, renewEveryMs: 400, reapEveryMs: 250 };
const ROUTER = {
  limits: { maxConcurrentStreams: 3, streamsPerMinute: 6, requestsPerMinute: 100_000 },
  timeouts: { disconnectGraceMs: 3000 },
};
const KILL_ROUNDS = scaled(3, 10);

let redis: TestRedis;
let postgres: TestPostgres;
let upstream: FakeUpstream;
let database: pg.Pool;
let a: ServerProcess;
let b: ServerProcess;

const startInstance = () =>
  startServerProcess({
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    registry: REGISTRY,
    upstreamUrl: upstream.url,
    router: ROUTER,
  });

beforeAll(async () => {
  [redis, postgres, upstream] = await Promise.all([
    startRedis(),
    startPostgres(),
    startFakeUpstream(),
  ]);
  database = new pg.Pool({ connectionString: postgres.url });
  database.on('error', () => {});
  // The question picks its answer: `[[fake:…]]` directives script each turn from the test.
  upstream.script(() => ({ kind: 'normal', tokens: 30, intervalMs: 15 }));
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await database?.end();
  await upstream?.close();
  await Promise.all([redis?.close(), postgres?.close()]);
});

/** A user of its own per test, so limits and conversations never mix. */
const newUser = () => `user-${randomUUID()}`;
const callsFor = (question: string) =>
  upstream.calls.requests.filter((request) =>
    JSON.stringify(request.body.messages.at(-1)).includes(question),
  ).length;
const turn = (server: ServerProcess, user: string, message: string, extra = {}) =>
  streamTurn({
    baseUrl: server.baseUrl,
    token: mintToken(user),
    projectId: 'shop',
    message,
    timeoutMs: 30_000,
    ...extra,
  });
const answerRow = async (conversationId: string) => {
  const { rows } = await database.query(
    "SELECT status, content FROM messages WHERE conversation_id = $1 AND role = 'assistant' ORDER BY seq",
    [conversationId],
  );
  return rows as Array<{ status: string; content: string }>;
};
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// Restarts of processes and servers: longer than the suites' usual 20 s on a busy machine.
describe('several instances on one Redis and one Postgres', { timeout: 90_000 }, () => {
  it('resumes on B a stream that A generates: identical text, one upstream call', async () => {
    const user = newUser();
    const question = `resume ${randomUUID()} [[fake:tokens=40,interval=20]]`;
    const key = randomUUID();
    const first = await turn(a, user, question, { idempotencyKey: key, abortAfterEvents: 6 });
    expect(first.lastEventId).toBeDefined();
    const rest = await turn(b, user, question, {
      idempotencyKey: key,
      lastEventId: first.lastEventId,
    });
    expect(rest.terminal).toBe('complete');
    expect(first.text + rest.text).toBe(fakeText(40));
    expect(callsFor(question)).toBe(1);
  });

  it('continues on A an answer stopped through B, and resumes the Continue on B: one upstream call', async () => {
    const user = newUser();
    const question = `continue ${randomUUID()} [[fake:tokens=200,interval=20]]`;
    const conversationId = randomUUID();
    const cut = await turn(a, user, question, { conversationId, abortAfterEvents: 4 });
    expect(cut.lastEventId).toBeDefined();
    const stop = await fetch(`${b.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${mintToken(user)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversationId }),
    });
    expect(stop.status).toBe(200);
    const stopped = await waitFor('the stopped answer', async () => {
      const { rows } = await database.query(
        "SELECT id, content, status FROM messages WHERE conversation_id = $1 AND role = 'assistant'",
        [conversationId],
      );
      return rows[0]?.status === 'stopped'
        ? (rows[0] as { id: string; content: string })
        : undefined;
    });
    const key = randomUUID();
    const action = { continue: stopped.id };
    const before = callsFor('Continue it exactly where it stopped');

    const first = await turn(a, user, '', {
      conversationId,
      action,
      idempotencyKey: key,
      abortAfterEvents: 3,
    });
    const rest = await turn(b, user, '', {
      conversationId,
      action,
      idempotencyKey: key,
      lastEventId: first.lastEventId,
    });

    expect(rest.terminal).toBe('complete');
    // Its ids are offsets into the whole answer: the first token ends past the stopped text.
    expect(Number(first.lastEventId?.split(':')[1])).toBeGreaterThan(stopped.content.length + 1);
    const [answer] = await answerRow(conversationId);
    expect(answer?.status).toBe('complete');
    expect(answer?.content).toBe(stopped.content + first.text + rest.text);
    expect(callsFor('Continue it exactly where it stopped') - before).toBe(1);
  });

  it('replays on B, after the end, the answer A generated', async () => {
    const user = newUser();
    const question = `replay ${randomUUID()}`;
    const key = randomUUID();
    const live = await turn(a, user, question, { idempotencyKey: key });
    expect(live.terminal).toBe('complete');
    const replay = await turn(b, user, question, { idempotencyKey: key });
    expect(replay.terminal).toBe('complete');
    expect(replay.text).toBe(live.text);
    expect(callsFor(question)).toBe(1);
  });

  it('generates once for the same key sent to A and B at once', async () => {
    const user = newUser();
    const question = `same key ${randomUUID()}`;
    const key = randomUUID();
    const [onA, onB] = await Promise.all([
      turn(a, user, question, { idempotencyKey: key }),
      turn(b, user, question, { idempotencyKey: key }),
    ]);
    expect(onA.text).toBe(fakeText(30));
    expect(onB.text).toBe(fakeText(30));
    expect(callsFor(question)).toBe(1);
  });

  it("stops from B a run A generates: A's client ends stopped, the partial text is saved", async () => {
    const user = newUser();
    const conversationId = randomUUID();
    const question = `stop ${randomUUID()} [[fake:tokens=400,interval=20]]`;
    const running = turn(a, user, question, { conversationId });
    await waitFor('the answer to start', async () =>
      (await answerRow(conversationId))[0]?.content ? true : undefined,
    );
    const response = await fetch(`${b.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: b.headers(user),
      body: JSON.stringify({ conversationId }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ stopped: true });
    const outcome = await running;
    expect(outcome.terminal).toBe('complete');
    expect(outcome.completeStatus).toBe('stopped');
    const [row] = await answerRow(conversationId);
    expect(row?.status).toBe('stopped');
    expect(outcome.text.startsWith(row?.content ?? '-')).toBe(true);
    expect(upstream.calls.requests.at(-1)?.aborted).toBe(true);
  });

  it('answers a stop that no owner confirms with 503 STORAGE_ERROR, never a false "stopped"', async () => {
    // An owner that holds its lease but never acts on stops (its stop messages lost): B sends the
    // stop, follows the run for the time it allows, and must not claim the text was saved.
    const client = new Redis(redis.url);
    const ghost = new RedisRunRegistry({
      redis: client,
      instanceId: `ghost-${randomUUID()}`,
      reapEveryMs: 3_600_000,
    });
    await ghost.start({ store: new MemoryChatStore(), logger: silentLogger, replayTtlMs: 60_000 });
    try {
      const user = newUser();
      const conversationId = randomUUID();
      const claim = await ghost.claim({
        record: {
          id: randomUUID().replaceAll('-', '').slice(0, 11),
          userId: user,
          idempotencyKey: randomUUID(),
          projectId: 'shop',
          conversationId,
          messageId: randomUUID(),
          createdAt: new Date().toISOString(),
          question: 'Which tables are there?',
          transport: 'sse',
          ownerId: ghost.instanceId,
          state: 'running',
        },
        maxActive: 3,
        turnsPerMinute: 6,
        now: Date.now(),
      });
      expect(claim.kind).toBe('created');
      const response = await fetch(`${b.baseUrl}/chat/stop`, {
        method: 'POST',
        headers: b.headers(user),
        body: JSON.stringify({ conversationId }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        error: { code: 'STORAGE_ERROR', retryable: true },
      });
    } finally {
      await ghost.close();
      client.disconnect();
    }
  });

  it('holds the concurrent cap of 3 across both instances', async () => {
    const user = newUser();
    const slow = (n: number) => `cap ${n} ${randomUUID()} [[fake:tokens=60,interval=30]]`;
    const running = [turn(a, user, slow(1)), turn(a, user, slow(2)), turn(b, user, slow(3))];
    await sleep(400);
    for (const server of [a, b]) {
      const refused = await turn(server, user, slow(4));
      expect(refused.status).toBe(429);
      expect(refused.errorBody?.error?.code).toBe('CONCURRENT_STREAM_LIMIT');
    }
    const done = await Promise.all(running);
    expect(done.map((outcome) => outcome.terminal)).toEqual(['complete', 'complete', 'complete']);
    expect((await turn(b, user, `cap after ${randomUUID()}`)).terminal).toBe('complete');
  });

  it('holds the per-minute turn budget across both instances', async () => {
    const user = newUser();
    for (let i = 0; i < ROUTER.limits.streamsPerMinute; i++) {
      const outcome = await turn(i % 2 === 0 ? a : b, user, `budget ${i} ${randomUUID()}`);
      expect(outcome.terminal).toBe('complete');
    }
    for (const server of [a, b]) {
      const refused = await turn(server, user, `budget over ${randomUUID()}`);
      expect(refused.status).toBe(429);
      expect(refused.errorBody?.error?.code).toBe('RATE_LIMITED');
    }
  });

  it(`ends a follower's stream on B when A is SIGKILLed, saving the text so far (${KILL_ROUNDS} rounds)`, async () => {
    const settleMs: number[] = [];
    const failures: unknown[] = [];
    const round = async (index: number) => {
      const user = newUser();
      const conversationId = randomUUID();
      const key = randomUUID();
      const question = `kill ${index} ${randomUUID()} [[fake:tokens=400,interval=20]]`;
      const owner = turn(a, user, question, { conversationId, idempotencyKey: key });
      await waitFor('the answer to start on A', async () =>
        (await answerRow(conversationId))[0]?.content ? true : undefined,
      );
      const follower = turn(b, user, question, { conversationId, idempotencyKey: key });
      await sleep(300);
      const killedAt = Date.now();
      expect(await a.stop('SIGKILL')).toBeNull();
      const followed = await follower;
      settleMs.push(Date.now() - killedAt);
      // Within the lease and the reaper's tick, and always with exactly one terminal event.
      expect(Date.now() - killedAt).toBeLessThan(REGISTRY.leaseMs + 5000);
      expect(followed.terminal).toBe('error');
      expect(followed.errorCode).toBe('GENERATION_INTERRUPTED');
      expect(followed.terminalCount).toBe(1);
      await owner;
      const [row] = await answerRow(conversationId);
      expect(row?.status).toBe('interrupted');
      expect(row && row.content.length > 0 && fakeText(400).startsWith(row.content)).toBe(true);
      // The conversation is free for the next question, on the surviving instance.
      const next = await turn(b, user, `after the kill ${randomUUID()}`, { conversationId });
      expect(next.terminal).toBe('complete');
    };
    for (let index = 0; index < KILL_ROUNDS; index++) {
      await round(index).catch((error: unknown) => failures.push(error));
      if (!a.exited) await a.stop('SIGKILL');
      a = await startInstance();
    }
    recordHardeningResult({
      suite: 'several-instances',
      check: 'owner SIGKILLed while B follows',
      tried: KILL_ROUNDS,
      unit: 'rounds',
      failures: failures.length,
      figures: { 'max settle ms': Math.max(0, ...settleMs) },
      note: `lease ${REGISTRY.leaseMs} ms`,
    });
    if (failures[0]) throw failures[0];
    const { rows } = await database.query(
      "SELECT count(*)::int AS n FROM messages WHERE status = 'streaming'",
    );
    expect(rows[0]).toEqual({ n: 0 });
  }, 180_000);

  it("leaves B's running answers alone when A restarts", async () => {
    const user = newUser();
    const conversationId = randomUUID();
    const running = turn(b, user, `restart ${randomUUID()} [[fake:tokens=100,interval=20]]`, {
      conversationId,
    });
    await waitFor('the answer to start on B', async () =>
      (await answerRow(conversationId))[0]?.content ? true : undefined,
    );
    await a.stop('SIGTERM');
    a = await startInstance();
    const outcome = await running;
    expect(outcome.terminal).toBe('complete');
    expect(outcome.text).toBe(fakeText(100));
    expect((await answerRow(conversationId))[0]).toEqual({
      status: 'complete',
      content: fakeText(100),
    });
  });

  it('answers 503 STORAGE_ERROR (never a 500) while Redis is down, and serves again once it is back', async () => {
    const user = newUser();
    await redis.stop();
    try {
      const refused = await turn(a, user, `redis down ${randomUUID()}`);
      expect(refused.status).toBe(503);
      expect(refused.errorBody?.error?.code).toBe('STORAGE_ERROR');
    } finally {
      await redis.start();
    }
    const after = await waitFor('a turn after Redis is back', async () => {
      const outcome = await turn(b, user, `redis back ${randomUUID()}`);
      return outcome.terminal === 'complete' ? outcome : undefined;
    });
    expect(after.text).toBe(fakeText(30));
  });

  it('ends every stream with a terminal event or a coded error when Redis restarts mid-answer, and serves again after', async () => {
    const user = newUser();
    const conversationId = randomUUID();
    const key = randomUUID();
    const question = `redis restart ${randomUUID()} [[fake:tokens=150,interval=20]]`;
    const owner = turn(a, user, question, { conversationId, idempotencyKey: key });
    await waitFor('the answer to start', async () =>
      (await answerRow(conversationId))[0]?.content ? true : undefined,
    );
    const follower = turn(b, user, question, { conversationId, idempotencyKey: key });
    await sleep(300);
    await redis.restart();
    const [onA, onB] = await Promise.all([owner, follower]);
    // The owner's client never depended on Redis; the follower's either finished or was told.
    expect(onA.terminal).toBe('complete');
    expect(onA.text).toBe(fakeText(150));
    expect(onB.closedBy).not.toBe('timeout');
    expect(onB.terminalCount).toBeLessThanOrEqual(1);
    expect((await answerRow(conversationId))[0]?.status).toBe('complete');
    const after = await waitFor('a turn after the restart', async () => {
      const outcome = await turn(b, user, `after redis ${randomUUID()}`);
      return outcome.terminal === 'complete' ? outcome : undefined;
    });
    expect(after.text).toBe(fakeText(30));
  });

  it('answers 503 STORAGE_ERROR while Postgres is down, and serves again once it is back', async () => {
    const user = newUser();
    await postgres.stop();
    try {
      const refused = await turn(a, user, `postgres down ${randomUUID()}`);
      expect(refused.status).toBe(503);
      expect(refused.errorBody?.error?.code).toBe('STORAGE_ERROR');
    } finally {
      await postgres.start();
    }
    const after = await waitFor('a turn after Postgres is back', async () => {
      const outcome = await turn(a, user, `postgres back ${randomUUID()}`);
      return outcome.terminal === 'complete' ? outcome : undefined;
    });
    expect(after.text).toBe(fakeText(30));
  });
});
