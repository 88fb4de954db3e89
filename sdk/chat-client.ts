// The public shape of the schema-chat client: what `createChatClient()` returns and accepts.
// The widget and third-party UIs code against these types only.

import type { ChatClientError } from './chat-client-error.js';
import type {
  ChatEvent,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ConversationSummary,
  FeedbackRating,
  FeedbackResponse,
  FinishReason,
  Page,
  ProjectSummary,
  Quota,
  SqlCheck,
  StopResponse,
  Usage,
  UsageResponse,
} from './protocol.js';

/** Options of {@link ChatClient} factories (`createChatClient`). */
export interface ChatClientOptions {
  /** Where the router is mounted, e.g. `https://api.example.com/api/v1/ai` (no trailing slash needed). */
  baseUrl: string;
  /** A JWT sent as `Authorization: Bearer`. Kept in memory only. */
  token?: string;
  /**
   * Returns a fresh JWT. Called when no `token` is set, and once after a 401 (then the request is
   * retried once with the new token). Defaults to none.
   */
  getToken?: () => string | Promise<string>;
  /** The fetch implementation. Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Retry policy for network errors, 5xx, 429 and 503. */
  retry?: RetryOptions;
  /**
   * The server's heartbeat interval; the stream watchdog reconnects after 2.5× this with nothing
   * received. Defaults to 15000.
   */
  heartbeatMs?: number;
  /**
   * How long a stream may take to open (the headers and first bytes of a `text/event-stream`
   * response) before the turn falls back to REST (or, on a reconnect, retries). Defaults to 15000.
   */
  streamOpenTimeoutMs?: number;
  /**
   * Send a turn to `POST /chat` (with the same `Idempotency-Key`) when the stream cannot work here:
   * at once when it cannot start (a proxy's 502/504, not an event stream, nothing within
   * `streamOpenTimeoutMs`), and when it is given up after its retries (network, timeout, malformed
   * data) before any text arrived. Defaults to true.
   */
  fallbackToRest?: boolean;
  /** HTTP method of the stream route: `POST` (JSON body) or `GET` (the request as a query string). Defaults to `POST`. */
  streamMethod?: 'POST' | 'GET';
}

/** Capped exponential backoff with full jitter; `Retry-After` wins when the server sends it. */
export interface RetryOptions {
  /** Attempts after the first. Defaults to 5. */
  maxRetries?: number;
  /** First backoff step. Defaults to 500. */
  baseDelayMs?: number;
  /**
   * Longest wait between attempts. A `Retry-After` longer than this is not waited out: the call
   * fails with the server's error (its `retryAfter` set) so the UI can say when to try again.
   * Defaults to 10000.
   */
  maxDelayMs?: number;
}

/** Per-call options shared by every client method. */
export interface CallOptions {
  /** Aborts the call (and, for streams, the connection; the server keeps the run for its grace period). */
  signal?: AbortSignal;
}

/** Options of {@link ChatClient.send} and {@link ChatClient.stream}. */
export interface TurnOptions extends CallOptions {
  /** Deduplicates the turn across retries, resumes and REST fallback. Defaults to a new UUID. */
  idempotencyKey?: string;
}

/** Callbacks of {@link ChatClient.stream}, an alternative to iterating the stream. */
export interface StreamCallbacks {
  /**
   * Every event, in order, exactly once (resumes never repeat text): the same events iteration
   * yields, so a failure arrives through `result`, not as an `error` event. A throwing callback is
   * reported (`reportError`) and does not break the stream; so are the others below.
   */
  onEvent?: (event: ChatEvent) => void;
  /** New text and the whole answer so far. */
  onToken?: (delta: string, text: string) => void;
  /** A reconnect or retry is about to happen. */
  onRetry?: (info: RetryInfo) => void;
  /** The turn gave up on the stream and went to `POST /chat`; `reason` says why. */
  onFallback?: (reason: string) => void;
}

/** Why and when the client retries. */
export interface RetryInfo {
  /**
   * Backoff retries so far, this one included (1 for the first). A retry after a token refresh
   * (401) does not count and has `delayMs` 0. Resets when a reconnected stream makes progress.
   */
  attempt: number;
  /** Wait before the retry, in milliseconds. */
  delayMs: number;
  /** The code of the failure, e.g. `NETWORK_ERROR`, `RATE_LIMITED`, `STREAM_TIMEOUT`, `AUTH_EXPIRED`. */
  reason: string;
  /** The failure itself. */
  error: ChatClientError;
}

