// The default RunRegistry: the runs of this one process, indexed in memory. Finished runs stay
// findable for the replay TTL so a late resume or retry still finds them; then the store answers.

import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMEOUTS } from '../config/resolve-chat-router-config.js';
import type {
  ClaimInput,
  ClaimResult,
  RegistryStart,
  RunEnd,
  RunRecord,
  RunRegistry,
} from './run-registry.js';
import { BUDGET_WINDOW_MS, budgetOf } from './run-registry.js';

/** What the registry keeps per user. */
interface UserRuns {
  /** Runs generating now. */
  active: Set<RunRecord>;
  /** Claim times of the last minute, oldest first, with the run that claimed each. */
  claims: Array<{ at: number; runId: string }>;
}

/**
 * In-memory {@link RunRegistry} for a single server process. Claims are atomic because nothing
 * awaits between the check and the registration.
 */
export class MemoryRunRegistry implements RunRegistry {
  readonly instanceId = `memory-${randomUUID()}`;
  /** The router's `timeouts.replayTtlMs`, from {@link MemoryRunRegistry.start}. */
  #ttlMs: number = DEFAULT_TIMEOUTS.replayTtlMs;
  readonly #byKey = new Map<string, RunRecord>();
  readonly #byId = new Map<string, RunRecord>();
  readonly #users = new Map<string, UserRuns>();

  async claim(input: ClaimInput): Promise<ClaimResult> {
    const { record, maxActive, turnsPerMinute, now } = input;
    const existing = this.#byKey.get(keyOf(record.userId, record.idempotencyKey));
    if (existing) return { kind: 'existing', record: existing };
    const user = this.#user(record.userId);
    if (user.active.size >= maxActive) return { kind: 'limit', active: user.active.size };
    while (user.claims.length > 0 && (user.claims[0]?.at ?? 0) <= now - BUDGET_WINDOW_MS) {
      user.claims.shift();
    }
    if (user.claims.length >= turnsPerMinute) {
      return {
        kind: 'rate-limited',
        budget: budgetOf(turnsPerMinute, user.claims.length, user.claims[0]?.at, now),
      };
    }
    user.claims.push({ at: now, runId: record.id });
    user.active.add(record);
    this.#byKey.set(keyOf(record.userId, record.idempotencyKey), record);
    this.#byId.set(record.id, record);
    return {
      kind: 'created',
      budget: budgetOf(turnsPerMinute, user.claims.length, user.claims[0]?.at, now),
    };
  }

  async findByKey(userId: string, key: string): Promise<RunRecord | undefined> {
    return this.#byKey.get(keyOf(userId, key));
  }

  async findById(userId: string, runId: string): Promise<RunRecord | undefined> {
    const record = this.#byId.get(runId);
    return record?.userId === userId ? record : undefined;
  }

  async findActiveByConversation(
    userId: string,
    conversationId: string,
  ): Promise<RunRecord | undefined> {
    for (const record of this.#users.get(userId)?.active ?? []) {
      if (record.conversationId === conversationId) return record;
    }
    return undefined;
  }

  async finish(record: RunRecord, end: RunEnd): Promise<void> {
    const user = this.#users.get(record.userId);
    // Released exactly once per run, whatever ended it (complete, stop, error, grace, shutdown).
    if (!user?.active.delete(record)) return;
    record.state = 'ended';
    const key = keyOf(record.userId, record.idempotencyKey);
    const evict = () => {
      if (this.#byKey.get(key) === record) this.#byKey.delete(key);
      if (this.#byId.get(record.id) === record) this.#byId.delete(record.id);
      // Claims older than the window no longer count; a user with nothing left is forgotten.
      const since = Date.now() - BUDGET_WINDOW_MS;
      user.claims = user.claims.filter((claim) => claim.at > since);
      if (user.active.size === 0 && user.claims.length === 0) this.#users.delete(record.userId);
    };
    if (end.kind === 'failed') {
      // Nothing to replay, and only turns that start count against the budget.
      const index = user.claims.findIndex((claim) => claim.runId === record.id);
      if (index >= 0) user.claims.splice(index, 1);
      evict();
    } else {
      setTimeout(evict, this.#ttlMs).unref();
    }
  }

  /**
   * One process owns every run of its store, so whatever a previous process left `streaming` is
   * dead: all of it is settled. Running several instances on one store needs a shared registry.
   */
  async start(context: RegistryStart): Promise<number> {
    this.#ttlMs = context.replayTtlMs;
    return context.store.recoverInterrupted();
  }

  async close(): Promise<void> {}

  #user(userId: string): UserRuns {
    let user = this.#users.get(userId);
    if (!user) {
      user = { active: new Set(), claims: [] };
      this.#users.set(userId, user);
    }
    return user;
  }
}

function keyOf(userId: string, key: string): string {
  return `${userId}\u0000${key}`;
}
