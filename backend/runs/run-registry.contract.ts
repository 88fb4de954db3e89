// The RunRegistry contract: the vitest suite every RunRegistry runs to prove it correct (the
// in-memory one here, RedisRunRegistry against a real Redis). Writing your own registry? Run it:
//
//   describeRunRegistryContract('MyRegistry', async ({ replayTtlMs }) => ({
//     registry: new MyRegistry({ replayTtlMs }),
//   }));
//
// Rules it pins down beyond the types (the JSDoc of `RunRegistry` is the specification):
// - one key of one user names one run, however many claims race; keys are scoped by user;
// - the concurrent cap counts the user's runs that have not finished; `finish` frees a place
//   exactly once;
// - the per-minute budget counts claims that created a run in the last 60 s (by the claim's
//   `now`); refused claims (cap, budget, existing key) never count, and a run that `finish`es as
//   `failed` gives its turn back;
// - an ended run stays findable by key and id (not by conversation) for the replay TTL; a failed
//   one is forgotten at once.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalEvent } from '../../sdk/protocol.js';
import type { RunRecord, RunRegistry } from './run-registry.js';

/** What the factory of {@link describeRunRegistryContract} returns for each test. */
export interface RunRegistryContractFixture {
  registry: RunRegistry;
  /** Runs after `close()`. Defaults to nothing. */
  cleanup?: () => Promise<void>;
}

const T0 = Date.parse('2026-01-01T09:00:00.000Z');
const TERMINAL: TerminalEvent = {
  type: 'error',
  error: { code: 'UPSTREAM_ERROR', message: 'x', retryable: false },
};

