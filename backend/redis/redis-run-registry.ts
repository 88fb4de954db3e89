// RunRegistry for several instances on one Redis (ioredis): claims with the idempotency key, the
// concurrent cap and the per-minute budget in one script per user; the events of every run in a
// Redis Stream that any instance replays and tails (pub/sub for the live part); stops carried to
// the owner; owner leases, and a reaper on every instance that settles, exactly once, the runs of
// an owner that died. The shape follows LibreChat's Redis job store and vercel/resumable-stream.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ErrorDetail } from '../../sdk/protocol.js';
import { DEFAULT_TIMEOUTS } from '../config/resolve-chat-router-config.js';
import { ChatError, fromErrorDetail } from '../errors.js';
import { type ChatLogger, silentLogger } from '../logging/chat-logger.js';
import { terminalSeq, textOffsetAfter } from '../runs/event-id.js';
import type {
  ClaimInput,
  ClaimResult,
  RegistryStart,
  RunEnd,
  RunEntry,
  RunRecord,
  RunRegistry,
  RunRelay,
  StopReason,
} from '../runs/run-registry.js';
import { BUDGET_WINDOW_MS, budgetOf } from '../runs/run-registry.js';
import type { ChatStore } from '../stores/chat-store.js';
import { checkOptionKeys } from '../stores/check-option-keys.js';
import { entryIdOf, RedisRunKeys, type RunKeys, seqOfEntryId } from './redis-run-keys.js';
import {
  CLAIM_SCRIPT,
  FIND_BY_KEY_SCRIPT,
  FINISH_SCRIPT,
  RESTORE_SCRIPT,
  TAKE_EXPIRED_SCRIPT,
} from './redis-run-scripts.js';

/** Options of {@link RedisRunRegistry}. */
export interface RedisRunRegistryOptions {
  /**
   * A connected ioredis client, shared with the rest of the app if you like. The registry
   * duplicates it once for its pub/sub subscriptions and never closes it. Required.
   */
  redis: Redis;
  /** Put before every key and channel. Defaults to `schema-chat:`. */
  keyPrefix?: string;
  /** How long an owner's lease lasts without renewal, ms: a dead owner's runs are settled after it. Defaults to 6000. */
  leaseMs?: number;
  /** How often an owner renews its leases (and reads stop flags), ms. Defaults to 2000. */
  renewEveryMs?: number;
  /** How often the reaper looks for runs whose lease ran out, ms. Defaults to 1000. */
  reapEveryMs?: number;
  /** This instance's id. Defaults to a random one per process. */
  instanceId?: string;
}

/** Defaults of the numeric options. */
const DEFAULTS = { leaseMs: 6000, renewEveryMs: 2000, reapEveryMs: 1000 } as const;
/** Keys of a run live at most this long (a run longer than a day is long dead). */
const SAFETY_TTL_MS = 24 * 60 * 60 * 1000;
/** A run that failed before streaming is kept this long, so followers learn why. */
const FAILURE_TTL_MS = 10_000;
/** A follower that stops renewing (its instance died) stops counting after this long. */
const FOLLOWER_TTL_MS = 10_000;
/**
 * How long the events of running answers gather before they go to Redis in one pipeline: a
 * pipeline (its commands, promises and replies) costs the owner more than the commands in it,
 * and followers on other instances see each event at most this much later.
 */
const OUTBOX_MS = 10;
/** A follower with no live message reads the stream again after this long. */
const FOLLOW_POLL_MS = 1000;

const KNOWN_OPTIONS = [
  'redis',
  'keyPrefix',
  'leaseMs',
  'renewEveryMs',
  'reapEveryMs',
  'instanceId',
];

/**
 * The shared {@link RunRegistry}: give every instance one over the same Redis, with a shared
 * `ChatStore` (PostgresChatStore), and a request may land on any instance.
 *
 * @example
 * const redis = new Redis(process.env.SCHEMA_CHAT_REDIS_URL);
 * createChatRouter({ runs: new RedisRunRegistry({ redis }), store: new PostgresChatStore({ … }), … });
 */
