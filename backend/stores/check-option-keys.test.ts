// checkOptionKeys: a misspelt option throws at setup with the key that was probably meant.

import { describe, expect, it } from 'vitest';
import { checkOptionKeys, findNearestKey } from './check-option-keys.js';

const KNOWN = ['pool', 'connectionString', 'schema', 'maxConnections', 'connectTimeoutMs'];

describe('findNearestKey', () => {
  it('finds the known key of a typo, a case slip or a missing letter', () => {
    expect(findNearestKey('connectionstring', KNOWN)).toBe('connectionString');
    expect(findNearestKey('conectionString', KNOWN)).toBe('connectionString');
    expect(findNearestKey('shema', KNOWN)).toBe('schema');
    expect(findNearestKey('maxConnection', KNOWN)).toBe('maxConnections');
    expect(findNearestKey('Pool', KNOWN)).toBe('pool');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(findNearestKey('database', KNOWN)).toBeUndefined();
    expect(findNearestKey('x', KNOWN)).toBeUndefined();
  });
});

describe('checkOptionKeys', () => {
  it('accepts known keys, including ones set to undefined', () => {
    expect(() => checkOptionKeys('Store', { pool: undefined, schema: 's' }, KNOWN)).not.toThrow();
  });

  it('throws a TypeError naming every unknown key, with a suggestion where there is one', () => {
    expect(() => checkOptionKeys('Store', { shema: 's', database: 'd' }, KNOWN)).toThrow(
      new TypeError(
        'Store: unknown options `shema` (did you mean `schema`?), `database`; the options are ' +
          '`pool`, `connectionString`, `schema`, `maxConnections`, `connectTimeoutMs`.',
      ),
    );
  });
});
