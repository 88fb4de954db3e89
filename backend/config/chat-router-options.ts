// The public options of createChatRouter(). Resolved once, at setup, into a ChatRouterConfig.

import type { KeyObject } from 'node:crypto';
import type { Request } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatUser, ProjectResolverLike } from '../projects/project-resolver.js';
import type { FeedbackRecord } from '../routes/answer-routes.js';
import type { RunRegistry } from '../runs/run-registry.js';
import type { ChatStore } from '../stores/chat-store.js';
import type { TurnRecord } from '../turns/turn-record.js';

/**
 * A JWT signature algorithm the router accepts (RFC 7518): HMAC with a `secret`, RSA (PKCS#1 v1.5
 * or PSS) or ECDSA with a `publicKey`. `none` is never accepted.
 */
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512';

/** How callers are authenticated. Give exactly one of `secret`, `publicKey` or `authenticate`. */
export interface AuthOptions {
  /**
   * HS256/384/512 shared secret, at least 32 bytes (a weaker one refuses to start). Defaults to
   * none.
   */
  secret?: string | Buffer;
  /** PEM (or a `KeyObject`) of an RSA or EC public key, for RS256/PS256/ES256 tokens. Defaults to none. */
  publicKey?: string | Buffer | KeyObject;
  /**
   * Accepted `alg` values, pinned (never read from the token). Defaults to `['HS256']` with a
   * secret, `['RS256']` with an RSA key, `['ES256']` with a P-256 key.
   */
  algorithms?: JwtAlgorithm[];
  /** Required `iss`. Defaults to not checked. */
  issuer?: string | string[];
  /** Required `aud`. Defaults to not checked. */
  audience?: string | string[];
  /** Seconds of clock skew allowed for `exp`/`nbf`. Defaults to 5. */
  clockToleranceSec?: number;
  /** Oldest accepted `iat`, e.g. `'12h'` or seconds. Defaults to not checked. */
  maxAge?: string | number;
  /**
   * Replaces JWT verification: return the user, or `undefined` for 401 `AUTH_MISSING`; throw a
   * `ChatError` for another code. Defaults to none.
   */
  authenticate?: (req: Request) => ChatUser | undefined | Promise<ChatUser | undefined>;
}

/** Limits that protect the model server, the budget and other users. */
export interface LimitsOptions {
  /** Longest question, in characters (413 `MESSAGE_TOO_LONG` beyond). Defaults to 4000. */
  maxMessageChars?: number;
  /** Stored messages sent as context before the question. Defaults to 10. */
  historySize?: number;
  /**
   * New turns per user in any 60 s, streamed and REST together: the budget of model calls. Only
   * turns that start count (not those refused by a limit, a 409 or a 404); resumes and retries with
   * the same `Idempotency-Key` are the same turn. Counted by the run registry, so a shared one
   * (RedisRunRegistry) counts it across instances. Defaults to 10.
   */
  streamsPerMinute?: number;
  /** Requests of any kind per user per minute (turns, history, stop…). Defaults to 60. */
  requestsPerMinute?: number;
  /** Answers generating at once per user (SSE and REST). Defaults to 3. */
  maxConcurrentStreams?: number;
  /** Tokens (prompt + completion) per user per UTC day; 429 `QUOTA_EXCEEDED` beyond. Defaults to unlimited. */
  tokensPerDay?: number;
  /** Token budget of the schema in the prompt; larger schemas are trimmed to the relevant tables. Defaults to 6000. */
  schemaTokenBudget?: number;
  /** Largest JSON body, in bytes. Defaults to 65536. */
  maxBodyBytes?: number;
  /**
   * express-rate-limit store of the request limit (`requestsPerMinute`), shared by several
   * instances (e.g. rate-limit-redis). Defaults to in-memory.
   */
  rateLimitStore?: () => RateLimitStore;
}

