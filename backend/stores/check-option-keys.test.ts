// checkOptionKeys: a misspelt option throws at setup with the key that was probably meant.

import { describe, expect, it } from 'vitest';
import { checkOptionKeys } from './check-option-keys.js';

const KNOWN = ['pool', 'connectionString', 'schema', 'maxConnections', 'connectTimeoutMs'];

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
