// Tests of the shape checks of REST response bodies.

import { describe, expect, it } from 'vitest';
import {
  parseChatResponse,
  parsePage,
  parseProjectList,
  parseStopResponse,
} from './parse-response-body.js';

const badResponse = expect.objectContaining({ code: 'BAD_RESPONSE', retryable: false });

describe('parse-response-body', () => {
  it('accepts a chat answer and rejects one without its message', () => {
    const body = {
      conversationId: 'c',
      message: { id: 'm', role: 'assistant', content: 'x', status: 'complete', createdAt: 't' },
      metadata: { model: 'm', finishReason: 'stop', usage: {} },
    };
    expect(parseChatResponse(body)).toBe(body);
    expect(() => parseChatResponse({ conversationId: 'c' })).toThrowError(badResponse);
    expect(() => parseChatResponse('<html>')).toThrowError(badResponse);
  });

  it('reads a page with or without a next cursor', () => {
    expect(parsePage({ items: [1], nextCursor: 'n' })).toEqual({ items: [1], nextCursor: 'n' });
    expect(parsePage({ items: [] })).toEqual({ items: [] });
    expect(() => parsePage({ items: 'x' })).toThrowError(badResponse);
  });

  it('reads a stop answer', () => {
    expect(parseStopResponse({ stopped: true, messageId: 'm' })).toEqual({
      stopped: true,
      messageId: 'm',
    });
    expect(parseStopResponse({ stopped: false })).toEqual({ stopped: false });
    expect(() => parseStopResponse({})).toThrowError(badResponse);
  });

  it('reads the projects list', () => {
    expect(parseProjectList({ items: [{ id: 'p', name: 'Shop' }] })).toEqual([
      { id: 'p', name: 'Shop' },
    ]);
    expect(() => parseProjectList([])).toThrowError(badResponse);
  });
});
