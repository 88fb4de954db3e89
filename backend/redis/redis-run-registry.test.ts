// RedisRunRegistry on a real Redis: the RunRegistry contract, then what only a shared registry
// does — two registries (two instances) on one Redis: follow a run of the other (replay from a
// position, then live), a failure before streaming, a stop carried to the owner, followers
// counted across instances, and the reaper settling a dead owner's run exactly once.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ChatEvent, TerminalEvent } from '../../sdk/protocol.js';
import { serviceUrl } from '../../test/helpers/test-services.js';
import { isChatError } from '../errors.js';
import { silentLogger } from '../logging/chat-logger.js';
import { describeRunRegistryContract } from '../runs/run-registry.contract.js';
import type { RunEntry, RunRecord } from '../runs/run-registry.js';
import { MemoryChatStore } from '../stores/memory-chat-store.js';
import { RedisRunKeys } from './redis-run-keys.js';
import { RedisRunRegistry } from './redis-run-registry.js';

const url = serviceUrl('redis', inject('testServices'));

describe.skipIf(url === undefined)('RedisRunRegistry', () => {
  let redis: Redis;
  const registries: RedisRunRegistry[] = [];
  beforeAll(() => {
    redis = new Redis(url as string, { maxRetriesPerRequest: 2 });
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
  });
  afterAll(async () => {
    redis.disconnect();
  });

  /** Two instances' registries on one Redis, under a prefix of their own (one per test). */
  const pair = async (options: { leaseMs?: number; renewEveryMs?: number } = {}) => {
    const keyPrefix = `test-${randomUUID()}:`;
    const store = new MemoryChatStore();
    const make = async (name: string) => {
      const registry = new RedisRunRegistry({
        redis: new Redis(url as string, { maxRetriesPerRequest: 2 }),
        keyPrefix,
        instanceId: `${name}-${randomUUID()}`,
        reapEveryMs: 100,
        ...options,
      });
      registries.push(registry);
      await registry.start({ store, logger: silentLogger, replayTtlMs: 60_000 });
      return registry;
    };
    return { a: await make('a'), b: await make('b'), store, keyPrefix };
  };

  describeRunRegistryContract('RedisRunRegistry', async ({ replayTtlMs }) => {
    const registry = new RedisRunRegistry({
      redis: new Redis(url as string, { maxRetriesPerRequest: 2 }),
      keyPrefix: `contract-${randomUUID()}:`,
    });
    await registry.start({ store: new MemoryChatStore(), logger: silentLogger, replayTtlMs });
    return { registry };
  });

  it('refuses an unknown option at construction, naming the one meant', () => {
    expect(
      () =>
        new RedisRunRegistry({ redis, leaseMS: 1000 } as unknown as ConstructorParameters<
          typeof RedisRunRegistry
        >[0]),
    ).toThrow(/unknown option `leaseMS` \(did you mean `leaseMs`\?\)/);
  });

  const recordOf = (owner: RedisRunRegistry, patch: Partial<RunRecord> = {}): RunRecord => ({
    id: randomUUID().replaceAll('-', '').slice(0, 11),
    userId: `user-${randomUUID()}`,
    idempotencyKey: randomUUID(),
    projectId: 'shop',
    conversationId: randomUUID(),
    messageId: randomUUID(),
    createdAt: new Date().toISOString(),
    question: 'Which tables are there?',
    transport: 'sse',
    ownerId: owner.instanceId,
    state: 'running',
    ...patch,
  });
  const claim = (registry: RedisRunRegistry, record: RunRecord) =>
    registry.claim({ record, maxActive: 5, turnsPerMinute: 100, now: Date.now() });
  const token = (content: string, end: number): RunEntry => ({
    seq: end + 1,
    event: { type: 'token', content },
  });
  const complete = (record: RunRecord, length: number): RunEntry => ({
    seq: length + 2,
    event: {
      type: 'complete',
      timestamp: new Date().toISOString(),
      metadata: {
        model: 'm',
        conversationId: record.conversationId,
        messageId: record.messageId,
        finishReason: 'stop',
        status: 'complete',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      },
    } as ChatEvent,
  });
  const waitForStatus = async (
    store: MemoryChatStore,
    userId: string,
    conversationId: string,
    status: string,
  ) => {
    for (let i = 0; i < 100; i++) {
      const answer = (await store.listMessages(userId, conversationId, { limit: 5 }))?.items[1];
      if (answer?.status === status) return answer;
      await sleep(50);
    }
    throw new Error(`the answer never became ${status}`);
  };
  const collect = async (iterable: AsyncIterable<RunEntry>) => {
    const entries: RunEntry[] = [];
    for await (const entry of iterable) entries.push(entry);
    return entries;
  };

  it('lets another instance replay a run from a position, then follow it live to its end', async () => {
    const { a, b } = await pair();
    const record = recordOf(a);
    expect((await claim(a, record)).kind).toBe('created');
    a.publish(record, [
      { seq: 0, event: { type: 'conversationId', conversationId: record.conversationId } },
      token('Hello', 5),
      token(' there', 11),
    ]);
    await sleep(50);
    const followed = collect(b.follow(record, 6, new AbortController().signal));
    await sleep(50);
    a.publish(record, [token('!', 12), complete(record, 12)]);
    const entries = await followed;
    // From seq 6 on: " there" (ends at 11, seq 12), "!" (seq 13), then the terminal (seq 14).
    expect(entries.map((entry) => entry.seq)).toEqual([12, 13, 14]);
    expect(entries.map((entry) => entry.event.type)).toEqual(['token', 'token', 'complete']);
    // Once ended, the whole run replays from the start, and a retried append is harmless.
    a.publish(record, [token('!', 12)]);
    await a.finish(record, { kind: 'ended', terminal: entries[2]?.event as TerminalEvent });
    const replayed = await collect(b.follow(record, undefined, new AbortController().signal));
    expect(replayed.map((entry) => entry.seq)).toEqual([0, 6, 12, 13, 14]);
  });

  it('gives up following, instead of waiting forever, when the stream lost what comes next', async () => {
    const { a, b } = await pair();
    const record = recordOf(a);
    await claim(a, record);
    // Offsets 5–19 never made it into the stream (lost with a Redis restart).
    a.publish(record, [token('Hello', 5), token('!', 20)]);
    await sleep(50);
    const error = await collect(b.follow(record, 6, new AbortController().signal)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isChatError(error) && error.code).toBe('RESUME_UNAVAILABLE');
  });

  it('tells a follower why a run failed before streaming, with its HTTP status', async () => {
    const { a, b } = await pair();
    const record = recordOf(a);
    await claim(a, record);
    const followed = collect(b.follow(record, undefined, new AbortController().signal));
    await sleep(50);
    a.publishFailure(record, {
      code: 'TURN_IN_PROGRESS',
      message: 'busy',
      retryable: true,
      retryAfter: 1,
      status: 409,
    });
    const error = await followed.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isChatError(error) && [error.code, error.status]).toEqual(['TURN_IN_PROGRESS', 409]);
  });

  it('carries a stop to the owner, and counts followers on any instance', async () => {
    const { a, b } = await pair();
    const record = recordOf(a);
    await claim(a, record);
    const stopped: string[] = [];
    a.onStopRequested((runId) => stopped.push(runId));
    expect(await a.followerCount(record)).toBe(0);
    const controller = new AbortController();
    const following = collect(b.follow(record, undefined, controller.signal));
    await sleep(50);
    expect(await a.followerCount(record)).toBe(1);
    await b.requestStop(record);
    await sleep(100);
    expect(stopped).toEqual([record.id]);
    controller.abort();
    await following;
    expect(await a.followerCount(record)).toBe(0);
  });

  it('frees a key whose run failed before streaming and was never released (its owner died)', async () => {
    const { a } = await pair();
    const run = recordOf(a);
    await claim(a, run);
    a.publishFailure(run, {
      code: 'TURN_IN_PROGRESS',
      message: 'busy',
      retryable: true,
      status: 409,
    });
    await sleep(50);
    // No finish: the owner died between its failure and its release. A retry with the key must
    // start again, not spin on a run nobody can attach to.
    const retry = await claim(a, {
      ...recordOf(a),
      userId: run.userId,
      idempotencyKey: run.idempotencyKey,
    });
    expect(retry.kind).toBe('created');
  });

  it('tells the owner its lease was lost when a peer settled its run, so the run ends there too', async () => {
    const { a, keyPrefix } = await pair({ leaseMs: 3000, renewEveryMs: 100 });
    const reasons: Array<[string, string]> = [];
    a.onStopRequested((runId, reason) => reasons.push([runId, reason]));
    const run = recordOf(a);
    await claim(a, run);
    await sleep(250);
    expect(reasons).toEqual([]);
    // What a peer's reaper leaves once it settled the run while this instance stalled.
    await redis.hset(new RedisRunKeys(keyPrefix).run(run.userId, run.id), 'state', 'ended');
    await redis.zrem(`${keyPrefix}leases`, `${run.userId}\u0000${run.id}`);
    await sleep(300);
    expect(reasons).toEqual([[run.id, 'lease-lost']]);
  });

  /** A run of `owner` whose answer the store has streaming. */
  const streamingRun = async (owner: RedisRunRegistry, store: MemoryChatStore) => {
    const userId = `user-${randomUUID()}`;
    const idempotencyKey = randomUUID();
    const begin = await store.beginTurn(userId, {
      conversationId: randomUUID(),
      projectId: 'shop',
      userMessage: { id: randomUUID(), content: 'q' },
      assistantMessage: { id: randomUUID(), model: 'm' },
      idempotencyKey,
      now: new Date(),
    });
    if (begin.kind !== 'started') throw new Error(begin.kind);
    return recordOf(owner, {
      userId,
      idempotencyKey,
      conversationId: begin.conversation.id,
      messageId: begin.assistantMessage.id,
    });
  };
  /** What a Redis restarted empty leaves of these instances' keys: nothing. */
  const loseKeys = async (keyPrefix: string) => {
    const lost = await redis.keys(`${keyPrefix}*`);
    expect(lost.length).toBeGreaterThan(0);
    await redis.del(...lost);
  };

  it('writes a running answer back when Redis lost its keys (a restart), and the answer goes on', async () => {
    const { a, b, store, keyPrefix } = await pair({ leaseMs: 3000, renewEveryMs: 100 });
    const reasons: Array<[string, string]> = [];
    a.onStopRequested((runId, reason) => reasons.push([runId, reason]));
    const run = await streamingRun(a, store);
    await claim(a, run);
    await loseKeys(keyPrefix);
    await sleep(300);
    expect(reasons).toEqual([]);
    expect(await redis.zscore(`${keyPrefix}leases`, `${run.userId}\u0000${run.id}`)).not.toBeNull();
    expect((await b.findByKey(run.userId, run.idempotencyKey))?.state).toBe('running');
    expect((await b.findActiveByConversation(run.userId, run.conversationId))?.id).toBe(run.id);
    // It counts against the cap again, and a stop from the peer still reaches its owner.
    const capped = await b.claim({
      record: { ...recordOf(b), userId: run.userId },
      maxActive: 1,
      turnsPerMinute: 100,
      now: Date.now(),
    });
    expect(capped.kind).toBe('limit');
    await b.requestStop((await b.findById(run.userId, run.id)) as RunRecord);
    await sleep(200);
    // The flag is heard again at each renewal until the owner ends the run: never a lost lease.
    expect(reasons[0]).toEqual([run.id, 'stop']);
    expect(new Set(reasons.map(([, reason]) => reason))).toEqual(new Set(['stop']));
  });

  it('stops a run Redis no longer knows whose answer the store has settled already', async () => {
    const { a, store, keyPrefix } = await pair({ leaseMs: 3000, renewEveryMs: 100 });
    const reasons: Array<[string, string]> = [];
    a.onStopRequested((runId, reason) => reasons.push([runId, reason]));
    const run = await streamingRun(a, store);
    await claim(a, run);
    // A peer's reaper settled it while this instance stalled, and its keys have expired since.
    await store.interruptTurn(run.userId, run.messageId, 'So far');
    await loseKeys(keyPrefix);
    await sleep(300);
    expect(reasons).toEqual([[run.id, 'lease-lost']]);
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([]);
  });

  it('settles a dead run again when the first settling failed halfway (the store was down)', async () => {
    const { a, b, store } = await pair({ leaseMs: 300, renewEveryMs: 100 });
    const begin = await store.beginTurn('u-retry', {
      conversationId: randomUUID(),
      projectId: 'shop',
      userMessage: { id: randomUUID(), content: 'q' },
      assistantMessage: { id: randomUUID(), model: 'm' },
      idempotencyKey: randomUUID(),
      now: new Date(),
    });
    if (begin.kind !== 'started') throw new Error(begin.kind);
    const run = recordOf(a, {
      userId: 'u-retry',
      conversationId: begin.conversation.id,
      messageId: begin.assistantMessage.id,
    });
    await claim(a, run);
    a.publish(run, [token('Saved', 5)]);
    let failures = 1;
    const interruptTurn = store.interruptTurn.bind(store);
    store.interruptTurn = async (...args) => {
      if (failures-- > 0) throw new Error('the store is down');
      return interruptTurn(...args);
    };
    await a.close(); // the owner dies
    const page = await waitForStatus(store, 'u-retry', begin.conversation.id, 'interrupted');
    expect(page).toMatchObject({ status: 'interrupted', content: 'Saved' });
    expect(failures).toBe(-1);
    expect((await b.findById('u-retry', run.id))?.state).toBe('ended');
  });

  it('leaves a run whose final save failed to be settled by a reaper once its lease runs out', async () => {
    const { a, store } = await pair({ leaseMs: 300, renewEveryMs: 100 });
    const begin = await store.beginTurn('u-unsaved', {
      conversationId: randomUUID(),
      projectId: 'shop',
      userMessage: { id: randomUUID(), content: 'q' },
      assistantMessage: { id: randomUUID(), model: 'm' },
      idempotencyKey: randomUUID(),
      now: new Date(),
    });
    if (begin.kind !== 'started') throw new Error(begin.kind);
    const run = recordOf(a, {
      userId: 'u-unsaved',
      conversationId: begin.conversation.id,
      messageId: begin.assistantMessage.id,
    });
    await claim(a, run);
    a.publish(run, [token('Whole answer', 12)]);
    await a.finish(run, { kind: 'unsaved', terminal: complete(run, 12).event as TerminalEvent });
    expect((await a.findById('u-unsaved', run.id))?.state).toBe('running');
    const settled = await waitForStatus(store, 'u-unsaved', begin.conversation.id, 'interrupted');
    expect(settled).toMatchObject({ content: 'Whole answer' });
  });

  it('settles the runs of an owner that stopped renewing, exactly once, with the text so far', async () => {
    const { a, b, store } = await pair({ leaseMs: 300, renewEveryMs: 100 });
    const begin = await store.beginTurn('placeholder', {
      conversationId: randomUUID(),
      projectId: 'shop',
      userMessage: { id: randomUUID(), content: 'q' },
      assistantMessage: { id: randomUUID(), model: 'm' },
      idempotencyKey: randomUUID(),
      now: new Date(),
    });
    if (begin.kind !== 'started') throw new Error(begin.kind);
    const record = recordOf(a, {
      userId: 'placeholder',
      conversationId: begin.conversation.id,
      messageId: begin.assistantMessage.id,
    });
    await claim(a, record);
    a.publish(record, [token('Partial', 7)]);
    const followed = collect(b.follow(record, undefined, new AbortController().signal));
    // The owner dies: it stops renewing (closed), and its lease runs out.
    await a.close();
    const entries = await followed;
    const last = entries.at(-1)?.event;
    expect(last?.type === 'error' && last.error.code).toBe('GENERATION_INTERRUPTED');
    expect(entries.at(-1)?.seq).toBe(9);
    const page = await store.listMessages('placeholder', begin.conversation.id, { limit: 5 });
    expect(page?.items[1]).toMatchObject({ status: 'interrupted', content: 'Partial' });
    expect(await b.findActiveByConversation('placeholder', begin.conversation.id)).toBeUndefined();
    expect((await b.findById('placeholder', record.id))?.state).toBe('ended');
  });

  it("settles a dead owner's Continue with the answer's text before it and what it added", async () => {
    const { a, b, store } = await pair({ leaseMs: 300, renewEveryMs: 100 });
    const user = `user-${randomUUID()}`;
    const begin = await store.beginTurn(user, {
      conversationId: randomUUID(),
      projectId: 'shop',
      userMessage: { id: randomUUID(), content: 'q' },
      assistantMessage: { id: randomUUID(), model: 'm' },
      idempotencyKey: randomUUID(),
      now: new Date(),
    });
    if (begin.kind !== 'started') throw new Error(begin.kind);
    const answerId = begin.assistantMessage.id;
    await store.finishTurn(user, answerId, {
      content: 'Books have',
      status: 'stopped',
      finishReason: 'stopped',
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    });
    await store.beginAnswerTurn(user, {
      action: 'continue',
      conversationId: begin.conversation.id,
      projectId: 'shop',
      targetMessageId: answerId,
      turnId: randomUUID(),
      model: 'm',
      idempotencyKey: randomUUID(),
      now: new Date(),
    });
    const record = recordOf(a, {
      userId: user,
      conversationId: begin.conversation.id,
      messageId: answerId,
      question: '',
      action: { kind: 'continue', targetId: answerId },
    });
    await claim(a, record);
    // " authors" after the 10 characters the answer had: offset 18, seq 19.
    a.publish(record, [token(' authors', 18)]);
    const followed = collect(b.follow(record, undefined, new AbortController().signal));
    await a.close();
    const entries = await followed;

    expect(entries.at(-1)?.seq).toBe(20);
    expect(await store.getMessage(user, answerId)).toMatchObject({
      status: 'interrupted',
      content: 'Books have authors',
    });
  });
});
