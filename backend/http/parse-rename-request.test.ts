import { describe, expect, it } from 'vitest';
import { isChatError } from '../errors.js';
import { MAX_TITLE_CHARS, parseRenameRequest } from './parse-rename-request.js';

const codeOf = (input: unknown) => {
  try {
    parseRenameRequest(input);
    return 'ok';
  } catch (error) {
    if (isChatError(error)) return error.code;
    throw error;
  }
};

describe('parseRenameRequest', () => {
  it('returns the title trimmed, Unicode and right-to-left text included', () => {
    expect(parseRenameRequest({ title: '  Orders 🧾 ' })).toBe('Orders 🧾');
    expect(parseRenameRequest({ title: 'الطلبات والعملاء' })).toBe('الطلبات والعملاء');
    expect(parseRenameRequest({ title: 'x'.repeat(MAX_TITLE_CHARS) })).toHaveLength(
      MAX_TITLE_CHARS,
    );
  });

  it.each([
    ['no title', {}],
    ['a blank title', { title: ' \t' }],
    ['a number', { title: 42 }],
    ['a title too long', { title: 'x'.repeat(MAX_TITLE_CHARS + 1) }],
    ['a line break', { title: 'a\nb' }],
    ['a lone surrogate', { title: 'a\ud800' }],
    ['an array body', ['title']],
  ])('refuses %s with VALIDATION_FAILED', (_name, input) => {
    expect(codeOf(input)).toBe('VALIDATION_FAILED');
  });
});
