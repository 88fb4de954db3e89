// Tests of client-side request checks (nothing invalid is sent).

import { describe, expect, it } from 'vitest';
import type { ChatRequest } from './protocol.js';
import {
  validateChatRequest,
  validateId,
  validateIdempotencyKey,
} from './validate-chat-request.js';

const invalid = expect.objectContaining({ code: 'VALIDATION_FAILED', status: 0, retryable: false });

describe('validateChatRequest', () => {
  it('keeps a Regenerate or Continue without a message, and needs its conversation', () => {
    expect(
      validateChatRequest({ projectId: 'p', conversationId: 'c', regenerate: 'a', message: 'x' }),
    ).toEqual({ projectId: 'p', conversationId: 'c', regenerate: 'a' });
    expect(validateChatRequest({ projectId: 'p', conversationId: 'c', continue: 'a' })).toEqual({
      projectId: 'p',
      conversationId: 'c',
      continue: 'a',
    });
    expect(() => validateChatRequest({ projectId: 'p', continue: 'a' })).toThrow(invalid);
    expect(() =>
      validateChatRequest({ projectId: 'p', conversationId: 'c', regenerate: 'a', continue: 'a' }),
    ).toThrow(invalid);
    expect(() =>
      validateChatRequest({ projectId: 'p', conversationId: 'c', regenerate: '' }),
    ).toThrow(invalid);
  });

  it('keeps only the protocol fields', () => {
    const request = { projectId: 'p', message: 'hi', conversationId: 'c', userId: 'admin' };
    expect(validateChatRequest(request as ChatRequest)).toEqual({
      projectId: 'p',
      message: 'hi',
      conversationId: 'c',
    });
    expect(validateChatRequest({ projectId: 'p', message: 'hi' })).toEqual({
      projectId: 'p',
      message: 'hi',
    });
  });

  it.each([
    ['no object', null],
    ['an empty projectId', { projectId: '', message: 'hi' }],
    ['a blank message', { projectId: 'p', message: '  \n' }],
    ['a non-string message', { projectId: 'p', message: 42 }],
    ['an empty conversationId', { projectId: 'p', message: 'hi', conversationId: '' }],
  ])('throws VALIDATION_FAILED for %s', (_case, request) => {
    expect(() => validateChatRequest(request as never)).toThrowError(invalid);
  });
});

describe('validateId', () => {
  it('returns a non-empty string and names a bad one', () => {
    expect(validateId('conversationId', 'c')).toBe('c');
    expect(() => validateId('conversationId', '')).toThrowError(/conversationId must be/);
    expect(() => validateId('conversationId', 7)).toThrowError(invalid);
  });
});

describe('validateIdempotencyKey', () => {
  it('accepts a UUID and rejects what a header cannot carry', () => {
    const key = '0b7e3c1a-8f4d-4c2b-9a6e-1d2f3a4b5c6d';
    expect(validateIdempotencyKey(key)).toBe(key);
    for (const bad of ['', 'a b', 'line\nbreak', 'ключ', 'x'.repeat(256), 42]) {
      expect(() => validateIdempotencyKey(bad)).toThrowError(invalid);
    }
  });
});
