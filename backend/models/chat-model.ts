// The ChatModel plug point: anything that turns a list of messages into a stream of text deltas.

import type { Usage } from '../../sdk/protocol.js';
import type { Project } from '../projects/project-resolver.js';

/** One message sent to the model. */
export interface ChatModelMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One generation request. */
export interface ChatModelRequest {
  /** The prompt: system message (with the schema), history, then the question last. */
  messages: ChatModelMessage[];
  /**
   * The project the question is about, for models that answer from the schema itself (the
   * offline model). LLM-backed models ignore it: the schema is already in `messages`.
   */
  project?: Project;
  /**
   * A Continue: the cut answer the model goes on with (`messages` end with it and a request to
   * continue). Models that answer from the schema themselves (the offline one) send the rest of
   * their answer after it; LLM-backed models need nothing more than `messages`. Defaults to none.
   */
  continues?: string;
  /** Defaults to the model's own setting. */
  temperature?: number;
  /** Defaults to the model's own setting. */
  maxTokens?: number;
}

/** A piece of answer text, in order. Never empty. */
export interface TextDeltaPart {
  type: 'text-delta';
  text: string;
}

/** The end of the answer, with the upstream's finish reason and usage when it sent them. */
export interface FinishPart {
  type: 'finish';
  finishReason: 'stop' | 'length' | 'content_filter';
  usage?: Usage;
}

/** What {@link ChatModel.stream} yields: text deltas, then at most one finish part. */
export type ChatModelPart = TextDeltaPart | FinishPart;

/** Per-call options of {@link ChatModel.stream}. */
export interface ChatModelCallOptions {
  /** Aborts the upstream request (stop, timeouts, client gone past the grace period). */
  signal: AbortSignal;
  /**
   * The turn on the `schema-chat:turn-step` diagnostics channel (its HTTP request): a model that
   * talks to an upstream may publish `upstream-request-sent` and `upstream-first-byte` for it.
   * Defaults to none.
   */
  trace?: object;
}

/** Where {@link ChatModel.streamTo} hands its text as it arrives. */
export interface ChatModelReceiver {
  /** A piece of answer text, in order. Never empty. */
  text(delta: string): void;
}

/**
 * A language model. Implementations throw a `ChatError` with an `UPSTREAM_*` (or
 * `CONTEXT_TOO_LONG`) code on failure, never the provider's own error text, and stop promptly
 * when `signal` aborts.
 */
export interface ChatModel {
  /** The model name reported in `complete.metadata.model`. */
  readonly id: string;
  stream(request: ChatModelRequest, options: ChatModelCallOptions): AsyncIterable<ChatModelPart>;
  /**
   * Optional push form of {@link ChatModel.stream}, which the router uses when a model has it:
   * hands each text delta to `receiver.text` as soon as it is read and resolves with the finish
   * part (rejects as `stream` throws). It costs no promise per token, so a model that reads its
   * text from a socket should offer it; `stream` alone is enough for any other.
   */
  streamTo?(
    request: ChatModelRequest,
    options: ChatModelCallOptions,
    receiver: ChatModelReceiver,
  ): Promise<FinishPart>;
}
