// Turns a REST answer (`POST /chat`) into the events a stream would have carried, so a turn that
// fell back to REST looks the same to the caller: `conversationId`, one `token`, `complete`; and
// into the same `ChatTurnResult` a streamed turn ends with.

import type { ChatTurnResult } from './chat-client.js';
import { withSqlCheck, withTurnExtras } from './parse-chat-event.js';
import type { ChatEvent, ChatResponse } from './protocol.js';
import { createStreamState, reduceChatEvent, toTurnResult } from './stream-state.js';

/**
 * The events of a REST answer: `conversationId`, one `token` with the whole text (none when the
 * text is empty; a Continue's: only the text after `metadata.continuedFrom`, as its stream would
 * carry), then `complete` stamped with `timestamp` (ISO 8601).
 */
export function chatResponseToEvents(response: ChatResponse, timestamp: string): ChatEvent[] {
  const { conversationId, message, metadata } = response;
  const extras = withTurnExtras(metadata as unknown as Record<string, unknown>);
  const events: ChatEvent[] = [{ type: 'conversationId', conversationId }];
  const text = message.content.slice(extras.continuedFrom ?? 0);
  if (text !== '') events.push({ type: 'token', content: text });
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
      ...extras,
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
