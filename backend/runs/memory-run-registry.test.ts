import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ChatRun } from './chat-run.js';
import { MemoryRunRegistry } from './memory-run-registry.js';

let next = 0;
const makeRun = (userId: string, key: string, conversationId = `c${next}`) =>
  new ChatRun({
    id: `run${next++}`,
    userId,
    idempotencyKey: key,
    projectId: 'p',
    conversationId,
    messageId: `m${next}`,
    createdAt: new Date().toISOString(),
    question: 'q',
    transport: 'sse',
    disconnectGraceMs: 1000,
    flushMs: 0,
    flushTokens: 1,
  });
const finish = (run: ChatRun) => {
  run.start();
  run.end({ type: 'error', error: { code: 'UPSTREAM_ERROR', message: 'x', retryable: false } });
};

describe('MemoryRunRegistry', () => {
  it('gives concurrent claims of one key the same run', async () => {
    const registry = new MemoryRunRegistry();
    let created = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        registry.claim('alice', 'k1', 5, () => {
          created++;
          return makeRun('alice', 'k1');
        }),
      ),
    );
    expect(created).toBe(1);
    const runs = new Set(results.map((r) => (r.kind === 'limit' ? undefined : r.run)));
    expect(runs.size).toBe(1);
  });

  it('scopes keys by user', async () => {
    const registry = new MemoryRunRegistry();
    const a = await registry.claim('alice', 'k', 5, () => makeRun('alice', 'k'));
    const b = await registry.claim('bob', 'k', 5, () => makeRun('bob', 'k'));
    expect(a.kind).toBe('created');
    expect(b.kind).toBe('created');
    expect(await registry.findById('bob', (a as { run: ChatRun }).run.id)).toBeUndefined();
  });

  it('enforces the concurrent cap and frees a slot exactly once when a run ends', async () => {
    const registry = new MemoryRunRegistry();
    const first = await registry.claim('alice', 'a', 2, () => makeRun('alice', 'a'));
    await registry.claim('alice', 'b', 2, () => makeRun('alice', 'b'));
    expect((await registry.claim('alice', 'c', 2, () => makeRun('alice', 'c'))).kind).toBe('limit');
    const run = (first as { run: ChatRun }).run;
    finish(run);
    finish(run);
    expect(await registry.activeCount('alice')).toBe(1);
    expect((await registry.claim('alice', 'c', 2, () => makeRun('alice', 'c'))).kind).toBe(
      'created',
    );
    expect(await registry.activeCount('alice')).toBe(2);
  });

  it('finds the active run of a conversation only while it runs', async () => {
    const registry = new MemoryRunRegistry();
    const claim = await registry.claim('alice', 'k', 5, () => makeRun('alice', 'k', 'conv-1'));
    const run = (claim as { run: ChatRun }).run;
    expect(await registry.findActiveByConversation('alice', 'conv-1')).toBe(run);
    expect(await registry.findActiveByConversation('bob', 'conv-1')).toBeUndefined();
    finish(run);
    expect(await registry.findActiveByConversation('alice', 'conv-1')).toBeUndefined();
    expect(await registry.findByKey('alice', 'k')).toBe(run);
  });

  it('forgets finished runs after the replay TTL, and failed-before-start runs at once', async () => {
    const registry = new MemoryRunRegistry({ replayTtlMs: 20 });
    const done = (await registry.claim('alice', 'done', 5, () => makeRun('alice', 'done'))) as {
      run: ChatRun;
    };
    const failed = (await registry.claim('alice', 'failed', 5, () =>
      makeRun('alice', 'failed'),
    )) as {
      run: ChatRun;
    };
    finish(done.run);
    failed.run.fail(new (await import('../errors.js')).ChatError('PROJECT_NOT_FOUND', 'no'));
    expect(await registry.findByKey('alice', 'failed')).toBeUndefined();
    expect(await registry.findByKey('alice', 'done')).toBe(done.run);
    await sleep(50);
    expect(await registry.findByKey('alice', 'done')).toBeUndefined();
    expect(registry.list()).toHaveLength(0);
  });
});
