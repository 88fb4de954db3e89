// One generation, decoupled from the HTTP responses that watch it (ARCHITECTURE.md, "Why the run is
// separate from the response"): it holds the
// answer text, fans it out to any number of attached sinks from their own cursor, coalesces
// tokens into flushes, honours backpressure per sink, and interrupts itself when no client has
// been attached for the grace period.

import type { ChatEvent, TerminalEvent } from '../../sdk/protocol.js';
import type { ChatError } from '../errors.js';
import { terminalSeq, textOffsetAfter, tokenSeq } from './event-id.js';
import type { RunIdentity } from './run-registry.js';

/**
 * What a response watches: a run of this instance (`ChatRun`), or one another instance generates,
 * followed through the registry's relay (`RemoteRun`). Sinks attach the same way to both.
 */
export interface RunFeed {
  /** The run id, the first half of every event id. */
  readonly id: string;
  /** ISO 8601 time the turn was saved. */
  readonly createdAt: string;
  /**
   * Attaches a sink. Without `lastSeq` it gets the whole stream; with the seq of the last event a
   * client saw (from `Last-Event-ID`) it gets only what follows.
   */
  subscribe(sink: RunSink, lastSeq?: number): Subscription;
}

/** Where a run's events go: an SSE response, a REST response waiting for the end, a test. */
export interface RunSink {
  /** Can take more text now; when false the run skips it until it calls `resume()`. */
  readonly ready: boolean;
  /** The run is streaming: send headers. Called once, before any `send`. */
  open(run: RunFeed): void;
  /** One event with its seq (see event-id.ts). Token events carry everything after the sink's cursor. */
  send(event: ChatEvent, seq: number): void;
  /** The run ended; `event` is its terminal event. Called once, last. */
  end(event: TerminalEvent, seq: number): void;
  /** The run failed before streaming (no headers were sent): answer with an HTTP error. */
  fail(error: ChatError): void;
  /**
   * The feed broke mid-stream (another instance's run could no longer be followed): end the
   * response without a terminal event, so the client resumes from the last id it has.
   */
  drop(error: ChatError): void;
}

/**
 * Sees every event of a run as it is flushed, without being a client: it never holds the run
 * alive and never applies backpressure (the relay that copies a run to other instances).
 */
export interface RunObserver {
  send(event: ChatEvent, seq: number): void;
  end(event: TerminalEvent, seq: number): void;
  /** The run failed before streaming. */
  fail(error: ChatError): void;
}

/** The handle a sink gets from {@link ChatRun.subscribe}. */
export interface Subscription {
  /** Detaches the sink (its client is gone). */
  unsubscribe(): void;
  /** The sink is writable again: send what it missed, coalesced. */
  resume(): void;
}

/** Why a run was aborted. */
export type RunAbortReason =
  | { kind: 'stopped' }
  | { kind: 'interrupted'; why: 'client-gone' | 'shutdown' | 'lease-lost' }
  | { kind: 'error'; error: ChatError };

/** A run to build: its identity, and how it streams. */
export interface ChatRunInit extends RunIdentity {
  /** Abort as interrupted after this long with no sink attached. */
  disconnectGraceMs: number;
  /**
   * Longest a token waits to share an event with the tokens after it, ms; 0 = only tokens of the
   * same event-loop turn share one (see {@link ChatRun.append}).
   */
  flushMs: number;
  /** A token event goes out as soon as it holds this many tokens. */
  flushTokens: number;
  /**
   * Asked when the grace period ends with no sink attached here: whether a client follows the
   * run from another instance, which keeps it generating for another grace period. Defaults to
   * nobody elsewhere.
   */
  followedElsewhere?: () => Promise<boolean>;
}

interface SinkState {
  sink: RunSink;
  /** An observer: always ready, and not a client (does not count for the grace period). */
  observer: boolean;
  /** Characters of the answer this sink already has. */
  cursor: number;
  /** Whether it must still get the `conversationId` event. */
  needsConversationId: boolean;
  opened: boolean;
}

/**
 * A generation in progress (or recently finished, kept for replay). The generation code drives
 * it with `start`, `append`, `end` or `fail`; HTTP handlers attach with `subscribe`.
 */
export class ChatRun implements RunFeed {
  readonly id: string;
  readonly userId: string;
  readonly idempotencyKey: string;
  readonly projectId: string;
  readonly conversationId: string;
  readonly transport: 'sse' | 'rest';
  readonly messageId: string;
  readonly createdAt: string;
  readonly question: string;
  readonly action: RunIdentity['action'];
  phase: 'pending' | 'streaming' | 'ended' = 'pending';
  /** The terminal event, once ended. */
  terminal: TerminalEvent | undefined;
  /** Why it failed before streaming, if it did. */
  failure: ChatError | undefined;
  /** Set by the generation when its final save failed (the store was down at the end). */
  unsaved = false;

