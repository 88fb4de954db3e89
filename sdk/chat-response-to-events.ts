// Turns a REST answer (`POST /chat`) into the events a stream would have carried, so a turn that
// fell back to REST looks the same to the caller: `conversationId`, one `token`, `complete`.

import type { ChatEvent, ChatResponse } from './protocol.js';

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
    },
  });
  return events;
}
