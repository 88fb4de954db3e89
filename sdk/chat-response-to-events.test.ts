// Tests of turning a REST answer into the events a stream would carry.

import { describe, expect, it } from 'vitest';
import { chatResponseToEvents, chatResponseToTurnResult } from './chat-response-to-events.js';
import type { ChatResponse } from './protocol.js';

const response: ChatResponse = {
  conversationId: 'c1',
  message: {
    id: 'm1',
    role: 'assistant',
    content: 'The users table.',
    status: 'complete',
    createdAt: '2025-01-01T00:00:00.000Z',
  },
  metadata: {
    model: 'Qwen/Qwen2.5-7B-Instruct',
    finishReason: 'stop',
    usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 },
  },
};

describe('chatResponseToEvents', () => {
  it("carries a Continue's added text only, with where it began and the quota", () => {
    const continued: ChatResponse = {
      ...response,
      message: { ...response.message, content: 'The users table, and its orders.' },
      metadata: {
        ...response.metadata,
        continuedFrom: 15,
        quota: { used: 90, limit: 1000, resetsAt: '2025-01-02T00:00:00.000Z' },
      },
    };
    const events = chatResponseToEvents(continued, '2025-01-02T00:00:00.000Z');
    expect(events[1]).toEqual({ type: 'token', content: ', and its orders.' });
    expect(events[2]?.type === 'complete' && events[2].metadata).toMatchObject({
      continuedFrom: 15,
      quota: { used: 90, limit: 1000 },
    });
    expect(chatResponseToTurnResult(continued)).toMatchObject({
      content: ', and its orders.',
      continuedFrom: 15,
      quota: { used: 90 },
    });
  });

  it('yields conversationId, one token with the whole text, then complete', () => {
    expect(chatResponseToEvents(response, '2025-01-02T00:00:00.000Z')).toEqual([
      { type: 'conversationId', conversationId: 'c1' },
      { type: 'token', content: 'The users table.' },
      {
        type: 'complete',
        timestamp: '2025-01-02T00:00:00.000Z',
        metadata: {
          model: 'Qwen/Qwen2.5-7B-Instruct',
          conversationId: 'c1',
          messageId: 'm1',
          finishReason: 'stop',
          status: 'complete',
          usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 },
        },
      },
    ]);
  });

  it('yields no token for an empty answer and marks a stopped one', () => {
    const events = chatResponseToEvents(
      { ...response, message: { ...response.message, content: '', status: 'stopped' } },
      't',
    );
    expect(events.map((e) => e.type)).toEqual(['conversationId', 'complete']);
    expect(events[1]).toMatchObject({ metadata: { status: 'stopped' } });
  });
});

describe('chatResponseToTurnResult', () => {
  it('gives the turn result a stream would have ended with, over REST', () => {
    expect(chatResponseToTurnResult(response)).toEqual({
      conversationId: 'c1',
      messageId: 'm1',
      content: 'The users table.',
      status: 'complete',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 },
      model: 'Qwen/Qwen2.5-7B-Instruct',
      transport: 'rest',
    });
    const stopped = { ...response.metadata, finishReason: 'stopped' as const };
    expect(chatResponseToTurnResult({ ...response, metadata: stopped }).status).toBe('stopped');
  });
});