  readonly #controller = new AbortController();
  readonly #sinks = new Set<SinkState>();
  readonly #graceMs: number;
  readonly #flushMs: number;
  readonly #flushTokens: number;
  readonly #followedElsewhere: (() => Promise<boolean>) | undefined;
  /** Attached clients (sinks that are not observers). */
  #clients = 0;
  readonly #endListeners: Array<(run: ChatRun) => void> = [];
  #text = '';
  /**
   * The text appended since the last flush (`#text` from `#pendingFrom` on), kept apart so that a
   * flush sends it as it is: slicing the whole answer would copy (flatten) all of it per event.
   */
  #pending = '';
  #pendingFrom = 0;
  /** Where this run's own text starts in `#text` (a Continue goes on from the answer's text). */
  #startOffset = 0;
  /** Deltas appended since the last flush. */
  #pendingTokens = 0;
  /** `performance.now()` of the last flush; -Infinity before the first. */
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #flushTimer: NodeJS.Timeout | undefined;
  #flushImmediate: NodeJS.Immediate | undefined;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(init: ChatRunInit) {
    this.id = init.id;
    this.userId = init.userId;
    this.idempotencyKey = init.idempotencyKey;
    this.projectId = init.projectId;
    this.conversationId = init.conversationId;
    this.transport = init.transport;
    this.messageId = init.messageId;
    this.createdAt = init.createdAt;
    this.question = init.question;
    this.action = init.action;
    this.#graceMs = init.disconnectGraceMs;
    this.#flushMs = init.flushMs;
    this.#flushTokens = init.flushTokens;
    this.#followedElsewhere = init.followedElsewhere;
  }

  /** Aborted by stop, timeouts, the grace period or shutdown; its reason is a {@link RunAbortReason}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The answer so far (a Continue's: the answer's text before it, then its own). */
  get text(): string {
    return this.#text;
  }

  /** Where this run's own text starts in {@link text}: 0, or a Continue's `continueFrom` length. */
  get startOffset(): number {
    return this.#startOffset;
  }

  /**
   * A Continue, before it streams: the answer's text so far. The run's text starts with it, its
   * events' seqs go on from its end (so ids stay offsets into the stored message), and no sink is
   * ever sent it: a new client gets the text after it, a resume what follows its `Last-Event-ID`.
   */
  continueFrom(text: string): void {
    if (this.phase !== 'pending' || this.#text !== '') {
      throw new Error('ChatRun.continueFrom: only before the run streams.');
    }
    this.#text = text;
    this.#startOffset = text.length;
    this.#pendingFrom = text.length;
  }

  /** Whether the generation has not ended yet. */
  get active(): boolean {
    return this.phase !== 'ended';
  }

  /** How many clients (sinks, not observers) are attached. */
  get sinkCount(): number {
    return this.#clients;
  }

  /** Calls `listener` once when the run ends (or fails before starting). */
  onEnd(listener: (run: ChatRun) => void): void {
    if (this.phase === 'ended') listener(this);
    else this.#endListeners.push(listener);
  }

  /**
   * Attaches a sink. Without `lastSeq` it gets the whole stream; with the seq of the last event a
   * client saw (from `Last-Event-ID`) it gets only what follows.
   */
  subscribe(sink: RunSink, lastSeq?: number): Subscription {
    return this.#attach(sink, lastSeq, false);
  }

  /** Attaches an observer from the start of the stream (see {@link RunObserver}). */
  observe(observer: RunObserver): void {
    const sink: RunSink = {
      ready: true,
      open() {},
      send: (event, seq) => observer.send(event, seq),
      end: (event, seq) => observer.end(event, seq),
      fail: (error) => observer.fail(error),
      drop: () => {},
    };
    this.#attach(sink, undefined, true);
  }

  #attach(sink: RunSink, lastSeq: number | undefined, observer: boolean): Subscription {
    if (this.failure) {
      sink.fail(this.failure);
      return { unsubscribe() {}, resume() {} };
    }
    const state: SinkState = {
      sink,
      observer,
      cursor: lastSeq === undefined ? 0 : Math.min(textOffsetAfter(lastSeq), this.#text.length),
      needsConversationId: lastSeq === undefined,
      opened: false,
    };
    if (!observer) {
      this.#clients++;
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    }
    if (this.phase === 'pending') {
      this.#sinks.add(state);
    } else {
      this.#open(state);
      this.#deliver(state, true);
      if (this.phase === 'ended') {
        // Attached after the end: a replay, whose error the same key can only replay again.
        this.#finish(state, true);
        if (!observer) this.#clients--;
      } else this.#sinks.add(state);
    }
    return {
      unsubscribe: () => this.#detach(state),
      resume: () => {
        if (this.#sinks.has(state)) this.#deliver(state, false);
      },
    };
  }

  /** The answer placeholder is saved: attached sinks get their headers and the `conversationId` event. */
  start(): void {
    if (this.phase !== 'pending') return;
    this.phase = 'streaming';
    for (const state of this.#sinks) this.#open(state);
  }

  /**
   * Adds answer text (one model token, usually); attached sinks get it at the next flush. A flush
   * happens at the end of the current event-loop turn when the pending text holds `flushTokens`
   * tokens or when `flushMs` has passed since the last flush (so the first token, and every token
   * of a slow stream, goes out at once); otherwise when `flushMs` has passed since the last flush.
   * No token waits longer than `flushMs`, and fast streams send one event per `flushTokens` tokens
   * instead of one per token: fewer writes, frames and bytes for the same text.
   */
  append(delta: string): void {
    if (this.phase !== 'streaming' || delta.length === 0) return;
    this.#text += delta;
    this.#pending += delta;
    this.#pendingTokens++;
    if (this.#flushImmediate !== undefined) return;
    if (this.#flushMs > 0) {
      if (this.#pendingTokens < this.#flushTokens) {
        // Already waiting for the flush timer: nothing to decide (not even the clock to read).
        if (this.#flushTimer !== undefined) return;
        const waited = performance.now() - this.#lastFlushAt;
        if (waited < this.#flushMs) {
          this.#flushTimer = setTimeout(this.#onFlushTimer, this.#flushMs - waited);
          return;
        }
      }
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    // The end of this loop turn: deltas that arrived together still share one event.
    this.#flushImmediate = setImmediate(this.#onFlushTimer);
  }

  /** Ends the stream: every sink gets the rest of the text, then `event`. */
  end(event: TerminalEvent): void {
    if (this.phase === 'ended') return;
    this.#cancelFlush();
    this.phase = 'ended';
    this.terminal = event;
    for (const state of this.#sinks) {
      this.#open(state);
      this.#deliver(state, true);
      this.#finish(state);
    }
    this.#sinks.clear();
    this.#clients = 0;
    this.#settle();
  }

  /** Fails before streaming started: every sink answers with `error` as an HTTP status. */
  fail(error: ChatError): void {
    if (this.phase !== 'pending') return;
    this.phase = 'ended';
    this.failure = error;
    for (const { sink } of this.#sinks) sink.fail(error);
    this.#sinks.clear();
    this.#clients = 0;
    this.#settle();
  }

  /** Asks the generation to stop; the generation code saves and ends the run. */
  abort(reason: RunAbortReason): void {
    if (this.phase !== 'ended' && !this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  #open(state: SinkState): void {
    if (state.opened) return;
    state.opened = true;
    // What came before a Continue is the client's already (and was never this run's to send).
    state.cursor = Math.max(state.cursor, this.#startOffset);
    state.sink.open(this);
    if (state.needsConversationId) {
      state.needsConversationId = false;
      state.sink.send({ type: 'conversationId', conversationId: this.conversationId }, 0);
    }
  }

  readonly #onFlushTimer = (): void => {
    this.#flushTimer = undefined;
    this.#flushImmediate = undefined;
    this.#flush();
  };

  #flush(): void {
    this.#pendingTokens = 0;
    this.#lastFlushAt = performance.now();
    for (const state of this.#sinks) this.#deliver(state, false);
    this.#pending = '';
    this.#pendingFrom = this.#text.length;
  }

  /** Sends everything after the sink's cursor as one token event (when it can take it, or `force`). */
  #deliver(state: SinkState, force: boolean): void {
    const length = this.#text.length;
    if (state.cursor >= length || (!force && !state.sink.ready)) return;
    const content =
      state.cursor === this.#pendingFrom ? this.#pending : this.#text.slice(state.cursor);
    state.cursor = length;
    state.sink.send({ type: 'token', content }, tokenSeq(length));
  }

  #finish(state: SinkState, replay = false): void {
    const { terminal } = this;
    if (!terminal) return;
    state.sink.end(replay ? finalTerminal(terminal) : terminal, terminalSeq(this.#text.length));
  }

  #detach(state: SinkState): void {
    if (!this.#sinks.delete(state) || state.observer) return;
    this.#clients--;
    if (this.#clients > 0 || this.phase === 'ended') return;
    this.#startGrace();
  }

  /**
   * Nobody is watching here: keep generating for the grace period so a reconnect can resume,
   * then stop paying for tokens nobody will read — unless a client follows from another instance.
   */
  #startGrace(): void {
    this.#graceTimer = setTimeout(async () => {
      this.#graceTimer = undefined;
      const elsewhere = await this.#followedElsewhere?.().catch(() => false);
      if (this.phase === 'ended' || this.#clients > 0) return;
      if (elsewhere) this.#startGrace();
      else this.abort({ kind: 'interrupted', why: 'client-gone' });
    }, this.#graceMs);
    this.#graceTimer.unref();
  }

  #cancelFlush(): void {
    clearTimeout(this.#flushTimer);
    clearImmediate(this.#flushImmediate);
    this.#flushTimer = undefined;
    this.#flushImmediate = undefined;
  }

  #settle(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    const listeners = this.#endListeners.splice(0);
    for (const listener of listeners) listener(this);
  }
}

/**
 * The terminal event as a replay carries it: an error the same `Idempotency-Key` can only replay
 * again is final (`retryable: false`); a new question, with a new key, may still succeed.
 */
export function finalTerminal(terminal: TerminalEvent): TerminalEvent {
  return terminal.type === 'error' && terminal.error.retryable
    ? { type: 'error', error: { ...terminal.error, retryable: false } }
    : terminal;
}
