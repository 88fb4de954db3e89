// The RunRegistry plug point: in-flight (and recently finished) generations, found by the
// caller's idempotency key, run id or conversation. The default keeps them in memory; a
// multi-instance deployment can keep the index in Redis and relay events between instances.

import type { ChatRun } from './chat-run.js';

/** Outcome of {@link RunRegistry.claim}. */
export type ClaimResult =
  /** No run had this key: `create()` ran and its run is registered. */
  | { kind: 'created'; run: ChatRun }
  /** A run with this key exists (running or finished within the replay TTL): attach to it. */
  | { kind: 'existing'; run: ChatRun }
  /** The user already has `maxActive` generations running: nothing was registered. */
  | { kind: 'limit'; active: number };

/**
 * Index of runs. `claim` is atomic per user and key: two concurrent requests with the same
 * `Idempotency-Key` get the same run, never two generations.
 */
export interface RunRegistry {
  /** Returns the user's run for `key`, or registers `create()` when the user is under `maxActive`. */
  claim(
    userId: string,
    key: string,
    maxActive: number,
    create: () => ChatRun,
  ): Promise<ClaimResult>;
  /** The user's run for this idempotency key (live or within the replay TTL). */
  findByKey(userId: string, key: string): Promise<ChatRun | undefined>;
  /** The user's run with this id (live or within the replay TTL). */
  findById(userId: string, runId: string): Promise<ChatRun | undefined>;
  /** The user's run still generating in this conversation. */
  findActiveByConversation(userId: string, conversationId: string): Promise<ChatRun | undefined>;
  /** How many of the user's runs are generating. */
  activeCount(userId: string): Promise<number>;
  /** Every run this instance holds (for shutdown). */
  list(): ChatRun[];
}
