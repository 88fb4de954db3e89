// The one error type the client throws: the server's coded error, or a transport failure.

import type { ErrorCode } from './protocol.js';

/** Codes the client adds for failures that never reached (or never came back from) the server. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'ABORTED' | 'BAD_RESPONSE' | 'STREAM_TIMEOUT';

/** Options of {@link ChatClientError}. */
export interface ChatClientErrorInit {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  code: ErrorCode | ClientErrorCode;
  retryable: boolean;
  /** Seconds the server asked to wait (`Retry-After`). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * A failed client call. `code` is the server's error code (`RATE_LIMITED`, `AUTH_EXPIRED`, …) or a
 * client code (`NETWORK_ERROR`, `ABORTED`, …); `retryable` says whether trying again may help.
 */
export class ChatClientError extends Error {
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;

  constructor(message: string, init: ChatClientErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ChatClientError';
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.retryAfter = init.retryAfter;
  }
}
