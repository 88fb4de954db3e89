// The RunRegistry plug point: which generations are in flight (and recently finished) for whom,
// as plain data that any instance can read — shaped like express-rate-limit's `Store`, so a
// shared implementation (Redis) can stand behind it. The live `ChatRun` objects of this process
// are held apart, in `LiveRuns`; the registry only ever sees records.
//
// The default, MemoryRunRegistry, serves one process. RedisRunRegistry (entry
// `schema-chat/redis`) serves several: it also relays the events of a run to the other instances
// (`relay`), carries stops to the owner, and settles the runs of an owner that died.

import type { ChatEvent, ErrorDetail, TerminalEvent } from '../../sdk/protocol.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { AnswerAction, ChatStore } from '../stores/chat-store.js';

/** What names a run: the same for its record, its live `ChatRun` and a follower elsewhere. */
export interface RunIdentity {
  /** Short id, the first half of every event id (`<runId>:<seq>`). */
  id: string;
  userId: string;
  idempotencyKey: string;
  projectId: string;
  conversationId: string;
  /** The assistant message the run writes (its id also derives the run id). */
  messageId: string;
  /** ISO 8601 time the turn was saved. */
  createdAt: string;
  /**
   * The question, so a retry with the same key but another question is refused (`''` for a
   * Regenerate or Continue, which `action` names instead).
   */
  question: string;
  /** A Regenerate or Continue: which, and of which answer (what a retry must name again). */
  action?: { kind: AnswerAction; targetId: string };
  /** How the first request arrived. */
  transport: 'sse' | 'rest';
}

/** A run as every instance sees it. */
export interface RunRecord extends RunIdentity {
  /** The instance generating it (`RunRegistry.instanceId` there). */
  ownerId: string;
  /** `running` until its terminal event, then `ended` (kept for the replay TTL). */
  state: 'running' | 'ended';
}

/** One claim: the run to register and the limits it must fit in. */
export interface ClaimInput {
  record: RunRecord;
  /** Most runs of the user generating at once (`limits.maxConcurrentStreams`). */
  maxActive: number;
  /** Most new runs of the user in any 60 s (`limits.streamsPerMinute`). */
  turnsPerMinute: number;
  /** `Date.now()` of the claim. */
  now: number;
}

/** The window of the per-minute turn budget (`limits.streamsPerMinute`), ms. */
export const BUDGET_WINDOW_MS = 60_000;

/** The per-minute budget after a claim, for the `RateLimit` headers. */
export interface TurnBudget {
  limit: number;
  /** New turns left in the window. */
  remaining: number;
  /** Seconds until the oldest turn of the window leaves it (0 when the window is empty). */
  resetSeconds: number;
}

/** Outcome of {@link RunRegistry.claim}. */
export type ClaimResult =
  /** The key was free and the user within both limits: the record is registered. */
  | { kind: 'created'; budget: TurnBudget }
  /** A run with this key exists (running, or ended within the replay TTL): attach to it. */
  | { kind: 'existing'; record: RunRecord }
  /** The user already has `maxActive` runs generating: nothing was registered. */
  | { kind: 'limit'; active: number }
  /** The user started `turnsPerMinute` runs in the last minute: nothing was registered. */
  | { kind: 'rate-limited'; budget: TurnBudget };

/**
 * The budget as a claim leaves it: `used` turns of `limit` in the window, the oldest claimed at
 * `oldestAt` (ms) — a turn is free again when it leaves the window.
 */
export function budgetOf(
  limit: number,
  used: number,
  oldestAt: number | undefined,
  now: number,
): TurnBudget {
  return {
    limit,
    remaining: Math.max(0, limit - used),
    resetSeconds:
      oldestAt === undefined
        ? 0
        : Math.max(1, Math.ceil((oldestAt + BUDGET_WINDOW_MS - now) / 1000)),
  };
}

/** Why a run of this instance must stop: someone asked, or its lease was lost to a reaper. */
export type StopReason = 'stop' | 'lease-lost';

