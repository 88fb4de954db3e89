// The default RunRegistry: runs of this process, indexed in memory. Finished runs stay for the
// replay TTL so a late resume or retry still finds them, then the store takes over.

import { DEFAULT_TIMEOUTS } from '../config/resolve-chat-router-config.js';
import type { ChatRun } from './chat-run.js';
import type { ClaimResult, RunRegistry } from './run-registry.js';

/** Options of {@link MemoryRunRegistry}. */
export interface MemoryRunRegistryOptions {
  /** How long a finished run stays findable, ms. Defaults to `timeouts.replayTtlMs`'s default (5 minutes). */
  replayTtlMs?: number;
}

/** In-memory {@link RunRegistry} for a single server instance. */
export class MemoryRunRegistry implements RunRegistry {
  readonly #ttlMs: number;
  readonly #byKey = new Map<string, ChatRun>();
  readonly #byId = new Map<string, ChatRun>();
  readonly #active = new Map<string, Set<ChatRun>>();

  constructor(options: MemoryRunRegistryOptions = {}) {
    this.#ttlMs = options.replayTtlMs ?? DEFAULT_TIMEOUTS.replayTtlMs;
  }

  async claim(
    userId: string,
    key: string,
    maxActive: number,
    create: () => ChatRun,
  ): Promise<ClaimResult> {
    // No await before the maps are updated: check-and-register is atomic on the event loop.
    const existing = this.#byKey.get(keyOf(userId, key));
    if (existing) return { kind: 'existing', run: existing };
    const active = this.#active.get(userId)?.size ?? 0;
    if (active >= maxActive) return { kind: 'limit', active };
    const run = create();
    this.#register(run);
    return { kind: 'created', run };
  }

  async findByKey(userId: string, key: string): Promise<ChatRun | undefined> {
    return this.#byKey.get(keyOf(userId, key));
  }

  async findById(userId: string, runId: string): Promise<ChatRun | undefined> {
    const run = this.#byId.get(runId);
    return run?.userId === userId ? run : undefined;
  }

  async findActiveByConversation(
    userId: string,
    conversationId: string,
  ): Promise<ChatRun | undefined> {
    for (const run of this.#active.get(userId) ?? []) {
      if (run.conversationId === conversationId) return run;
    }
    return undefined;
  }

  async activeCount(userId: string): Promise<number> {
    return this.#active.get(userId)?.size ?? 0;
  }

  list(): ChatRun[] {
    return [...this.#byId.values()];
  }

  #register(run: ChatRun): void {
    const key = keyOf(run.userId, run.idempotencyKey);
    this.#byKey.set(key, run);
    this.#byId.set(run.id, run);
    let active = this.#active.get(run.userId);
    if (!active) {
      active = new Set();
      this.#active.set(run.userId, active);
    }
    active.add(run);
    run.onEnd(() => {
      // Released exactly once per run, whatever ended it (complete, stop, error, grace, shutdown).
      const set = this.#active.get(run.userId);
      set?.delete(run);
      if (set?.size === 0) this.#active.delete(run.userId);
      const evict = () => {
        if (this.#byKey.get(key) === run) this.#byKey.delete(key);
        if (this.#byId.get(run.id) === run) this.#byId.delete(run.id);
      };
      // A run that failed before streaming has nothing to replay; its key is free at once.
      if (run.failure) evict();
      else setTimeout(evict, this.#ttlMs).unref();
    });
  }
}

function keyOf(userId: string, key: string): string {
  return `${userId}\u0000${key}`;
}
