// Sends one streamed chat-completion request the way the `openai` client does (bearer key, JSON
// body, a time limit for the response headers, retries with the client's backoff and
// `Retry-After` rules, its error classes), without its per-request machinery: building the
// request through the client cost ~0.3 ms per turn, on the time to the first token (bench S3).
// Used by OpenAIChatModel when it owns the connection; a caller-supplied client is used as is.

import type { IncomingHttpHeaders } from 'node:http';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { NodeHttpResponse, NodeHttpTransport } from './node-http-transport.js';

/** One request. */
export interface ChatCompletionRequest {
  /** `<baseURL>/chat/completions`. */
  url: string;
  apiKey: string;
  /** The request body (sent as JSON). */
  body: Record<string, unknown>;
  /** Aborts the request, and the response body once it streams. */
  signal: AbortSignal;
  /** Most time to wait for the response headers of one attempt, ms. */
  timeoutMs: number;
  /** Retries of connection failures and of 408, 409, 429 and 5xx responses. */
  maxRetries: number;
  transport: NodeHttpTransport;
  /** The turn on the turn-step diagnostics channel. Defaults to none. */
  trace?: object;
}

/** Longest `Retry-After` honoured, as in the openai client; longer ones fall back to backoff. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Resolves with the response once a 2xx response's headers arrive (its body still streaming,
 * tied to `signal`). Throws the `openai` package's errors, so `toUpstreamError` classifies them
 * exactly as it does the client's: `APIUserAbortError` when `signal` aborts,
 * `APIConnectionTimeoutError` / `APIConnectionError` once retries are spent, and
 * `APIError.generate(status, body, …)` for an error status.
 */
export async function requestChatCompletion(
  request: ChatCompletionRequest,
): Promise<NodeHttpResponse> {
  const { signal, maxRetries } = request;
  const body = JSON.stringify(request.body);
  const headers = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: `Bearer ${request.apiKey}`,
  };
  for (let attempt = 0; ; attempt++) {
    const retriesLeft = maxRetries - attempt;
    if (signal.aborted) throw new APIUserAbortError();
    let response: NodeHttpResponse;
    try {
      response = await request.transport.post(
        request.url,
        headers,
        body,
        signal,
        request.timeoutMs,
        request.trace,
      );
    } catch (error) {
      if (signal.aborted) throw new APIUserAbortError();
      if (retriesLeft > 0) {
        await sleep(backoffMs(maxRetries, retriesLeft), signal);
        continue;
      }
      if ((error as Error).name === 'TimeoutError') throw new APIConnectionTimeoutError();
      throw new APIConnectionError({ cause: error as Error });
    }
    // A streaming body stays tied to `signal`: aborting it destroys the body.
    if (response.status >= 200 && response.status < 300) return response;
    const responseHeaders = toHeaders(response.headers);
    if (retriesLeft > 0 && shouldRetry(response.status, responseHeaders)) {
      response.body.resume(); // drained, so the connection can be reused
      await sleep(retryDelayMs(responseHeaders, maxRetries, retriesLeft), signal);
      continue;
    }
    const text = await readAll(response.body).catch((error: unknown) => String(error));
    const json = parseJson(text);
    throw APIError.generate(
      response.status,
      json as object | undefined,
      json === undefined ? text : undefined,
      responseHeaders,
    );
  }
}

/** Node's header object as WHATWG `Headers`, which the openai error classes expect. */
export function toHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers) as Array<
    [string, string | string[] | undefined]
  >) {
    if (Array.isArray(value)) for (const item of value) out.append(name, item);
    else if (value !== undefined) out.append(name, value);
  }
  return out;
}

/** An error body, at most 1 MiB of it. */
async function readAll(body: NodeHttpResponse['body']): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += chunk;
    if (text.length > 1024 * 1024) {
      body.destroy();
      break;
    }
  }
  return text;
}

/** The openai client's rule: the server's `x-should-retry`, else 408, 409, 429 and 5xx. */
function shouldRetry(status: number, headers: Headers): boolean {
  const header = headers.get('x-should-retry');
  if (header === 'true') return true;
  if (header === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after-ms`, then `Retry-After` (seconds or a date) when within a minute; else backoff. */
export function retryDelayMs(headers: Headers, maxRetries: number, retriesLeft: number): number {
  let delay: number | undefined;
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(millis)) delay = millis;
  const retryAfter = headers.get('retry-after');
  if (delay === undefined && retryAfter) {
    const seconds = Number.parseFloat(retryAfter);
    delay = Number.isNaN(seconds) ? Date.parse(retryAfter) - Date.now() : seconds * 1000;
  }
  if (delay === undefined || !Number.isFinite(delay) || delay < 0 || delay > MAX_RETRY_AFTER_MS) {
    return backoffMs(maxRetries, retriesLeft);
  }
  return delay;
}

/** Exponential backoff from 0.5 s, at most 8 s, minus up to 25 % jitter (the openai client's). */
function backoffMs(maxRetries: number, retriesLeft: number): number {
  const seconds = Math.min(0.5 * 2 ** (maxRetries - retriesLeft), 8);
  return seconds * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
