import { describe, expect, it } from 'vitest';
import { isChatError } from '../errors.js';
import { MAX_FEEDBACK_COMMENT_CHARS, parseFeedbackRequest } from './parse-feedback-request.js';

const codeOf = (input: unknown) => {
  try {
    parseFeedbackRequest(input);
    return 'ok';
  } catch (error) {
    if (isChatError(error)) return error.code;
    throw error;
  }
};

describe('parseFeedbackRequest', () => {
  it('takes a rating with an optional comment, and null to take it back', () => {
    expect(parseFeedbackRequest({ rating: 'up' })).toEqual({ rating: 'up' });
    expect(parseFeedbackRequest({ rating: 'down', comment: 'Wrong join 🙁' })).toEqual({
      rating: 'down',
      comment: 'Wrong join 🙁',
    });
    expect(parseFeedbackRequest({ rating: 'down', comment: '  ' })).toEqual({ rating: 'down' });
    expect(parseFeedbackRequest({ rating: null })).toBeNull();
    expect(parseFeedbackRequest({ rating: 'up', extra: true, comment: null })).toEqual({
      rating: 'up',
    });
  });

  it.each([
    ['not an object', 'up'],
    ['no rating', {}],
    ['another rating', { rating: 'meh' }],
    ['a number comment', { rating: 'up', comment: 5 }],
    ['a comment too long', { rating: 'up', comment: 'x'.repeat(MAX_FEEDBACK_COMMENT_CHARS + 1) }],
    ['a lone surrogate', { rating: 'up', comment: 'a\ud800' }],
    ['a comment without rating', { rating: null, comment: 'why' }],
    ['a rating through the prototype', JSON.parse('{"__proto__": {"rating": "up"}}')],
  ])('refuses %s with VALIDATION_FAILED', (_name, input) => {
    expect(codeOf(input)).toBe('VALIDATION_FAILED');
  });
});
