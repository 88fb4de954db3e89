// Tests of Idempotency-Key generation, with and without crypto.randomUUID.

import { describe, expect, it } from 'vitest';
import { createUuid } from './create-uuid.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createUuid', () => {
  it('returns distinct UUID v4 keys', () => {
    const keys = new Set(Array.from({ length: 100 }, createUuid));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(UUID_V4);
  });

  it('makes UUID v4 keys from getRandomValues where randomUUID is missing (plain-HTTP pages)', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const keys = new Set(Array.from({ length: 100 }, createUuid));
      expect(keys.size).toBe(100);
      for (const key of keys) expect(key).toMatch(UUID_V4);
    } finally {
      // The property lives on the prototype; removing the own override restores it.
      Reflect.deleteProperty(crypto, 'randomUUID');
    }
    expect(typeof crypto.randomUUID).toBe('function');
  });
});