/** What the router hands its registry at setup ({@link RunRegistry.start}). */
export interface RegistryStart {
  store: ChatStore;
  logger: ChatLogger;
  /** How long an ended run stays findable (`timeouts.replayTtlMs`), ms. */
  replayTtlMs: number;
}

/** How a run ended, for {@link RunRegistry.finish}. */
export type RunEnd =
  /** It streamed and ended with this terminal event: replayable for the TTL. */
  | { kind: 'ended'; terminal: TerminalEvent }
  /**
   * It streamed and ended, but its final save failed (storage down): a shared registry leaves its
   * lease to run out, so that whichever instance reaps it saves what it can once storage is back.
   */
  | { kind: 'unsaved'; terminal: TerminalEvent }
  /**
   * It failed before streaming (409, 404, storage…): nothing to replay, the key is free at once
   * and the run does not count against the per-minute budget (only turns that start count).
   */
  | { kind: 'failed' };

/** One event of a run with its seq (see event-id.ts), as the relay carries it. */
export interface RunEntry {
  seq: number;
  event: ChatEvent;
}

/**
 * The distributed half of a registry: what lets a request on one instance follow, stop and keep
 * alive a run generated on another. A single-process registry has none.
 */
export interface RunRelay {
  /**
   * The owner adds a flush of events. Never awaited by the generation (a slow relay must not slow
   * the model loop); appends are idempotent by seq.
   */
  publish(record: RunRecord, entries: readonly RunEntry[]): void;
  /** The owner's run failed before streaming: followers answer with this error's HTTP status. */
  publishFailure(record: RunRecord, error: ErrorDetail & { status: number }): void;
  /**
   * Every entry after `afterSeq` (all of them when undefined), replayed and then live, up to and
   * including the terminal one; ends early when `signal` aborts. While it is being read it counts
   * as a follower of the run (see `followerCount`). Throws a `ChatError`: the run's own failure
   * when it failed before streaming, `RESUME_UNAVAILABLE` when its events are gone.
   */
  follow(
    record: RunRecord,
    afterSeq: number | undefined,
    signal: AbortSignal,
  ): AsyncIterable<RunEntry>;
  /** Asks the owner, wherever it is, to stop the run. */
  requestStop(record: RunRecord): Promise<void>;
  /**
   * Calls `listener` with the id of each run of this instance that must stop: asked to
   * (`stop`), or whose lease a peer's reaper took because this instance stalled (`lease-lost`).
   */
  onStopRequested(listener: (runId: string, reason: StopReason) => void): () => void;
  /** How many clients follow the run from any instance (through `follow`). */
  followerCount(record: RunRecord): Promise<number>;
}

/**
 * Index of runs by user and idempotency key, id and conversation. `claim` is atomic per user: two
 * concurrent requests with the same key get one run, never two generations, and the concurrent
 * cap and per-minute budget hold exactly however many requests race.
 */
export interface RunRegistry {
  /** This instance's id: the `ownerId` of the runs it generates. */
  readonly instanceId: string;
  /** Registers `input.record` unless its key is taken or a limit is reached. */
  claim(input: ClaimInput): Promise<ClaimResult>;
  /** The user's run for this idempotency key (running, or ended within the replay TTL). */
  findByKey(userId: string, key: string): Promise<RunRecord | undefined>;
  /** The user's run with this id (running, or ended within the replay TTL). */
  findById(userId: string, runId: string): Promise<RunRecord | undefined>;
  /** The user's run still generating in this conversation. */
  findActiveByConversation(userId: string, conversationId: string): Promise<RunRecord | undefined>;
  /** The owner reports the end of its run: its place under the cap is free. */
  finish(record: RunRecord, end: RunEnd): Promise<void>;
  /**
   * Called once by the router at setup, before it serves: settles the answers that runs of dead
   * owners left `streaming` in `store` — those only — and returns how many. A shared registry
   * also starts here what keeps settling them later (owner leases, a reaper).
   */
  start(context: RegistryStart): Promise<number>;
  /** Shared registries only: follow, stop and keep alive runs of other instances. */
  readonly relay?: RunRelay;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