/** Runs the contract suite against registries made by `create` (one per test). */
export function describeRunRegistryContract(
  name: string,
  create: (options: { replayTtlMs: number }) => Promise<RunRegistryContractFixture>,
): void {
  describe(`${name} (RunRegistry contract)`, () => {
    let fixtures: RunRegistryContractFixture[] = [];
    const open = async (replayTtlMs = 60_000) => {
      const fixture = await create({ replayTtlMs });
      fixtures.push(fixture);
      return fixture.registry;
    };
    afterEach(async () => {
      for (const fixture of fixtures) {
        await fixture.registry.close();
        await fixture.cleanup?.();
      }
      fixtures = [];
    });

    const record = (registry: RunRegistry, patch: Partial<RunRecord> = {}): RunRecord => ({
      id: randomUUID().slice(0, 11),
      userId: `alice-${randomUUID()}`,
      idempotencyKey: randomUUID(),
      projectId: 'shop',
      conversationId: randomUUID(),
      messageId: randomUUID(),
      createdAt: new Date(T0).toISOString(),
      question: 'Which tables are there?',
      transport: 'sse',
      ownerId: registry.instanceId,
      state: 'running',
      ...patch,
    });
    const claim = (
      registry: RunRegistry,
      run: RunRecord,
      limits: Partial<{ maxActive: number; turnsPerMinute: number; now: number }> = {},
    ) => registry.claim({ record: run, maxActive: 5, turnsPerMinute: 100, now: T0, ...limits });

    it('gives concurrent claims of one key one run', async () => {
      const registry = await open();
      const first = record(registry);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          claim(
            registry,
            i === 0
              ? first
              : { ...record(registry), userId: first.userId, idempotencyKey: first.idempotencyKey },
          ),
        ),
      );
      expect(results.filter((result) => result.kind === 'created')).toHaveLength(1);
      const ids = new Set(
        results.map((result) => (result.kind === 'existing' ? result.record.id : 'created')),
      );
      expect(ids.size).toBe(2); // the created one, and every other claim naming that same run
      const winner = await registry.findByKey(first.userId, first.idempotencyKey);
      expect(ids).toContain(winner?.id);
    });

    it('scopes keys and ids by user', async () => {
      const registry = await open();
      const alice = record(registry);
      const bob = record(registry, {
        userId: `bob-${randomUUID()}`,
        idempotencyKey: alice.idempotencyKey,
      });
      expect((await claim(registry, alice)).kind).toBe('created');
      expect((await claim(registry, bob)).kind).toBe('created');
      expect(await registry.findById(bob.userId, alice.id)).toBeUndefined();
      expect((await registry.findById(alice.userId, alice.id))?.id).toBe(alice.id);
      expect((await registry.findByKey(bob.userId, alice.idempotencyKey))?.id).toBe(bob.id);
    });

    it('enforces the concurrent cap and frees a place exactly once when a run finishes', async () => {
      const registry = await open();
      const userId = `alice-${randomUUID()}`;
      const a = record(registry, { userId });
      expect((await claim(registry, a, { maxActive: 2 })).kind).toBe('created');
      expect((await claim(registry, record(registry, { userId }), { maxActive: 2 })).kind).toBe(
        'created',
      );
      const third = await claim(registry, record(registry, { userId }), { maxActive: 2 });
      expect(third).toEqual({ kind: 'limit', active: 2 });
      await registry.finish(a, { kind: 'ended', terminal: TERMINAL });
      await registry.finish(a, { kind: 'ended', terminal: TERMINAL });
      expect((await claim(registry, record(registry, { userId }), { maxActive: 2 })).kind).toBe(
        'created',
      );
      expect((await claim(registry, record(registry, { userId }), { maxActive: 2 })).kind).toBe(
        'limit',
      );
    });

    it('allows exactly turnsPerMinute new runs in 60 s, counting only claims that created one', async () => {
      const registry = await open();
      const userId = `alice-${randomUUID()}`;
      const running: RunRecord[] = [];
      for (let i = 0; i < 2; i++) {
        const run = record(registry, { userId });
        const result = await claim(registry, run, { maxActive: 2, turnsPerMinute: 3, now: T0 + i });
        expect(result).toMatchObject({ kind: 'created', budget: { limit: 3, remaining: 2 - i } });
        running.push(run);
      }
      // Refused by the cap, seven times: none of these count.
      for (let i = 0; i < 7; i++) {
        expect(
          (
            await claim(registry, record(registry, { userId }), {
              maxActive: 2,
              turnsPerMinute: 3,
              now: T0 + 10,
            })
          ).kind,
        ).toBe('limit');
      }
      for (const run of running) await registry.finish(run, { kind: 'ended', terminal: TERMINAL });
      const third = await claim(registry, record(registry, { userId }), {
        maxActive: 2,
        turnsPerMinute: 3,
        now: T0 + 20,
      });
      expect(third).toMatchObject({ kind: 'created', budget: { remaining: 0 } });
      const fourth = await claim(registry, record(registry, { userId }), {
        maxActive: 5,
        turnsPerMinute: 3,
        now: T0 + 30_000,
      });
      expect(fourth).toEqual({
        kind: 'rate-limited',
        budget: { limit: 3, remaining: 0, resetSeconds: 30 },
      });
      // The first claim leaves the window 60 s after it was made.
      const later = await claim(registry, record(registry, { userId }), {
        maxActive: 5,
        turnsPerMinute: 3,
        now: T0 + 60_000,
      });
      expect(later.kind).toBe('created');
    });

    it('gives the turn back when a run finishes as failed before streaming', async () => {
      const registry = await open();
      const userId = `alice-${randomUUID()}`;
      const failed = record(registry, { userId });
      expect((await claim(registry, failed, { turnsPerMinute: 1 })).kind).toBe('created');
      await registry.finish(failed, { kind: 'failed' });
      expect(
        (await claim(registry, record(registry, { userId }), { turnsPerMinute: 1 })).kind,
      ).toBe('created');
      expect(
        (await claim(registry, record(registry, { userId }), { turnsPerMinute: 1 })).kind,
      ).toBe('rate-limited');
    });

    it('does not count a claim of an existing key against the budget', async () => {
      const registry = await open();
      const run = record(registry);
      expect((await claim(registry, run, { turnsPerMinute: 1 })).kind).toBe('created');
      const again = await claim(
        registry,
        { ...record(registry), userId: run.userId, idempotencyKey: run.idempotencyKey },
        { turnsPerMinute: 1 },
      );
      expect(again).toMatchObject({ kind: 'existing', record: { id: run.id } });
    });

    it('finds the active run of a conversation only while it runs', async () => {
      const registry = await open();
      const run = record(registry);
      await claim(registry, run);
      expect((await registry.findActiveByConversation(run.userId, run.conversationId))?.id).toBe(
        run.id,
      );
      expect(
        await registry.findActiveByConversation('someone-else', run.conversationId),
      ).toBeUndefined();
      await registry.finish(run, { kind: 'ended', terminal: TERMINAL });
      expect(
        await registry.findActiveByConversation(run.userId, run.conversationId),
      ).toBeUndefined();
      expect(await registry.findByKey(run.userId, run.idempotencyKey)).toMatchObject({
        id: run.id,
        state: 'ended',
      });
    });

    it('keeps naming the running run of a conversation when a second turn there fails to start', async () => {
      const registry = await open();
      const first = record(registry);
      await claim(registry, first);
      // A second question in the same conversation (a double submit) is claimed, then refused
      // by the store as busy.
      const second = record(registry, {
        userId: first.userId,
        conversationId: first.conversationId,
      });
      expect((await claim(registry, second)).kind).toBe('created');
      await registry.finish(second, { kind: 'failed' });
      expect(
        (await registry.findActiveByConversation(first.userId, first.conversationId))?.id,
      ).toBe(first.id);
    });

    it('forgets ended runs after the replay TTL, and failed ones at once', async () => {
      const registry = await open(200);
      const done = record(registry);
      const failed = record(registry);
      await claim(registry, done);
      await claim(registry, failed);
      await registry.finish(done, { kind: 'ended', terminal: TERMINAL });
      await registry.finish(failed, { kind: 'failed' });
      expect(await registry.findByKey(failed.userId, failed.idempotencyKey)).toBeUndefined();
      expect(await registry.findById(failed.userId, failed.id)).toBeUndefined();
      expect((await registry.findByKey(done.userId, done.idempotencyKey))?.id).toBe(done.id);
      await sleep(600);
      expect(await registry.findByKey(done.userId, done.idempotencyKey)).toBeUndefined();
      expect(await registry.findById(done.userId, done.id)).toBeUndefined();
    });
  });
}
