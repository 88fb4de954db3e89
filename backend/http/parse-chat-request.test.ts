import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../sdk/protocol.js';
import { isChatError } from '../errors.js';
import { parseChatRequest, parseIdempotencyKey, parsePaging } from './parse-chat-request.js';

const limits = { maxMessageChars: 10 };
const codeOf = (fn: () => unknown): ErrorCode | 'ok' => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (isChatError(error)) return error.code;
    throw error;
  }
};

describe('parseChatRequest', () => {
  it('accepts the original query fields and lower-cases the conversation id', () => {
    expect(
      parseChatRequest(
        {
          projectId: 'p1',
          message: 'Hello',
          conversationId: '3B241101-E2BB-4255-8CAF-4136C566A962',
        },
        limits,
      ),
    ).toEqual({
      projectId: 'p1',
      message: 'Hello',
      conversationId: '3b241101-e2bb-4255-8caf-4136c566a962',
    });
  });

  it('ignores unknown fields instead of applying them', () => {
    const parsed = parseChatRequest(
      { projectId: 'p1', message: 'Hi', userId: 'mallory', role: 'system', status: 'complete' },
      limits,
    );
    expect(parsed).toEqual({ projectId: 'p1', message: 'Hi' });
  });

  it('takes a Regenerate or a Continue without a message, naming the answer', () => {
    const conversationId = '3b241101-e2bb-4255-8caf-4136c566a962';
    const answer = 'C40E5896-4787-4E09-9590-5B088A64B867';
    expect(
      parseChatRequest({ projectId: 'p1', conversationId, regenerate: answer }, limits),
    ).toEqual({ projectId: 'p1', conversationId, regenerate: answer.toLowerCase() });
    // A message sent along is not read, not even checked.
    expect(
      parseChatRequest(
        { projectId: 'p1', conversationId, continue: answer, message: 'x'.repeat(50) },
        limits,
      ),
    ).toEqual({ projectId: 'p1', conversationId, continue: answer.toLowerCase() });
  });

  it.each([
    ['without conversationId', { regenerate: 'c40e5896-4787-4e09-9590-5b088a64b867' }],
    [
      'with both',
      {
        conversationId: 'c40e5896-4787-4e09-9590-5b088a64b867',
        regenerate: 'c40e5896-4787-4e09-9590-5b088a64b867',
        continue: 'c40e5896-4787-4e09-9590-5b088a64b867',
      },
    ],
    [
      'with an id that is not a UUID',
      { conversationId: 'c40e5896-4787-4e09-9590-5b088a64b867', continue: 'answer-1' },
    ],
  ])('refuses a Regenerate or Continue %s', (_name, fields) => {
    expect(codeOf(() => parseChatRequest({ projectId: 'p', ...fields }, limits))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('does not read fields through the prototype', () => {
    const input = JSON.parse('{"__proto__": {"projectId": "p1", "message": "Hi"}}');
    expect(codeOf(() => parseChatRequest(input, limits))).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['not an object', 'hello', 'VALIDATION_FAILED'],
    ['an array', [], 'VALIDATION_FAILED'],
    ['null', null, 'VALIDATION_FAILED'],
    ['no projectId', { message: 'Hi' }, 'VALIDATION_FAILED'],
    ['a numeric projectId', { projectId: 1, message: 'Hi' }, 'VALIDATION_FAILED'],
    ['a projectId with a newline', { projectId: 'a\nb', message: 'Hi' }, 'VALIDATION_FAILED'],
    ['a 201-char projectId', { projectId: 'p'.repeat(201), message: 'Hi' }, 'VALIDATION_FAILED'],
    ['no message', { projectId: 'p' }, 'VALIDATION_FAILED'],
    ['a blank message', { projectId: 'p', message: ' \n\t' }, 'VALIDATION_FAILED'],
    ['a message array', { projectId: 'p', message: ['Hi'] }, 'VALIDATION_FAILED'],
    ['a too long message', { projectId: 'p', message: 'x'.repeat(11) }, 'MESSAGE_TOO_LONG'],
    ['a lone surrogate', { projectId: 'p', message: 'a\ud800b' }, 'VALIDATION_FAILED'],
    ['a NUL character', { projectId: 'p', message: 'a\u0000b' }, 'VALIDATION_FAILED'],
    [
      'a non-UUID conversation',
      { projectId: 'p', message: 'Hi', conversationId: 'conv_1762194312799' },
      'VALIDATION_FAILED',
    ],
    [
      'a UUID v1 conversation',
      { projectId: 'p', message: 'Hi', conversationId: 'c232ab00-9414-11ec-b3c8-9f6bdeced846' },
      'VALIDATION_FAILED',
    ],
    [
      'a numeric conversation',
      { projectId: 'p', message: 'Hi', conversationId: 5 },
      'VALIDATION_FAILED',
    ],
  ])('refuses %s', (_name, input, code) => {
    expect(codeOf(() => parseChatRequest(input, limits))).toBe(code);
  });

  it('accepts exactly the character limit, counting UTF-16 units', () => {
    expect(
      codeOf(() => parseChatRequest({ projectId: 'p', message: 'x'.repeat(10) }, limits)),
    ).toBe('ok');
  });
});

describe('parseIdempotencyKey and parsePaging', () => {
  it('accepts printable keys and refuses others', () => {
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(codeOf(() => parseIdempotencyKey('has space'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => parseIdempotencyKey('k'.repeat(201)))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => parseIdempotencyKey(['a', 'b']))).toBe('VALIDATION_FAILED');
  });

  it('reads limit and cursor within bounds', () => {
    expect(parsePaging({}, 20)).toEqual({ limit: 20 });
    expect(parsePaging({ limit: '5', cursor: 'abc' }, 20)).toEqual({ limit: 5, cursor: 'abc' });
    for (const limit of ['0', '101', '-1', '1.5', 'ten', ['1']]) {
      expect(codeOf(() => parsePaging({ limit }, 20))).toBe('VALIDATION_FAILED');
    }
  });
});
