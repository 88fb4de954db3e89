// The Redis keys and channels of RedisRunRegistry. Every key of one user carries the same hash tag
// (`{u:<user>}`, the user id encoded so that no character of it can end the tag early), which keeps
// a user's keys together; Redis Cluster is still not supported, because the global lease set and
// the pipelines of one tick span users. One primary (with replicas or Sentinel) is the deployment.

/** The keys of one run and of its user. */
export interface RunKeys {
  /** Idempotency key → run id. */
  key: string;
  /** Hash: `record` (JSON), `state`, `failure` (JSON, when it failed before streaming). */
  run: string;
  /** Sorted set: the user's runs generating, scored by owner lease expiry (ms). */
  active: string;
  /** Sorted set: the user's runs claimed in the last 60 s, scored by claim time (ms). */
  budget: string;
  /** Conversation → its running run id. */
  conversation: string;
  /** Stream of the run's events, entry ids `0-<seq>` (`0-1` for seq 0: Redis refuses `0-0`). */
  events: string;
  /** Sorted set: clients following the run, scored by expiry (ms). */
  followers: string;
  /** Durable stop flag. */
  stop: string;
  /** Pub/sub channel of the run's events, for followers. */
  eventsChannel: string;
}

/** Keys and channels under one prefix. */
export class RedisRunKeys {
  readonly #prefix: string;

  /** @param prefix put before every key and channel, e.g. `schema-chat:`. */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** Global sorted set of every run's owner lease: `<userId>\0<runId>` scored by expiry (ms). */
  get leases(): string {
    return `${this.#prefix}leases`;
  }

  /** The channel an instance hears stop requests for its runs on. */
  stopChannel(instanceId: string): string {
    return `${this.#prefix}stop:${instanceId}`;
  }

  /** The idempotency key of a user. */
  idempotencyKey(userId: string, key: string): string {
    return `${this.#user(userId)}:key:${key}`;
  }

  /** The running run of a conversation. */
  conversation(userId: string, conversationId: string): string {
    return `${this.#user(userId)}:conv:${conversationId}`;
  }

  /** Every key of one run. */
  of(userId: string, runId: string, key: string, conversationId: string): RunKeys {
    const user = this.#user(userId);
    return {
      key: this.idempotencyKey(userId, key),
      run: `${user}:run:${runId}`,
      active: `${user}:active`,
      budget: `${user}:budget`,
      conversation: this.conversation(userId, conversationId),
      events: `${user}:events:${runId}`,
      followers: `${user}:followers:${runId}`,
      stop: `${user}:stop:${runId}`,
      eventsChannel: `${this.#prefix}events:${runId}`,
    };
  }

  /** What the run hashes of a user's runs start with (their id follows). */
  runPrefix(userId: string): string {
    return `${this.#user(userId)}:run:`;
  }

  /** The run hash of a run known only by user and id. */
  run(userId: string, runId: string): string {
    return `${this.#user(userId)}:run:${runId}`;
  }

  #user(userId: string): string {
    return `${this.#prefix}{u:${Buffer.from(userId).toString('base64url')}}`;
  }
}

/** The stream entry id of an event seq (seq 0 is `0-1`: tokens never have seq 1). */
export function entryIdOf(seq: number): string {
  return `0-${seq === 0 ? 1 : seq}`;
}

/** The event seq of a stream entry id. */
export function seqOfEntryId(id: string): number {
  const seq = Number(id.slice(id.indexOf('-') + 1));
  return seq === 1 ? 0 : seq;
}
