// The `ChatStream` object of one streamed turn: an async iterable, callbacks and a `result`
// promise over the same events, with one abort for all of them.

import type { ChatStream, ChatTurnResult, StreamOptions } from './chat-client.js';
import { ChatClientError } from './chat-client-error.js';
import { createAbortedError } from './create-aborted-error.js';
import { createEventChannel } from './create-event-channel.js';
import { createUuid } from './create-uuid.js';
import { linkAbortSignal } from './link-abort-signal.js';
import type { ChatEvent, ChatRequest } from './protocol.js';
import { callSafely } from './report-callback-error.js';
import type { ClientContext } from './request-json.js';
import { runStreamTurn } from './run-stream-turn.js';
import { validateChatRequest, validateIdempotencyKey } from './validate-chat-request.js';

/**
 * Starts a streamed turn and returns its handle at once. The turn ends with exactly one outcome:
 * iteration finishes (or throws the error), callbacks stop, and `result` settles. `result`
 * carries a handler from the start, so it never becomes an unhandled rejection.
 */
export function createChatStream(
  ctx: ClientContext,
  request: ChatRequest,
  options: StreamOptions = {},
): ChatStream {
  const idempotencyKey = options.idempotencyKey ?? createUuid();
  let invalidKey: unknown;
  try {
    validateIdempotencyKey(idempotencyKey);
  } catch (error) {
    invalidKey = error;
  }
  const controller = new AbortController();
  const unlink = linkAbortSignal(options.signal, controller);
  const abort = () => controller.abort(createAbortedError());
  const channel = createEventChannel<ChatEvent>(abort);
  let text = '';

  const emit = (event: ChatEvent) => {
    // Nothing reaches the caller after an abort, even an event already decoded.
    if (controller.signal.aborted) return;
    channel.push(event);
    callSafely(options.onEvent, event);
    if (event.type === 'token') {
      text += event.content;
      callSafely(options.onToken, event.content, text);
    }
  };

  const run = async (): Promise<ChatTurnResult> => {
    if (invalidKey) throw invalidKey;
    return runStreamTurn(ctx, {
      request: validateChatRequest(request),
      idempotencyKey,
      signal: controller.signal,
      emit,
      onRetry: (info) => callSafely(options.onRetry, info),
      onFallback: (reason) => callSafely(options.onFallback, reason),
    });
  };

  const result = run().then(
    (value) => {
      unlink();
      channel.close();
      return value;
    },
    (cause: unknown) => {
      unlink();
      const error =
        cause instanceof ChatClientError
          ? cause
          : new ChatClientError('The stream failed unexpectedly.', {
              status: 0,
              code: 'BAD_RESPONSE',
              retryable: false,
              cause,
            });
      channel.fail(error);
      throw error;
    },
  );
  // Marks the rejection as handled; callers who await `result` still receive it.
  result.catch(() => {});

  return {
    idempotencyKey,
    result,
    abort,
    [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
  };
}
