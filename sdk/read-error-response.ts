// Turns a non-2xx response into a `ChatClientError`: the server's coded JSON body when there is
// one (docs/protocol.md, Errors), a code derived from the status when a proxy answered instead.

import { ChatClientError, type ClientErrorCode } from './chat-client-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import type { ErrorCode, ErrorDetail } from './protocol.js';

/** What {@link readErrorResponse} found. */
export interface ErrorResponse {
  error: ChatClientError;
  /** Whether the body was schema-chat's JSON error shape (false: a proxy or another server answered). */
  coded: boolean;
}

// Codes for responses without a schema-chat body (a proxy, a load balancer, a misrouted URL).
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'AUTH_INVALID',
  403: 'FORBIDDEN_ORIGIN',
  404: 'NOT_FOUND',
  409: 'TURN_IN_PROGRESS',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'UPSTREAM_UNAVAILABLE',
  503: 'SERVER_BUSY',
  504: 'UPSTREAM_TIMEOUT',
};

/**
 * Whether a status may succeed when the same request is sent again: 408, 425, 429 and 5xx.
 * 400/401/403/404/409/413 and the other 4xx are final (401 is handled apart: one token refresh).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Reads the `{"error":{code,message,retryable,retryAfter?}}` shape out of a body text, or
 * `undefined` when the text is not that shape (HTML error pages, truncated JSON, …).
 */
export function parseErrorBody(text: string): ErrorDetail | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  return readErrorDetail((body as { error?: unknown }).error);
}

/** Checks an `ErrorDetail` (the `error` of a body or of an `error` event); `undefined` if it is not one. */
export function readErrorDetail(value: unknown): ErrorDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, message, retryable, retryAfter } = value as Record<string, unknown>;
  if (typeof code !== 'string' || code === '' || typeof message !== 'string') return undefined;
  const detail: ErrorDetail = {
    code: code as ErrorCode,
    message,
    retryable: retryable === true,
  };
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    detail.retryAfter = retryAfter;
  }
  return detail;
}

/**
 * Reads a failed response into a {@link ChatClientError}. `retryable` is true only when the status
 * allows a retry and the server did not say otherwise (`retryable: false` in the body is final,
 * e.g. the replay of a turn that already failed). `retryAfter` (seconds) comes from the `Retry-After` header, else
 * from the body. A body that is not schema-chat's shape never reaches the message: proxies' HTML
 * and stack traces stay out of the UI.
 */
export async function readErrorResponse(response: Response, nowMs: number): Promise<ErrorResponse> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body broke off: the status alone still says what happened.
  }
  const detail = parseErrorBody(text);
  const headerDelayMs = parseRetryAfter(response.headers.get('retry-after'), nowMs);
  const retryAfter = headerDelayMs === undefined ? detail?.retryAfter : headerDelayMs / 1000;
  const code: ErrorCode | ClientErrorCode =
    detail?.code ?? CODE_BY_STATUS[response.status] ?? 'BAD_RESPONSE';
  const message = detail?.message || `The chat server answered with HTTP ${response.status}.`;
  const error = new ChatClientError(message, {
    status: response.status,
    code,
    retryable: isRetryableStatus(response.status) && detail?.retryable !== false,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
  return { error, coded: detail !== undefined };
}
