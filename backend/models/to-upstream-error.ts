// Maps whatever an OpenAI-compatible call throws to a coded ChatError whose message says nothing
// about the provider (the original error is kept as `cause`, for logs only).

import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import { ChatError } from '../errors.js';

/**
 * HTTP status of `CONTEXT_TOO_LONG`: 422 Unprocessable Content. The request is well-formed and
 * valid on its own; it is the conversation plus the schema that no longer fits the model's
 * context, which 422 names precisely and which keeps 400 meaning "your request is malformed".
 * Not retryable: the same request fails the same way.
 */
export const CONTEXT_TOO_LONG_STATUS = 422;

/** Client-safe messages, one per situation. */
const MESSAGES = {
  unavailable: 'The AI model is unavailable right now. Please try again.',
  timeout: 'The AI model took too long to respond. Please try again.',
  rateLimited: 'The AI model is busy right now. Please try again shortly.',
  failed: 'The AI model could not answer. Please try again.',
  rejected: 'The AI model rejected the request.',
  contextTooLong:
    'This conversation is too long for the AI model. Start a new conversation or ask a shorter question.',
  badResponse: 'The AI model sent an invalid response. Please try again.',
} as const;

/** Error codes of the network layer (undici, Node) that mean the upstream cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Classifies an error from the `openai` client (or from reading its stream):
 *
 * | cause | code | status | retryable |
 * |---|---|---|---|
 * | connection refused, reset, DNS, socket closed mid-stream | `UPSTREAM_UNAVAILABLE` | 503 | yes |
 * | request timeout (no response headers in time), HTTP 408 | `UPSTREAM_TIMEOUT` | 504 | yes |
 * | HTTP 429 (`retryAfter` from `Retry-After` / `retry-after-ms`) | `UPSTREAM_RATE_LIMITED` | 503 | yes |
 * | HTTP 400/413/422 saying the context length is exceeded | `CONTEXT_TOO_LONG` | 422 | no |
 * | HTTP 5xx, or an error event inside the stream | `UPSTREAM_ERROR` | 502 | yes |
 * | any other HTTP 4xx (bad key, unknown model, …) | `UPSTREAM_ERROR` | 502 | no |
 * | unparseable chunk, response without a body | `UPSTREAM_BAD_RESPONSE` | 502 | yes |
 *
 * A `ChatError` passes through unchanged.
 */
export function toUpstreamError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  if (error instanceof APIConnectionTimeoutError) return timeoutError(error);
  if (error instanceof APIConnectionError || error instanceof APIUserAbortError) {
    return unavailableError(error);
  }
  if (error instanceof APIError) {
    const status = error.status;
    if (status === undefined) {
      // An `error` payload inside an otherwise fine stream (vLLM engine failure mid-answer).
      return new ChatError('UPSTREAM_ERROR', MESSAGES.failed, {
        status: 502,
        retryable: true,
        cause: error,
      });
    }
    const retryAfter = parseRetryAfter(error.headers);
    if (status === 429) {
      return new ChatError('UPSTREAM_RATE_LIMITED', MESSAGES.rateLimited, {
        status: 503,
        retryable: true,
        retryAfter,
        cause: error,
      });
    }
    if (status === 408) return timeoutError(error);
    if ((status === 400 || status === 413 || status === 422) && isContextLengthError(error)) {
      return new ChatError('CONTEXT_TOO_LONG', MESSAGES.contextTooLong, {
        status: CONTEXT_TOO_LONG_STATUS,
        cause: error,
      });
    }
    if (status >= 500) {
      return new ChatError('UPSTREAM_ERROR', MESSAGES.failed, {
        status: 502,
        retryable: true,
        retryAfter,
        cause: error,
      });
    }
    return new ChatError('UPSTREAM_ERROR', MESSAGES.rejected, { status: 502, cause: error });
  }
  if (error instanceof SyntaxError || error instanceof OpenAIError) return badResponseError(error);
  if (isNetworkError(error)) return unavailableError(error);
  return new ChatError('UPSTREAM_ERROR', MESSAGES.failed, {
    status: 502,
    retryable: true,
    cause: error,
  });
}

/** `UPSTREAM_TIMEOUT` (504, retryable). */
export function timeoutError(cause?: unknown): ChatError {
  return new ChatError('UPSTREAM_TIMEOUT', MESSAGES.timeout, {
    status: 504,
    retryable: true,
    cause,
  });
}

/** `UPSTREAM_BAD_RESPONSE` (502, retryable): a malformed chunk, or a stream with no finish. */
export function badResponseError(cause?: unknown): ChatError {
  return new ChatError('UPSTREAM_BAD_RESPONSE', MESSAGES.badResponse, {
    status: 502,
    retryable: true,
    cause,
  });
}

function unavailableError(cause: unknown): ChatError {
  return new ChatError('UPSTREAM_UNAVAILABLE', MESSAGES.unavailable, {
    status: 503,
    retryable: true,
    cause,
  });
}

/**
 * Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), rounded up;
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return Math.ceil(millis / 1000);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number.parseFloat(value));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** vLLM says "maximum context length"; OpenAI adds the code `context_length_exceeded`. */
function isContextLengthError(error: APIError): boolean {
  if (error.code === 'context_length_exceeded') return true;
  return /maximum context length|context length|context window|too many tokens|reduce the length/i.test(
    error.message,
  );
}

/** Whether an error (or its cause chain) is a socket/DNS failure. */
function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    // undici reports a body cut off mid-stream as `TypeError: terminated`.
    if (
      current instanceof TypeError &&
      /terminated|fetch failed|other side closed/i.test(current.message)
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