export class RedisRunRegistry implements RunRegistry, RunRelay {
  readonly instanceId: string;
  readonly relay: RunRelay = this;
  readonly #redis: Redis;
  readonly #keys: RedisRunKeys;
  /** The router's `timeouts.replayTtlMs`, from {@link RedisRunRegistry.start}. */
  #replayTtlMs: number = DEFAULT_TIMEOUTS.replayTtlMs;
  readonly #leaseMs: number;
  readonly #renewEveryMs: number;
  readonly #reapEveryMs: number;
  /** The runs this instance generates, for lease renewal. */
  readonly #owned = new Map<string, RunRecord>();
  readonly #stopListeners = new Set<(runId: string, reason: StopReason) => void>();
  #stopsHeard = false;
  readonly #channels = new Map<string, ChannelEntry>();
  /** Flushes waiting for this event-loop turn's pipeline. */
  readonly #recordKeys = new WeakMap<RunRecord, RunKeys>();
  #outbox: Array<{ keys: RunKeys; seq: number; data: string; runId: string }> = [];
  #subscriber: Redis | undefined;
  #store: ChatStore | undefined;
  #logger: ChatLogger = silentLogger;
  #timers: NodeJS.Timeout[] = [];
  #reaping = false;
  #closed = false;

  constructor(options: RedisRunRegistryOptions) {
    checkOptionKeys('RedisRunRegistry', options, KNOWN_OPTIONS);
    if (typeof options.redis?.duplicate !== 'function') {
      throw new TypeError('RedisRunRegistry: `redis` must be an ioredis client (new Redis(url)).');
    }
    this.#redis = options.redis;
    this.#keys = new RedisRunKeys(options.keyPrefix ?? 'schema-chat:');
    this.#leaseMs = positive('leaseMs', options.leaseMs, DEFAULTS.leaseMs);
    this.#renewEveryMs = positive('renewEveryMs', options.renewEveryMs, DEFAULTS.renewEveryMs);
    this.#reapEveryMs = positive('reapEveryMs', options.reapEveryMs, DEFAULTS.reapEveryMs);
    if (this.#renewEveryMs >= this.#leaseMs) {
      throw new TypeError('RedisRunRegistry: `renewEveryMs` must be shorter than `leaseMs`.');
    }
    this.instanceId = options.instanceId ?? `redis-${randomUUID()}`;
    this.#redis.defineCommand('schemaChatClaim', { numberOfKeys: 5, lua: CLAIM_SCRIPT });
    this.#redis.defineCommand('schemaChatFinish', { numberOfKeys: 7, lua: FINISH_SCRIPT });
    this.#redis.defineCommand('schemaChatTakeExpired', {
      numberOfKeys: 1,
      lua: TAKE_EXPIRED_SCRIPT,
    });
    this.#redis.defineCommand('schemaChatRestore', { numberOfKeys: 5, lua: RESTORE_SCRIPT });
    this.#redis.defineCommand('schemaChatFindByKey', { numberOfKeys: 1, lua: FIND_BY_KEY_SCRIPT });
  }

  async claim(input: ClaimInput, attempt = 0): Promise<ClaimResult> {
    return this.#reachable(async () => {
      const { record, maxActive, turnsPerMinute, now } = input;
      const keys = this.#keysOf(record);
      const leaseNow = Date.now();
      // The lease goes in first: a crash right after the claim still leaves a run the reaper finds.
      const member = leaseMember(record);
      await this.#redis.zadd(this.#keys.leases, leaseNow + this.#leaseMs, member);
      const reply = (await this.#script('schemaChatClaim', [
        keys.key,
        keys.active,
        keys.budget,
        keys.run,
        keys.conversation,
        record.id,
        JSON.stringify(record),
        now,
        leaseNow,
        maxActive,
        turnsPerMinute,
        leaseNow + this.#leaseMs,
        SAFETY_TTL_MS,
        BUDGET_WINDOW_MS,
        this.#keys.runPrefix(record.userId),
      ])) as [string, string | number, string?];
      const [kind, first, oldest] = reply;
      if (kind !== 'created') await this.#redis.zrem(this.#keys.leases, member);
      const budget = () =>
        budgetOf(
          turnsPerMinute,
          Number(first),
          oldest === undefined ? undefined : Number(oldest),
          now,
        );
      switch (kind) {
        case 'created':
          this.#owned.set(record.id, record);
          return { kind, budget: budget() };
        case 'limit':
          return { kind, active: Number(first) };
        case 'rate-limited':
          return { kind, budget: budget() };
        default: {
          const existing = await this.findById(record.userId, String(first));
          if (existing) return { kind: 'existing', record: existing };
          // Its record expired between the two reads (the script frees such a key): once more.
          if (attempt === 0) return this.claim(input, 1);
          throw new ChatError('TURN_IN_PROGRESS', 'This turn is already being answered.', {
            retryable: true,
            retryAfter: 1,
          });
        }
      }
    });
  }

  async findByKey(userId: string, key: string): Promise<RunRecord | undefined> {
    return this.#reachable(async () => {
      // One round trip (a resume on another instance starts here).
      const found = (await this.#script('schemaChatFindByKey', [
        this.#keys.idempotencyKey(userId, key),
        this.#keys.runPrefix(userId),
      ])) as string[] | null;
      if (!found) return undefined;
      const hash: Record<string, string> = {};
      for (let i = 0; i < found.length; i += 2) hash[found[i] as string] = found[i + 1] as string;
      return recordOf(hash, userId);
    });
  }

  async findById(userId: string, runId: string): Promise<RunRecord | undefined> {
    return this.#reachable(async () => {
      const hash = await this.#redis.hgetall(this.#keys.run(userId, runId));
      return recordOf(hash, userId);
    });
  }

  async findActiveByConversation(
    userId: string,
    conversationId: string,
  ): Promise<RunRecord | undefined> {
    return this.#reachable(async () => {
      const runId = await this.#redis.get(this.#keys.conversation(userId, conversationId));
      if (runId === null) return undefined;
      const record = await this.findById(userId, runId);
      return record?.state === 'running' ? record : undefined;
    });
  }

  async finish(record: RunRecord, end: RunEnd): Promise<void> {
    return this.#reachable(async () => {
      // Its terminal event goes out first: a follower must never see the run ended without it.
      if (this.#outbox.length > 0) this.#sendOutbox();
      this.#owned.delete(record.id);
      // Not saved: no longer renewed, its lease runs out and a reaper (here or on a peer) saves
      // what it can once the store answers again; until then it counts as running.
      if (end.kind === 'unsaved') return;
      record.state = 'ended';
      const keys = this.#keysOf(record);
      await this.#script('schemaChatFinish', [
        keys.active,
        keys.conversation,
        keys.run,
        keys.key,
        keys.budget,
        keys.events,
        keys.stop,
        record.id,
        end.kind === 'failed' ? '1' : '0',
        this.#replayTtlMs,
        FAILURE_TTL_MS,
      ]);
      await this.#redis.zrem(this.#keys.leases, leaseMember(record));
    });
  }

  async start(context: RegistryStart): Promise<number> {
    this.#store = context.store;
    this.#logger = context.logger;
    this.#replayTtlMs = context.replayTtlMs;
    this.#subscriber = this.#redis.duplicate();
    this.#subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.#channels.get(channel)?.listeners ?? []) listener(message);
    });
    // Reconnecting after a Redis restart: ioredis subscribes again to every channel by itself.
    this.#subscriber.on('error', (error: unknown) =>
      this.#logger.warn({ err: error }, 'redis subscriber connection failed'),
    );
    // The timers first: an instance whose Redis is down at start-up must still renew its
    // leases and reap once Redis is back, or its peers would reap its every run.
    this.#timers.push(
      setInterval(() => void this.#renew(), this.#renewEveryMs),
      setInterval(() => void this.#reap(), this.#reapEveryMs),
    );
    for (const timer of this.#timers) timer.unref();
    await this.#listenForStops();
    return this.#reap();
  }

  /** Hears the stops of this instance's runs; tried again at each renewal until it succeeds. */
  async #listenForStops(): Promise<void> {
    if (this.#stopsHeard || this.#closed) return;
    try {
      await this.#listen(this.#keys.stopChannel(this.instanceId), (runId) =>
        this.#notify(runId, 'stop'),
      );
      this.#stopsHeard = true;
    } catch (error) {
      this.#logger.warn({ err: error }, 'listening for stops in redis failed; trying again');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  // --- relay ------------------------------------------------------------------------------

  publish(record: RunRecord, entries: readonly RunEntry[]): void {
    const keys = this.#keysOf(record);
    for (const { seq, event } of entries) {
      this.#outbox.push({ keys, seq, data: JSON.stringify(event), runId: record.id });
    }
    if (this.#outbox.length === entries.length) setTimeout(this.#sendOutbox, OUTBOX_MS);
  }

  /**
   * Every run's flushes of the last {@link OUTBOX_MS} go to Redis in one pipeline (2 commands
   * each), not one round trip per flush: the relay's cost per token stays near the in-memory one.
   */
  readonly #sendOutbox = (): void => {
    const outbox = this.#outbox;
    if (outbox.length === 0) return;
    this.#outbox = [];
    const pipeline = this.#redis.pipeline();
    for (const { keys, seq, data } of outbox) {
      pipeline.xadd(keys.events, entryIdOf(seq), 'e', data);
      pipeline.publish(keys.eventsChannel, `${seq} ${data}`);
      if (seq === 0) pipeline.pexpire(keys.events, SAFETY_TTL_MS);
    }
    // Not awaited by any generation; an append retried after a reconnect is refused by its id.
    pipeline
      .exec()
      .catch((error: unknown) =>
        this.#logger.warn({ err: error, runs: outbox.length }, 'relaying events to redis failed'),
      );
  };

  publishFailure(record: RunRecord, error: ErrorDetail & { status: number }): void {
    const keys = this.#keysOf(record);
    const data = JSON.stringify(error);
    this.#redis
      .pipeline()
      .hset(keys.run, 'failure', data)
      .publish(keys.eventsChannel, `F ${data}`)
      .exec()
      .catch((cause: unknown) =>
        this.#logger.warn({ err: cause, runId: record.id }, 'relaying a failure to redis failed'),
      );
  }

  async *follow(
    record: RunRecord,
    afterSeq: number | undefined,
    signal: AbortSignal,
  ): AsyncIterable<RunEntry> {
    const keys = this.#keysOf(record);
    const follower = `${this.instanceId}:${randomUUID()}`;
    const messages: string[] = [];
    let wake: (() => void) | undefined;
    const onMessage = (message: string) => {
      messages.push(message);
      wake?.();
    };
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    // Not awaited yet: the first read of the stream goes out with the subscription, so a resume's
    // first events reach its client a round trip sooner; what was published between that read
    // and the subscription is read once more after it (entries already sent are skipped).
    const listening = this.#listen(keys.eventsChannel, onMessage);
    listening.catch(() => undefined);
    let subscribed = false;
    const renew = () =>
      this.#redis
        .pipeline()
        .zadd(keys.followers, Date.now() + FOLLOWER_TTL_MS, follower)
        .pexpire(keys.followers, SAFETY_TTL_MS)
        .exec()
        .catch(() => undefined);
    // Not awaited: the reads below go after it on the same connection, in order.
    void renew();
    const renewer = setInterval(renew, FOLLOWER_TTL_MS / 3);
    renewer.unref();
    /** The seq and text end offset delivered so far. */
    let lastSeq = afterSeq ?? -1;
    let offset = afterSeq === undefined ? 0 : textOffsetAfter(afterSeq);
    // A Continue's text starts where the answer's text ended (its first entry after the
    // conversationId event says where), not at 0.
    let started = record.action?.kind !== 'continue';
    /** Takes `entry` if it comes next; false when it shows entries were missed (read again). */
    const accept = (entry: RunEntry): boolean | 'skip' => {
      if (entry.seq <= lastSeq) return 'skip';
      const { event } = entry;
      if (event.type === 'token') {
        const end = textOffsetAfter(entry.seq);
        if (!started) offset = Math.max(offset, end - event.content.length);
        started = true;
        if (end - event.content.length > offset) return false;
        offset = end;
      } else if (event.type === 'complete' || event.type === 'error') {
        if (!started) offset = Math.max(offset, entry.seq - 2);
        started = true;
        if (entry.seq - 2 > offset) return false;
      }
      lastSeq = entry.seq;
      return true;
    };
    /** Resolves true when a message arrives (or the signal aborts), false after `ms` of quiet. */
    const waitForMessage = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      }).finally(() => {
        wake = undefined;
      });
    try {
      // The stream first (everything after the client's position), then the live messages; the
      // stream again whenever the messages show a gap or stay quiet (a lost pub/sub message).
      let read = true;
      for (;;) {
        if (signal.aborted) return;
        if (read) {
          read = false;
          const entries = await this.#readAfter(keys.events, lastSeq);
          if (entries.length === 0) {
            // A client that already had the terminal event gets it once more, alone.
            const last = await this.#lastEntry(keys.events);
            if (last && isTerminal(last) && last.seq <= lastSeq) {
              yield last;
              return;
            }
            await this.#checkAlive(keys);
          }
          for (const entry of entries) {
            const taken = accept(entry);
            // The stream itself lacks what comes next (lost with a Redis restart): no waiting
            // brings it back; the client resumes from the stored answer instead.
            if (taken === false) throw gone();
            if (taken === 'skip') continue;
            yield entry;
            if (isTerminal(entry)) return;
          }
          continue;
        }
        if (!subscribed) {
          await listening;
          subscribed = true;
          read = true;
          continue;
        }
        const message = messages.shift();
        if (message === undefined) {
          if (!(await waitForMessage(FOLLOW_POLL_MS))) read = true;
          continue;
        }
        if (message.startsWith('F ')) throw failureOf(message.slice(2));
        const entry = entryOfMessage(message);
        const taken = accept(entry);
        if (taken === 'skip') continue;
        if (taken === false) {
          read = true;
          continue;
        }
        yield entry;
        if (isTerminal(entry)) return;
      }
    } catch (error) {
      throw unavailable(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearInterval(renewer);
      listening.then(
        (stopListening) => stopListening(),
        () => undefined,
      );
      await this.#redis.zrem(keys.followers, follower).catch(() => undefined);
    }
  }

  async requestStop(record: RunRecord): Promise<void> {
    return this.#reachable(async () => {
      const keys = this.#keysOf(record);
      await this.#redis
        .pipeline()
        .set(keys.stop, '1', 'PX', SAFETY_TTL_MS)
        .publish(this.#keys.stopChannel(record.ownerId), record.id)
        .exec();
    });
  }

  onStopRequested(listener: (runId: string, reason: StopReason) => void): () => void {
    this.#stopListeners.add(listener);
    return () => this.#stopListeners.delete(listener);
  }

  async followerCount(record: RunRecord): Promise<number> {
    const keys = this.#keysOf(record);
    return this.#redis.zcount(keys.followers, Date.now(), '+inf');
  }

  // --- owner leases and the reaper ---------------------------------------------------------

  /**
   * Renews the leases of this instance's runs and catches stop flags a lost message missed. A
   * lease that is gone stops the run here only when a peer settled it as dead (this instance
   * stalled past its lease): its answer is already saved as interrupted, and no later save of it
   * counts. A lease lost with a Redis restart is written again and the answer goes on.
   */
  async #renew(): Promise<void> {
    if (this.#closed) return;
    if (!this.#stopsHeard) await this.#listenForStops();
    if (this.#owned.size === 0) return;
    const expiry = Date.now() + this.#leaseMs;
    const runs = [...this.#owned.values()];
    const pipeline = this.#redis.pipeline();
    for (const record of runs) {
      const keys = this.#keysOf(record);
      // XX CH: 1 when the lease was there (and moved), 0 when it is gone.
      pipeline.zadd(this.#keys.leases, 'XX', 'CH', expiry, leaseMember(record));
      pipeline.zadd(keys.active, 'XX', expiry, record.id);
      pipeline.exists(keys.stop);
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      for (const [i, record] of runs.entries()) {
        const [leaseError, renewed] = results[i * 3] ?? [];
        if (!leaseError && renewed === 0 && this.#owned.has(record.id)) {
          if (!(await this.#restoreLease(record, expiry)) && this.#owned.delete(record.id)) {
            this.#notify(record.id, 'lease-lost');
          }
        } else if (results[i * 3 + 2]?.[1] === 1) {
          this.#notify(record.id, 'stop');
        }
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'renewing run leases in redis failed');
    }
  }

  /**
   * Writes a gone lease again unless a reaper settled its run; true when the run goes on. A run
   * Redis no longer knows at all is written again only while the store still has its answer
   * streaming (a reaper's settlement outlives the run's keys there).
   */
  async #restoreLease(record: RunRecord, expiry: number): Promise<boolean> {
    const keys = this.#keysOf(record);
    const restore = (writeMissing: boolean) =>
      this.#script('schemaChatRestore', [
        this.#keys.leases,
        keys.active,
        keys.run,
        keys.key,
        keys.conversation,
        leaseMember(record),
        record.id,
        JSON.stringify(record),
        expiry,
        SAFETY_TTL_MS,
        writeMissing ? '1' : '0',
      ]);
    let restored = await restore(false);
    if (restored === 2) {
      const answer = await this.#store?.getMessage(record.userId, record.messageId);
      restored = answer?.status === 'streaming' ? await restore(true) : 0;
    }
    if (restored === 1) {
      this.#logger.warn({ runId: record.id }, 'wrote the lease of a running answer again');
    }
    return restored === 1;
  }

  #notify(runId: string, reason: StopReason): void {
    for (const listener of this.#stopListeners) listener(runId, reason);
  }

  /** Settles every run whose owner's lease ran out; returns how many this instance settled. */
  async #reap(): Promise<number> {
    if (this.#reaping || this.#closed) return 0;
    this.#reaping = true;
    let settled = 0;
    try {
      const now = Date.now();
      const expired = await this.#redis.zrangebyscore(
        this.#keys.leases,
        '-inf',
        now,
        'WITHSCORES',
        'LIMIT',
        0,
        100,
      );
      for (let i = 0; i < expired.length; i += 2) {
        const member = expired[i] as string;
        // Whoever moves the expired lease to its own settle lease settles the run: one instance
        // at a time, and again later if it fails halfway (its settle lease then expires too).
        const taken = await this.#script('schemaChatTakeExpired', [
          this.#keys.leases,
          member,
          expired[i + 1] as string,
          now + this.#leaseMs,
        ]);
        if (taken !== 1) continue;
        const [userId, runId] = member.split('\u0000') as [string, string];
        if (await this.#settle(userId, runId)) settled++;
        await this.#redis.zrem(this.#keys.leases, member);
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'reaping dead runs in redis failed');
    } finally {
      this.#reaping = false;
    }
    return settled;
  }

  /**
   * Ends a run whose owner died: its text so far (from its events, else the store's checkpoint)
   * saved as `interrupted`, a terminal error for every follower, its place and conversation free.
   */
  async #settle(userId: string, runId: string): Promise<boolean> {
    const record = await this.findById(userId, runId);
    if (record?.state !== 'running') return false;
    const keys = this.#keysOf(record);
    const entries = await this.#readAfter(keys.events, -1);
    // A Continue's events start at the answer's text before it, which only the store has.
    const first = entries.find((entry) => entry.event.type === 'token');
    const start =
      first?.event.type === 'token' ? textOffsetAfter(first.seq) - first.event.content.length : 0;
    let text =
      start > 0
        ? ((await this.#store?.getMessage(userId, record.messageId))?.content.slice(0, start) ?? '')
        : '';
    const known = text.length === start;
    let length = start;
    for (const { seq, event } of entries) {
      if (event.type !== 'token') continue;
      const end = textOffsetAfter(seq);
      if (known && end > text.length) {
        text += event.content.slice(event.content.length - (end - text.length));
      }
      length = Math.max(length, end);
    }
    // Without the text before it, the checkpoint is kept (it has the whole answer so far).
    const content = known && text !== '' ? text : undefined;
    const stored = await this.#store?.interruptTurn(userId, record.messageId, content);
    const error = new ChatError(
      'GENERATION_INTERRUPTED',
      'The server generating this answer stopped; the text so far is saved.',
    );
    this.publish(record, [
      { seq: terminalSeq(length), event: { type: 'error', error: error.toDetail() } },
    ]);
    await this.finish(record, {
      kind: 'ended',
      terminal: { type: 'error', error: error.toDetail() },
    });
    this.#logger.warn(
      { runId, ownerId: record.ownerId, chars: length, saved: stored === true },
      'settled the run of an instance that stopped renewing its lease',
    );
    return true;
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Runs a request-path call; Redis down or restarting is a retryable 503, never a 500. */
  async #reachable<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error);
    }
  }

  #keysOf(record: RunRecord): RunKeys {
    // Built once per record: the owner asks for a run's keys at every flush of its answer.
    let keys = this.#recordKeys.get(record);
    if (!keys) {
      keys = this.#keys.of(record.userId, record.id, record.idempotencyKey, record.conversationId);
      this.#recordKeys.set(record, keys);
    }
    return keys;
  }

  /** The stream's entries after `seq`. */
  async #readAfter(key: string, seq: number): Promise<RunEntry[]> {
    const start = seq < 0 ? '-' : `(${entryIdOf(seq)}`;
    const rows = (await this.#redis.xrange(key, start, '+')) as Array<[string, string[]]>;
    return rows.map(([id, fields]) => ({
      seq: seqOfEntryId(id),
      event: JSON.parse(fields[1] as string),
    }));
  }

  /** The stream's last entry, if any. */
  async #lastEntry(key: string): Promise<RunEntry | undefined> {
    const rows = (await this.#redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<
      [string, string[]]
    >;
    const [row] = rows;
    return row && { seq: seqOfEntryId(row[0]), event: JSON.parse(row[1][1] as string) };
  }

  /**
   * Throws when a run whose stream has nothing new cannot produce more: it failed before
   * streaming, it ended (its terminal event would have been in the stream), or it is gone
   * (expired, or lost with a Redis restart).
   */
  async #checkAlive(keys: RunKeys): Promise<void> {
    const [state, failure] = await this.#redis.hmget(keys.run, 'state', 'failure');
    if (failure) throw failureOf(failure);
    if (state !== 'running') throw gone();
  }

  /** Subscribes `listener` to `channel` (one subscription per channel); returns the unsubscribe. */
  async #listen(channel: string, listener: (message: string) => void): Promise<() => void> {
    const subscriber = this.#subscriber;
    if (!subscriber) throw new Error('RedisRunRegistry: start() has not run.');
    let entry = this.#channels.get(channel);
    if (!entry) {
      const created: ChannelEntry = { listeners: new Set(), ready: subscriber.subscribe(channel) };
      entry = created;
      this.#channels.set(channel, created);
      // A failed subscription leaves nothing behind: the next listener subscribes again.
      created.ready.catch(() => {
        if (this.#channels.get(channel) === created) this.#channels.delete(channel);
      });
    }
    // Counted before the wait, so a listener leaving meanwhile cannot unsubscribe the channel.
    entry.listeners.add(listener);
    const remove = () => {
      const current = this.#channels.get(channel);
      if (!current?.listeners.delete(listener) || current.listeners.size > 0) return;
      this.#channels.delete(channel);
      void subscriber.unsubscribe(channel).catch(() => undefined);
    };
    try {
      await entry.ready;
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  #script(name: string, args: Array<string | number>): Promise<unknown> {
    const command = (
      this.#redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
    )[name] as (...a: unknown[]) => Promise<unknown>;
    return command.apply(this.#redis, args);
  }
}

/** The run's events are gone: it cannot be followed (its client resumes from the store). */
function gone(): ChatError {
  return new ChatError(
    'RESUME_UNAVAILABLE',
    'That answer can no longer be resumed; send the question again.',
  );
}

/** One pub/sub channel: its listeners, and its SUBSCRIBE. */
interface ChannelEntry {
  listeners: Set<(message: string) => void>;
  ready: Promise<unknown>;
}

/** A coded error for a Redis that cannot be reached (coded errors pass through). */
function unavailable(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError(
    'STORAGE_ERROR',
    'The shared run registry is unavailable right now; try again shortly.',
    { retryable: true, retryAfter: 2, cause: error },
  );
}

function leaseMember(record: RunRecord): string {
  return `${record.userId}\u0000${record.id}`;
}

function isTerminal(entry: RunEntry): boolean {
  return entry.event.type === 'complete' || entry.event.type === 'error';
}

function entryOfMessage(message: string): RunEntry {
  const space = message.indexOf(' ');
  return { seq: Number(message.slice(0, space)), event: JSON.parse(message.slice(space + 1)) };
}

function failureOf(json: string): ChatError {
  const detail = JSON.parse(json) as ErrorDetail & { status: number };
  const error = fromErrorDetail(detail);
  return new ChatError(error.code, error.message, {
    status: detail.status,
    retryable: error.retryable,
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
  });
}

function recordOf(hash: Record<string, string>, userId: string): RunRecord | undefined {
  // A run that failed before streaming is kept only to tell its followers why: forgotten here.
  if (!hash.record || hash.failure) return undefined;
  const record = JSON.parse(hash.record) as RunRecord;
  if (record.userId !== userId) return undefined;
  record.state = hash.state === 'running' ? 'running' : 'ended';
  return record;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `RedisRunRegistry: \`${name}\` must be a positive integer of milliseconds.`,
    );
  }
  return value;
}
