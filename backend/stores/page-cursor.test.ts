// Page cursors and limits of the ChatStore list methods.

import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import {
  checkHistoryLimit,
  checkPageLimit,
  decodePageCursor,
  encodePageCursor,
} from './page-cursor.js';

describe('encodePageCursor / decodePageCursor', () => {
  it('round-trips a position through a URL-safe string', () => {
    const cursor = encodePageCursor('conversations', [1_740_819_600_123, 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor(cursor, 'conversations', 2)).toEqual([1_740_819_600_123, 42]);
  });

  it('rejects garbage, another list kind, the wrong arity and non-integers with VALIDATION_FAILED', () => {
    const invalid = [
      'not a cursor',
      '',
      encodePageCursor('messages', [1, 2]),
      encodePageCursor('conversations', [1]),
      Buffer.from(JSON.stringify(['conversations', 1.5, 2])).toString('base64url'),
      Buffer.from(JSON.stringify(['conversations', '1', 2])).toString('base64url'),
      Buffer.from(JSON.stringify({ kind: 'conversations' })).toString('base64url'),
    ];
    for (const cursor of invalid) {
      let failure: unknown;
      try {
        decodePageCursor(cursor, 'conversations', 2);
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(ChatError);
      expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
  });
});

describe('checkPageLimit', () => {
  it('accepts integers from 1 to 100', () => {
    expect(checkPageLimit(1)).toBe(1);
    expect(checkPageLimit(100)).toBe(100);
  });

  it('rejects 0, 101, fractions and NaN with VALIDATION_FAILED', () => {
    for (const limit of [0, 101, 2.5, Number.NaN, -1]) {
      expect(() => checkPageLimit(limit)).toThrow(/page limit must be an integer from 1 to 100/);
    }
  });
});

describe('checkHistoryLimit', () => {
  it('accepts 0 and positive integers and rejects the rest as a bug', () => {
    expect(checkHistoryLimit(0)).toBe(0);
    expect(checkHistoryLimit(10)).toBe(10);
    expect(() => checkHistoryLimit(-1)).toThrow(TypeError);
    expect(() => checkHistoryLimit(1.5)).toThrow(TypeError);
  });
});
