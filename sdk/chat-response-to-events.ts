// Turns a REST answer (`POST /chat`) into the events a stream would have carried, so a turn that
// fell back to REST looks the same to the caller: `conversationId`, one `token`, `complete`; and
// into the same `ChatTurnResult` a streamed turn ends with.

import type { ChatTurnResult } from './chat-client.js';
import { withSqlCheck } from './parse-chat-event.js';
import type { ChatEvent, ChatResponse } from './protocol.js';
import { createStreamState, reduceChatEvent, toTurnResult } from './stream-state.js';

/**
 * The events of a REST answer: `conversationId`, one `token` with the whole text (none when the
 * text is empty), then `complete` stamped with `timestamp` (ISO 8601).
 */
export function chatResponseToEvents(response: ChatResponse, timestamp: string): ChatEvent[] {
  const { conversationId, message, metadata } = response;
  const events: ChatEvent[] = [{ type: 'conversationId', conversationId }];
  if (message.content !== '') events.push({ type: 'token', content: message.content });
  events.push({
    type: 'complete',
    timestamp,
    metadata: {
      model: metadata.model,
      conversationId,
      messageId: message.id,
      finishReason: metadata.finishReason,
      status:
        message.status === 'stopped' || metadata.finishReason === 'stopped'
          ? 'stopped'
          : 'complete',
      usage: metadata.usage,
      ...withSqlCheck(metadata.sqlCheck ?? message.sqlCheck),
    },
  });
  return events;
}

/** The result of a turn answered through `POST /chat` (`transport: 'rest'`). */
export function chatResponseToTurnResult(response: ChatResponse): ChatTurnResult {
  let state = createStreamState();
  for (const event of chatResponseToEvents(response, '')) {
    state = reduceChatEvent(state, event).state;
  }
  return toTurnResult(state, 'rest');
}
