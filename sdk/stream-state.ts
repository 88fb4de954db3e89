// The pure state machine of one streamed turn: what each SSE event does to the answer, across
// reconnects and resumes (docs/protocol.md, Events: `conversationId`, `token`*, then one `complete` | `error`).

import type { ChatTurnResult } from './chat-client.js';
import type { EventSourceMessage } from './create-sse-decoder.js';
import { parseChatEvent } from './parse-chat-event.js';
import type {
  ChatEvent,
  CompleteEvent,
  ConversationIdEvent,
  ErrorDetail,
  TokenEvent,
} from './protocol.js';

/** Everything the client knows about a turn so far. */
export interface StreamState {
  /** From the first `conversationId` event. */
  readonly conversationId: string | undefined;
  /** The answer so far (every `token` content, in order). */
  readonly text: string;
  /** The `id:` of the last event received: sent as `Last-Event-ID` on the next connection. */
  readonly lastEventId: string | undefined;
  /** The server's `retry:` hint, in milliseconds. */
  readonly retryMs: number | undefined;
  /** Events delivered to the caller. */
  readonly delivered: number;
  /** The `complete` event, once it arrived; nothing is delivered after it. */
  readonly completed: CompleteEvent | undefined;
}

/** What one SSE message means for the caller. */
export type StreamStep =
  /** Nothing to deliver: an empty event, a repeat, an unknown type, an event after the end. */
  | { type: 'skip' }
  /** Deliver this event. */
  | { type: 'event'; event: ConversationIdEvent | TokenEvent }
  /** The answer is finished: deliver this event and end the turn. */
  | { type: 'complete'; event: CompleteEvent }
  /** The server ended the stream with an error event. */
  | { type: 'error'; error: ErrorDetail };

/** The state before the first connection. */
export function createStreamState(): StreamState {
  return {
    conversationId: undefined,
    text: '',
    lastEventId: undefined,
    retryMs: undefined,
    delivered: 0,
    completed: undefined,
  };
}

/**
 * Applies one decoded SSE message. Empty events (keep-alives, a lone `retry:`) and unknown types
 * only move `lastEventId`/`retryMs`; a repeated `conversationId` (a server that replays it on
 * resume) and empty tokens are skipped, so the caller sees each thing once. Throws a
 * `ChatClientError` (`BAD_RESPONSE`) when `data` is not a valid event.
 */
export function reduceStreamMessage(
  state: StreamState,
  message: EventSourceMessage,
): { state: StreamState; step: StreamStep } {
  let next: StreamState = state;
  // Per the SSE spec an event without `id:` keeps the previous last event id.
  if (message.id !== '' && message.id !== state.lastEventId)
    next = { ...next, lastEventId: message.id };
  if (message.retry !== undefined && message.retry >= 0) next = { ...next, retryMs: message.retry };
  const skip = { state: next, step: { type: 'skip' } as const };
  // Named events are not part of protocol v1 (every event is an unnamed `data:` line).
  if (
    state.completed ||
    message.data === '' ||
    (message.event !== '' && message.event !== 'message')
  ) {
    return skip;
  }
  const event = parseChatEvent(message.data);
  return event ? reduceChatEvent(next, event) : skip;
}

/**
 * Applies one parsed event (from the stream, or made from a REST answer). See
 * {@link reduceStreamMessage}; after `complete` everything is skipped.
 */
export function reduceChatEvent(
  state: StreamState,
  event: ChatEvent,
): { state: StreamState; step: StreamStep } {
  const skip = { state, step: { type: 'skip' } as const };
  if (state.completed) return skip;
  switch (event.type) {
    case 'conversationId':
      if (state.conversationId !== undefined) return skip;
      return {
        state: { ...state, conversationId: event.conversationId, delivered: state.delivered + 1 },
        step: { type: 'event', event },
      };
    case 'token':
      if (event.content === '') return skip;
      return {
        state: { ...state, text: state.text + event.content, delivered: state.delivered + 1 },
        step: { type: 'event', event },
      };
    case 'complete':
      return {
        state: {
          ...state,
          conversationId: state.conversationId ?? event.metadata.conversationId,
          completed: event,
          delivered: state.delivered + 1,
        },
        step: { type: 'complete', event },
      };
    case 'error':
      return { state, step: { type: 'error', error: event.error } };
  }
}

/** The result of a completed turn (`state.completed` must be set). */
export function toTurnResult(state: StreamState, transport: 'sse' | 'rest'): ChatTurnResult {
  const completed = state.completed;
  if (!completed) throw new Error('toTurnResult() needs a completed stream state.');
  const { metadata } = completed;
  return {
    conversationId: metadata.conversationId,
    messageId: metadata.messageId,
    content: state.text,
    status: metadata.status,
    finishReason: metadata.finishReason,
    usage: metadata.usage,
    model: metadata.model,
    transport,
    ...(metadata.continuedFrom === undefined ? {} : { continuedFrom: metadata.continuedFrom }),
    ...(metadata.quota ? { quota: metadata.quota } : {}),
    ...(metadata.sqlCheck ? { sqlCheck: metadata.sqlCheck } : {}),
  };
}
