// Coded errors of the backend: one class carries the HTTP status, the wire code and whether a retry
// may help, so every failure reaches the client as the one JSON error shape (docs/protocol.md, Errors).

import type { ErrorBody, ErrorCode, ErrorDetail } from '../sdk/protocol.js';
import type { RateLimitState } from './limits/format-rate-limit-headers.js';

/** The HTTP status of each code when it happens before a stream starts (docs/protocol.md, Errors). */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MESSAGE_TOO_LONG: 413,
  PAYLOAD_TOO_LARGE: 413,
  AUTH_MISSING: 401,
  AUTH_MALFORMED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  AUTH_NOT_YET_VALID: 401,
  AUTH_NO_EXPIRY: 401,
  AUTH_NO_SUBJECT: 401,
  AUTH_WRONG_AUDIENCE: 401,
  AUTH_WRONG_ISSUER: 401,
  AUTH_TOO_OLD: 401,
  FORBIDDEN_ORIGIN: 403,
  NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  TURN_IN_PROGRESS: 409,
  ANSWER_NOT_LATEST: 409,
  ANSWER_NOT_CONTINUABLE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RESUME_UNAVAILABLE: 410,
  RATE_LIMITED: 429,
  CONCURRENT_STREAM_LIMIT: 429,
  QUOTA_EXCEEDED: 429,
  GENERATION_INTERRUPTED: 502,
  UPSTREAM_ERROR: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_RATE_LIMITED: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  CONTEXT_TOO_LONG: 422,
  SERVER_BUSY: 503,
  STORAGE_ERROR: 503,
  INTERNAL_ERROR: 500,
};

/** Options of {@link ChatError}. */
export interface ChatErrorInit {
  /** HTTP status when the error happens before a stream starts. Defaults to the code's status. */
  status?: number;
  /** Whether the same request may succeed later. Defaults to false. */
  retryable?: boolean;
  /** Seconds to wait before retrying (sent as `Retry-After`). */
  retryAfter?: number;
  /** The budget that refused the request, sent as `RateLimit` headers. */
  rateLimit?: RateLimitState;
  /** The underlying error, for logs only: it never reaches a client. */
  cause?: unknown;
}

/**
 * An expected failure with a wire code. `message` is shown to clients, so it must never contain
 * provider, SQL or stack text; put those in `cause`.
 */
export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;
  readonly rateLimit: RateLimitState | undefined;

  constructor(code: ErrorCode, message: string, init: ChatErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ChatError';
    this.code = code;
    this.status = init.status ?? STATUS_BY_CODE[code];
    this.retryable = init.retryable ?? false;
    this.retryAfter = init.retryAfter;
    this.rateLimit = init.rateLimit;
  }

  /** The error as it appears on the wire. */
  toDetail(): ErrorDetail {
    const detail: ErrorDetail = {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.retryAfter !== undefined) detail.retryAfter = this.retryAfter;
    return detail;
  }

  /** The body of an HTTP error response. */
  toBody(): ErrorBody {
    return { error: this.toDetail() };
  }
}

/** Whether a value is a {@link ChatError}. */
export function isChatError(value: unknown): value is ChatError {
  return value instanceof ChatError;
}

/**
 * Turns anything thrown into a {@link ChatError}: coded errors pass through, the rest become a
 * generic `INTERNAL_ERROR` whose message reveals nothing about the cause.
 */
export function toChatError(value: unknown): ChatError {
  if (isChatError(value)) return value;
  return new ChatError('INTERNAL_ERROR', 'The server could not complete the request.', {
    cause: value,
  });
}

/** Rebuilds a ChatError from an `error` event or body (replays of stored or remote runs). */
export function fromErrorDetail(detail: ErrorDetail): ChatError {
  const init: ChatErrorInit = { retryable: detail.retryable };
  if (detail.retryAfter !== undefined) init.retryAfter = detail.retryAfter;
  return new ChatError(detail.code, detail.message, init);
}