/** Options of {@link ChatClient.stream}. */
export interface StreamOptions extends TurnOptions, StreamCallbacks {}

/** What a finished turn produced, whatever the transport. */
export interface ChatTurnResult {
  conversationId: string;
  messageId: string;
  content: string;
  status: 'complete' | 'stopped';
  finishReason: FinishReason;
  usage: Usage;
  model: string;
  /** `rest` when the turn fell back to (or was sent through) `POST /chat`. */
  transport: 'sse' | 'rest';
  /** How the answer's SQL code blocks fit the project's schema, when it has any. */
  sqlCheck?: SqlCheck;
  /**
   * A Continue: the length of the answer's text before this turn. `content` is then only what
   * the turn added (append it to the text already shown).
   */
  continuedFrom?: number;
  /** When the server has a daily token allowance: the user's allowance after this turn. */
  quota?: Quota;
}

/**
 * A running streamed turn: iterate it for typed events (`conversationId`, `token`…, then
 * `complete`; a failure throws a `ChatClientError`, and `error` events are never yielded), or
 * await `result`. The request starts at once, whether or not anyone iterates. Events wait in a
 * buffer until iterated, for one consumer; once an iteration has ended (done, thrown, or left with
 * `break`), iterating again yields nothing. Leaving a `for await` early aborts the turn.
 */
export interface ChatStream extends AsyncIterable<ChatEvent> {
  readonly idempotencyKey: string;
  /**
   * Settles when the turn ends: the full answer, or a `ChatClientError` (`ABORTED` after an abort).
   * Never an unhandled rejection: a caller who only uses callbacks need not await it.
   */
  readonly result: Promise<ChatTurnResult>;
  /** Closes the connection without stopping generation on the server (use `stop()` for that). */
  abort(): void;
}

/** Paging of list calls. */
export interface PageOptions extends CallOptions {
  cursor?: string;
  limit?: number;
}

/** The client returned by `createChatClient()`. */
export interface ChatClient {
  /**
   * REST turn: the whole answer at once (`POST /chat`). A question (`message`), or a Regenerate
   * or Continue of the last answer (`regenerate` / `continue` with its `conversationId`).
   */
  send(request: ChatRequest, options?: TurnOptions): Promise<ChatResponse>;
  /**
   * Streamed turn over SSE, with retry, resume and REST fallback: a question, a Regenerate or a
   * Continue, as for {@link send}.
   */
  stream(request: ChatRequest, options?: StreamOptions): ChatStream;
  /** Stops the running answer of a conversation; its partial text is kept as `stopped`. */
  stop(conversationId: string, options?: CallOptions): Promise<StopResponse>;
  /** The caller's conversations in a project, newest first. */
  listConversations(projectId: string, options?: PageOptions): Promise<Page<ConversationSummary>>;
  /** The latest messages of a conversation, oldest first; `nextCursor` pages to older ones. */
  getMessages(conversationId: string, options?: PageOptions): Promise<Page<ChatMessage>>;
  /** Deletes one of the caller's conversations. */
  deleteConversation(conversationId: string, options?: CallOptions): Promise<void>;
  /** Renames one of the caller's conversations (`PATCH /conversations/:id`). */
  renameConversation(
    conversationId: string,
    title: string,
    options?: CallOptions,
  ): Promise<ConversationSummary>;
  /**
   * Rates one of the caller's answers (`POST /messages/:id/feedback`), or with `null` takes the
   * rating back; resolves with what is stored now.
   */
  sendFeedback(
    messageId: string,
    feedback: { rating: FeedbackRating; comment?: string } | null,
    options?: CallOptions,
  ): Promise<FeedbackResponse>;
  /** The caller's tokens today and the daily allowance, if any (`GET /usage`). */
  getUsage(options?: CallOptions): Promise<UsageResponse>;
  /** The caller's projects (when the server's project resolver can list). */
  listProjects(options?: CallOptions): Promise<ProjectSummary[]>;
  /** Replaces the token (e.g. after the host page refreshed it). */
  setToken(token: string | undefined): void;
  /**
   * The bearer token the next request will carry (the one set, or what `getToken` gives): lets a
   * UI that was handed this client tell who is signed in.
   */
  currentToken(): Promise<string | undefined>;
}
