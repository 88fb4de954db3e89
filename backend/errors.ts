// Coded errors of the backend: one class carries the HTTP status, the wire code and whether a retry
// may help, so every failure reaches the client as the one JSON error shape of DESIGN.md §2.

import type { ErrorBody, ErrorCode, ErrorDetail } from '../sdk/protocol.js';

/** Options of {@link ChatError}. */
export interface ChatErrorInit {
  /** HTTP status when the error happens before a stream starts. */
  status: number;
  /** Whether the same request may succeed later. Defaults to false. */
  retryable?: boolean;
  /** Seconds to wait before retrying (sent as `Retry-After`). */
  retryAfter?: number;
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

  constructor(code: ErrorCode, message: string, init: ChatErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ChatError';
    this.code = code;
    this.status = init.status;
    this.retryable = init.retryable ?? false;
    this.retryAfter = init.retryAfter;
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
    status: 500,
    cause: value,
  });
}
