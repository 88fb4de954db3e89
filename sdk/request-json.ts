// The REST edge of the client: one JSON request with auth, retry with backoff and one token
// refresh after a 401.

import { buildUrl, type QueryParams } from './build-url.js';
import type { RetryInfo } from './chat-client.js';
import { ChatClientError } from './chat-client-error.js';
import { computeRetryDelay } from './compute-retry-delay.js';
import { createAbortedError } from './create-aborted-error.js';
import type { TokenSource } from './create-token-source.js';
import { linkAbortSignal } from './link-abort-signal.js';
import { IDEMPOTENCY_KEY_HEADER } from './protocol.js';
import { raceAbort } from './race-abort.js';
import { readErrorResponse } from './read-error-response.js';
import type { ChatClientConfig } from './resolve-chat-client-config.js';

/** What every request needs: the resolved options and the token state. */
export interface ClientContext {
  config: ChatClientConfig;
  tokens: TokenSource;
}

/** One REST call. */
export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Route relative to `baseUrl`, with ids already encoded. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  idempotencyKey?: string;
}

/** Shared by every attempt of one call (and of one turn, across stream and REST fallback). */
export interface AuthBudget {
  /** Whether the one token refresh after a 401 was used. */
  refreshed: boolean;
}

/** Per-call hooks of {@link requestJson}. */
export interface RequestHooks {
  signal?: AbortSignal | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Defaults to a fresh budget for this call. */
  auth?: AuthBudget;
}

/** The error of a request that got no (complete) response. */
export function createNetworkError(cause: unknown): ChatClientError {
  return new ChatClientError('The chat server could not be reached.', {
    status: 0,
    code: 'NETWORK_ERROR',
    retryable: true,
    cause,
  });
}

/** The `Authorization` header value, or nothing. */
export function authorizationHeader(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

/**
 * Whether to retry after `error`, and how: after a first 401, refreshes the token (once per
 * budget) and answers 0; for a retryable error answers the backoff delay; otherwise `undefined`.
 */
export async function planRetry(
  ctx: ClientContext,
  error: ChatClientError,
  attempt: number,
  auth: AuthBudget,
  baseDelayMs = ctx.config.retry.baseDelayMs,
): Promise<number | undefined> {
  if (error.status === 401) {
    if (auth.refreshed) return undefined;
    auth.refreshed = true;
    return (await ctx.tokens.refresh()) ? 0 : undefined;
  }
  if (!error.retryable) return undefined;
  return computeRetryDelay({
    attempt,
    ...ctx.config.retry,
    baseDelayMs: Math.min(baseDelayMs, ctx.config.retry.maxDelayMs),
    retryAfterMs: error.retryAfter === undefined ? undefined : error.retryAfter * 1000,
    random: ctx.config.random,
  });
}

async function sendOnce(
  ctx: ClientContext,
  request: JsonRequest,
  signal: AbortSignal,
): Promise<unknown> {
  const { config } = ctx;
  const token = await raceAbort(ctx.tokens.get(), signal);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...authorizationHeader(token),
  };
  if (request.idempotencyKey !== undefined)
    headers[IDEMPOTENCY_KEY_HEADER] = request.idempotencyKey;
  let body: string | undefined;
  if (request.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  const url = buildUrl(config.baseUrl, request.path, request.query);
  const cancelBody = (response: Response) => response.body?.cancel().catch(() => {});
  let response: Response;
  let text: string;
  try {
    response = await raceAbort(
      config.fetch(url, { method: request.method, headers, body, signal }),
      signal,
      cancelBody,
    );
    if (!response.ok)
      throw (await raceAbort(readErrorResponse(response, config.now()), signal)).error;
    text = await raceAbort(response.text(), signal);
  } catch (cause) {
    if (signal.aborted) throw createAbortedError(signal.reason);
    if (cause instanceof ChatClientError) throw cause;
    throw createNetworkError(cause);
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ChatClientError('The chat server sent a response that is not JSON.', {
      status: response.status,
      code: 'BAD_RESPONSE',
      retryable: false,
      cause,
    });
  }
}

/**
 * Sends one JSON request and returns the parsed body (`undefined` for an empty one, e.g. 204).
 * Network errors, 5xx, 429 and 503 are retried with backoff (`Retry-After` first) and the same
 * `Idempotency-Key`; a 401 refreshes the token once and retries once; the rest throw at once. Every
 * failure is a `ChatClientError`; an abort is `ABORTED`.
 */
export async function requestJson(
  ctx: ClientContext,
  request: JsonRequest,
  hooks: RequestHooks = {},
): Promise<unknown> {
  // An own controller, so a response that arrives after the caller's abort can be cancelled.
  const controller = new AbortController();
  const { signal } = controller;
  const unlink = linkAbortSignal(hooks.signal, controller);
  const auth = hooks.auth ?? { refreshed: false };
  try {
    for (let attempt = 0; ; ) {
      let error: ChatClientError;
      try {
        return await sendOnce(ctx, request, signal);
      } catch (cause) {
        error = cause instanceof ChatClientError ? cause : createNetworkError(cause);
      }
      if (signal.aborted) throw createAbortedError(signal.reason);
      const delayMs = await planRetry(ctx, error, attempt, auth);
      if (delayMs === undefined) throw error;
      if (error.status !== 401) attempt += 1;
      hooks.onRetry?.({ attempt, delayMs, reason: error.code, error });
      if (delayMs > 0) await ctx.config.sleep(delayMs, signal);
    }
  } finally {
    unlink();
  }
}
