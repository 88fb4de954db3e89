// One HTTP connection of a streamed turn: open it, check it, read its events until the turn ends,
// the body ends, the connection breaks or the watchdog fires. The retry decision is the caller's.

import { buildUrl } from './build-url.js';
import { ChatClientError } from './chat-client-error.js';
import { createAbortedError } from './create-aborted-error.js';
import { createSseDecoder, type EventSourceMessage } from './create-sse-decoder.js';
import { createWatchdog } from './create-watchdog.js';
import { linkAbortSignal } from './link-abort-signal.js';
import type { ChatRequest } from './protocol.js';
import { IDEMPOTENCY_KEY_HEADER, LAST_EVENT_ID_HEADER } from './protocol.js';
import { raceAbort } from './race-abort.js';
import { readErrorResponse } from './read-error-response.js';
import { authorizationHeader, createNetworkError } from './request-json.js';
import type { ChatClientConfig } from './resolve-chat-client-config.js';

/** Inputs of {@link runStreamAttempt}. */
export interface StreamAttemptInput {
  request: ChatRequest;
  idempotencyKey: string;
  /** Sent as `Last-Event-ID` when set: the server then sends only what follows it. */
  lastEventId: string | undefined;
  token: string | undefined;
  /** The turn's signal: aborting it ends the attempt with `ABORTED`. */
  signal: AbortSignal;
  /** Called for each complete SSE event, in order; returns true when the turn is over. */
  onMessage: (message: EventSourceMessage) => boolean;
}

/** How an attempt ended. */
export type StreamAttemptResult =
  /** The body ended, or `onMessage` said the turn is over. */
  | { type: 'ended' }
  /**
   * The attempt failed. `cannotStart` is set when the failure means this transport cannot work
   * here (a proxy's 502/504, not an event stream, nothing within the open timeout): the turn may
   * fall back to REST if nothing was received yet.
   */
  | { type: 'failed'; error: ChatClientError; cannotStart?: string };

const EVENT_STREAM = /^text\/event-stream\b/i;

function timeoutError(message: string): ChatClientError {
  return new ChatClientError(message, { status: 0, code: 'STREAM_TIMEOUT', retryable: true });
}

function buildRequest(config: ChatClientConfig, input: StreamAttemptInput): [string, RequestInit] {
  const headers: Record<string, string> = {
    Accept: 'text/event-stream',
    ...authorizationHeader(input.token),
    [IDEMPOTENCY_KEY_HEADER]: input.idempotencyKey,
  };
  if (input.lastEventId !== undefined) headers[LAST_EVENT_ID_HEADER] = input.lastEventId;
  if (config.streamMethod === 'GET') {
    const { projectId, message, conversationId, regenerate, continue: continued } = input.request;
    const url = buildUrl(config.baseUrl, '/chat/stream', {
      projectId,
      message,
      conversationId,
      regenerate,
      continue: continued,
    });
    return [url, { method: 'GET', headers }];
  }
  headers['Content-Type'] = 'application/json';
  const init = { method: 'POST', headers, body: JSON.stringify(input.request) };
  return [buildUrl(config.baseUrl, '/chat/stream'), init];
}

/**
 * Runs one connection. Never retries and never re-sends on its own; in particular nothing here
 * listens to page visibility, so a hidden tab keeps its stream (what `openWhenHidden: true` does
 * in fetch-event-source) and never re-sends the message. Timers: until the first body bytes the
 * open timeout applies (`streamOpenTimeoutMs`), then the watchdog (`watchdogMs` of silence; any
 * bytes count, `: ping` comments included). Throws only what `onMessage` throws.
 */
export async function runStreamAttempt(
  config: ChatClientConfig,
  input: StreamAttemptInput,
): Promise<StreamAttemptResult> {
  const controller = new AbortController();
  const unlink = linkAbortSignal(input.signal, controller);
  let opened = false;
  let timedOut: 'open' | 'silence' | undefined;
  const watchdog = createWatchdog({
    timeoutMs: config.streamOpenTimeoutMs,
    onTimeout: () => {
      timedOut = opened ? 'silence' : 'open';
      controller.abort();
    },
  });
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Cancelling the reader ends a pending read at once, even if the fetch ignores its signal.
  const cancelReader = () => {
    reader?.cancel().catch(() => {});
  };
  controller.signal.addEventListener('abort', cancelReader);
  let handlerFailed = false;

  const failure = (cause: unknown): StreamAttemptResult => {
    if (input.signal.aborted)
      return { type: 'failed', error: createAbortedError(input.signal.reason) };
    if (timedOut === 'open') {
      const message = `The stream did not open within ${config.streamOpenTimeoutMs} ms.`;
      return { type: 'failed', error: timeoutError(message), cannotStart: message };
    }
    if (timedOut === 'silence') {
      const message = `Nothing arrived on the stream for ${config.watchdogMs} ms.`;
      return { type: 'failed', error: timeoutError(message) };
    }
    return { type: 'failed', error: createNetworkError(cause) };
  };

  try {
    const [url, init] = buildRequest(config, input);
    const response = await raceAbort(
      config.fetch(url, { ...init, signal: controller.signal }),
      controller.signal,
      (late) => late.body?.cancel().catch(() => {}),
    );
    if (!response.ok) {
      const { error, coded } = await raceAbort(
        readErrorResponse(response, config.now()),
        controller.signal,
      );
      // A gateway error without our JSON body was written by a proxy that cannot pass the stream
      // through; the router's own 502/503 carry a coded body and are retried instead.
      if (!coded && (response.status === 502 || response.status === 504)) {
        return { type: 'failed', error, cannotStart: `HTTP ${response.status} from a proxy` };
      }
      return { type: 'failed', error };
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!EVENT_STREAM.test(contentType) || !response.body) {
      response.body?.cancel().catch(() => {});
      const message = `The stream answered with content type "${contentType}", not text/event-stream.`;
      const error = new ChatClientError(message, {
        status: response.status,
        code: 'BAD_RESPONSE',
        retryable: true,
      });
      return { type: 'failed', error, cannotStart: message };
    }
    reader = response.body.getReader();
    if (controller.signal.aborted) cancelReader();
    const messages: EventSourceMessage[] = [];
    const decode = createSseDecoder((message) => messages.push(message));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (opened) {
        watchdog.touch();
      } else {
        opened = true;
        watchdog.restart(config.watchdogMs);
      }
      decode(value);
      let over = false;
      for (const message of messages) {
        try {
          over = input.onMessage(message);
        } catch (error) {
          handlerFailed = true;
          throw error;
        }
        if (over) break;
      }
      messages.length = 0;
      if (over) {
        cancelReader();
        return { type: 'ended' };
      }
    }
    // A read that ended because of an abort is not the server closing the stream.
    if (controller.signal.aborted) return failure(undefined);
    return { type: 'ended' };
  } catch (cause) {
    if (handlerFailed) throw cause;
    return failure(cause);
  } finally {
    watchdog.stop();
    unlink();
    controller.signal.removeEventListener('abort', cancelReader);
    // Frees the connection after a failure (a no-op once the body has ended).
    if (!controller.signal.aborted) controller.abort();
  }
}