/** Timers of a streamed turn, in milliseconds. */
export interface TimeoutOptions {
  /** Wait for the model's first token before `UPSTREAM_TIMEOUT`. Defaults to 30000. */
  firstTokenMs?: number;
  /** Silence between tokens before `UPSTREAM_TIMEOUT`; reset only by content, never by keep-alives. Defaults to 60000. */
  idleMs?: number;
  /** Interval of `: ping` comments on open streams. Defaults to 15000. */
  heartbeatMs?: number;
  /** How long a generation goes on with no client attached before it stops as `interrupted`. Defaults to 30000. */
  disconnectGraceMs?: number;
  /** How long a finished run stays replayable from memory (after that, from the store). Defaults to 300000. */
  replayTtlMs?: number;
  /**
   * Interval of partial-text checkpoints to the store. A checkpoint rewrites the whole partial
   * answer, so answers past 16,384 characters are saved proportionally less often (at most about
   * that many characters per interval each), and past 256 running answers each is saved less
   * often too (at most 64 saves a quarter interval). Defaults to 1000.
   */
  checkpointMs?: number;
  /**
   * Longest a token waits to share a `token` event with the tokens after it. The first token, and
   * any token after a pause this long, goes out at once; a steady stream sends one event per
   * `flushTokens` tokens, or per `flushMs`, whichever comes first. 0 sends every event-loop turn's
   * tokens at once. Defaults to 75: a 50 tokens/s model's text arrives in 3–4-token steps about
   * every 75 ms (under the 80 ms a reader notices; ~3.5× fewer writes and bytes than one event per
   * token), while a fast one is sent every `flushTokens` tokens (bench/RESULTS.md S1, S6, S7).
   */
  flushMs?: number;
  /**
   * A `token` event goes out as soon as it holds this many tokens, so a fast model is not held
   * back by `flushMs` (at 500 tokens/s, an event every 8 ms). Defaults to 4.
   */
  flushTokens?: number;
  /** The `retry:` hint sent at the start of each stream. Defaults to 2000. */
  retryHintMs?: number;
}

/** Cross-origin access for pages on other origins (the widget on a third-party site). */
export interface CorsOptions {
  /**
   * Origins allowed to call the API, e.g. `['https://shop.example']`. Same-origin requests are
   * always allowed; others get 403 `FORBIDDEN_ORIGIN`. Defaults to `[]`.
   */
  origins: string[];
  /** Seconds browsers may cache a preflight. Defaults to 600. */
  maxAgeSec?: number;
}

/** Options of `createChatRouter()`. */
export interface ChatRouterOptions {
  /** Who the caller is. Required. */
  auth: AuthOptions;
  /** Finds the project (and its schema) for a user; no access is 404. Required. */
  projects: ProjectResolverLike;
  /**
   * Where conversations live. Defaults to `SqliteChatStore` at `SCHEMA_CHAT_DB` or
   * `./data/schema-chat.db`.
   */
  store?: ChatStore;
  /**
   * The model. Defaults to `OpenAIChatModel` configured from `VLLM_QWEN_7B_URL` /
   * `OPENAI_BASE_URL` and `OPENAI_API_KEY` (model `Qwen/Qwen2.5-7B-Instruct`, temperature 0.7,
   * 1500 max tokens).
   */
  model?: ChatModel;
  /** Extra system instructions appended after the schema. Defaults to none. */
  instructions?: string;
  /** See {@link LimitsOptions}. */
  limits?: LimitsOptions;
  /** See {@link TimeoutOptions}. */
  timeouts?: TimeoutOptions;
  /** Cross-origin access; `false` leaves CORS entirely to the host app. Defaults to same-origin only. */
  cors?: CorsOptions | false;
  /**
   * gzip responses (SSE included: every event is flushed at once) when the client accepts it.
   * Costs a zlib context (~ 100 KB) per open stream. Defaults to false.
   */
  compression?: boolean;
  /** In-flight generations; replace for several instances. Defaults to in-memory. */
  runs?: RunRegistry;
  /** Serve the drop-in widget bundle at `GET /widget.js`; a path serves that file instead. Defaults to true. */
  widget?: boolean | string;
  /** Where logs go. Defaults to JSON lines on stdout/stderr. */
  logger?: ChatLogger;
  /** Called once when every turn ends, for the host's metrics. Defaults to none. */
  onTurnEnd?: (record: TurnRecord) => void;
  /**
   * Called after a user's feedback on an answer is stored (`POST /messages/:id/feedback`), for the
   * host's analytics: which answers users rate down. It never delays or fails the request.
   * Defaults to none.
   */
  onFeedback?: (record: FeedbackRecord) => void;
}
