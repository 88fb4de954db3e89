// The loop of one streamed turn: connect, resume after drops with the same `Idempotency-Key` and
// `Last-Event-ID`, back off, refresh the token once, and fall back to `POST /chat` when the stream
// cannot work here (docs/protocol.md, Event ids and resume).

import type { ChatTurnResult, RetryInfo } from './chat-client.js';
import { ChatClientError } from './chat-client-error.js';
import { chatResponseToEvents } from './chat-response-to-events.js';
import { createAbortedError } from './create-aborted-error.js';
import { decideRestFallback } from './decide-rest-fallback.js';
import { parseChatResponse } from './parse-response-body.js';
import type { ChatEvent, ChatRequest, ErrorDetail } from './protocol.js';
import { raceAbort } from './race-abort.js';
import { type AuthBudget, type ClientContext, planRetry, requestJson } from './request-json.js';
import { runStreamAttempt, type StreamAttemptResult } from './run-stream-attempt.js';
import {
  createStreamState,
  reduceChatEvent,
  reduceStreamMessage,
  type StreamState,
  toTurnResult,
} from './stream-state.js';

/** Inputs of {@link runStreamTurn}. */
export interface StreamTurnInput {
  /** Already validated. */
  request: ChatRequest;
  idempotencyKey: string;
  signal: AbortSignal;
  /** Receives each event for the caller, once, in order. */
  emit: (event: ChatEvent) => void;
  onRetry: (info: RetryInfo) => void;
  onFallback: (reason: string) => void;
}

function errorFromEvent(detail: ErrorDetail): ChatClientError {
  return new ChatClientError(detail.message, {
    status: 200,
    code: detail.code,
    retryable: detail.retryable,
    ...(detail.retryAfter === undefined ? {} : { retryAfter: detail.retryAfter }),
  });
}

function droppedError(): ChatClientError {
  return new ChatClientError('The stream closed before the answer was complete.', {
    status: 0,
    code: 'NETWORK_ERROR',
    retryable: true,
  });
}

/**
 * Runs a turn to its end and returns its result; throws a `ChatClientError` when it fails for good
 * (`ABORTED` when `signal` aborts: no retry follows an abort). A retryable `error` event is
 * retried with the same key and its id as `Last-Event-ID`; if the server answers with that same
 * event again, the run is over and the turn fails with it, marked not retryable (the same key can
 * only replay it; a new turn with a new key may succeed). A retry after progress resets the
 * backoff, so a long answer over a flaky network is not cut short by `maxRetries`. Drops and
 * watchdog reconnects wait the server's `retry:` hint as the first backoff step when it sent one.
 * When to give up on the stream for `POST /chat` is {@link decideRestFallback}'s call alone.
 */
export async function runStreamTurn(
  ctx: ClientContext,
  input: StreamTurnInput,
): Promise<ChatTurnResult> {
  const { config } = ctx;
  const { signal } = input;
  let state = createStreamState();
  const auth: AuthBudget = { refreshed: false };
  let attempt = 0;
  const fallbackFor = (error: ChatClientError, final: boolean, cannotStart?: string) =>
    decideRestFallback({
      enabled: config.fallbackToRest,
      error,
      cannotStart,
      final,
      receivedEvents: state.lastEventId !== undefined || state.delivered > 0,
      receivedText: state.text !== '',
    });
  const fallBack = (reason: string) => {
    input.onFallback(reason);
    return sendThroughRest(ctx, input, state, auth);
  };

  for (;;) {
    if (signal.aborted) throw createAbortedError(signal.reason);
    const before = state;
    let errorEvent: ErrorDetail | undefined;
    let errorReplayed = false;
    let outcome: StreamAttemptResult;
    try {
      outcome = await runStreamAttempt(config, {
        request: input.request,
        idempotencyKey: input.idempotencyKey,
        lastEventId: state.lastEventId,
        // A host's getToken() may hang (a login dialog); an abort must still end the turn.
        token: await raceAbort(ctx.tokens.get(), signal),
        signal,
        onMessage(message) {
          const reduced = reduceStreamMessage(state, message);
          state = reduced.state;
          const { step } = reduced;
          if (step.type === 'event' || step.type === 'complete') input.emit(step.event);
          if (step.type === 'error') {
            errorEvent = step.error;
            // The server re-sent the very event we resumed after: its run is over, and a retry
            // with the same key would only replay it again.
            errorReplayed = message.id !== '' && message.id === before.lastEventId;
          }
          return step.type === 'complete' || step.type === 'error';
        },
      });
    } catch (cause) {
      // An event that is not valid protocol (BAD_RESPONSE): the same stream would repeat it.
      if (!(cause instanceof ChatClientError) || signal.aborted) throw cause;
      const reason = fallbackFor(cause, true);
      if (reason === undefined) throw cause;
      return fallBack(reason);
    }
    if (state.completed) return toTurnResult(state, 'sse');
    if (signal.aborted) throw createAbortedError(signal.reason);

    let error: ChatClientError;
    // A replayed error will not change with the same key: final, so a manual retry uses a new key.
    if (errorEvent)
      error = errorFromEvent(errorReplayed ? { ...errorEvent, retryable: false } : errorEvent);
    else if (outcome.type === 'failed') error = outcome.error;
    else error = droppedError();

    const cannotStart = outcome.type === 'failed' ? outcome.cannotStart : undefined;
    const now = fallbackFor(error, false, cannotStart);
    if (now !== undefined) return fallBack(now);

    if (state.lastEventId !== before.lastEventId || state.delivered !== before.delivered)
      attempt = 0;
    const reconnect =
      errorEvent === undefined &&
      (error.code === 'NETWORK_ERROR' || error.code === 'STREAM_TIMEOUT');
    const baseDelayMs = reconnect ? state.retryMs : undefined;
    const delayMs = await planRetry(ctx, error, attempt, auth, baseDelayMs);
    if (delayMs === undefined) {
      const reason = fallbackFor(error, true);
      if (reason === undefined) throw error;
      return fallBack(reason);
    }
    if (error.status !== 401) attempt += 1;
    input.onRetry({ attempt, delayMs, reason: error.code, error });
    if (delayMs > 0) await config.sleep(delayMs, signal);
  }
}

/** The fallback: the same turn, same key, through `POST /chat`; its answer emitted as events. */
async function sendThroughRest(
  ctx: ClientContext,
  input: StreamTurnInput,
  initial: StreamState,
  auth: AuthBudget,
): Promise<ChatTurnResult> {
  const body = await requestJson(
    ctx,
    { method: 'POST', path: '/chat', body: input.request, idempotencyKey: input.idempotencyKey },
    { signal: input.signal, onRetry: input.onRetry, auth },
  );
  const response = parseChatResponse(body);
  let state = initial;
  for (const event of chatResponseToEvents(response, new Date(ctx.config.now()).toISOString())) {
    const reduced = reduceChatEvent(state, event);
    state = reduced.state;
    if (reduced.step.type === 'event' || reduced.step.type === 'complete') {
      input.emit(reduced.step.event);
    }
  }
  return toTurnResult(state, 'rest');
}
