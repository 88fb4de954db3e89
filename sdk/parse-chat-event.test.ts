// Tests of parsing and checking the JSON data of SSE events.

import { describe, expect, it } from 'vitest';
import { ChatClientError } from './chat-client-error.js';
import { parseChatEvent } from './parse-chat-event.js';

function expectBadResponse(data: string) {
  let caught: unknown;
  try {
    parseChatEvent(data);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ChatClientError);
  expect(caught).toMatchObject({ code: 'BAD_RESPONSE', retryable: false, status: 200 });
}

describe('parseChatEvent', () => {
  it('parses conversationId and token events', () => {
    expect(parseChatEvent('{"type":"conversationId","conversationId":"c1"}')).toEqual({
      type: 'conversationId',
      conversationId: 'c1',
    });
    expect(parseChatEvent('{"type":"token","content":"Hi\\n"}')).toEqual({
      type: 'token',
      content: 'Hi\n',
    });
  });

  it('parses a complete event with all its metadata', () => {
    const event = {
      type: 'complete',
      timestamp: '2025-01-01T00:00:00.000Z',
      metadata: {
        model: 'm',
        conversationId: 'c1',
        messageId: 'm1',
        finishReason: 'length',
        status: 'complete',
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      },
    };
    expect(parseChatEvent(JSON.stringify(event))).toEqual(event);
  });

  it("keeps a Continue's continuedFrom and a readable quota, and drops unreadable ones", () => {
    const metadata = {
      model: 'm',
      conversationId: 'c1',
      messageId: 'm1',
      finishReason: 'stop',
      status: 'complete',
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
    };
    const quota = { used: 30, limit: 100, resetsAt: '2025-01-02T00:00:00.000Z' };
    const good = {
      type: 'complete',
      timestamp: 't',
      metadata: { ...metadata, continuedFrom: 12, quota },
    };
    expect(parseChatEvent(JSON.stringify(good))).toEqual(good);
    const bad = {
      type: 'complete',
      timestamp: 't',
      metadata: { ...metadata, continuedFrom: -1, quota: { used: 'many' } },
    };
    expect(parseChatEvent(JSON.stringify(bad))).toEqual({ ...bad, metadata });
  });

  it('fills a minimal complete event without status or usage', () => {
    const parsed = parseChatEvent(
      '{"type":"complete","timestamp":"t","metadata":{"model":"m","conversationId":"c","messageId":"x","finishReason":"stopped"}}',
    );
    expect(parsed).toMatchObject({
      metadata: {
        status: 'stopped',
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      },
    });
  });

  it('parses an error event', () => {
    expect(
      parseChatEvent(
        '{"type":"error","error":{"code":"UPSTREAM_TIMEOUT","message":"Slow.","retryable":true}}',
      ),
    ).toEqual({
      type: 'error',
      error: { code: 'UPSTREAM_TIMEOUT', message: 'Slow.', retryable: true },
    });
  });

  it('returns undefined for a type it does not know, so newer servers can add events', () => {
    expect(parseChatEvent('{"type":"usage","tokens":3}')).toBeUndefined();
  });

  it('throws BAD_RESPONSE for data that is not JSON', () => {
    expectBadResponse('{"type":"token","content":"unterminated');
    expectBadResponse('Hello');
  });

  it('throws BAD_RESPONSE for known types with the wrong shape and for non-objects', () => {
    expectBadResponse('{"type":"token","content":42}');
    expectBadResponse('{"type":"conversationId"}');
    expectBadResponse('{"type":"complete","metadata":{"conversationId":"c"}}');
    expectBadResponse('{"type":"error","error":"boom"}');
    expectBadResponse('{"content":"no type"}');
    expectBadResponse('[1,2]');
    expectBadResponse('null');
  });
});
