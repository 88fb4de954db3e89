// Tests of finding misspelt option keys and the known key each one most likely meant.

import { describe, expect, it } from 'vitest';
import { findUnknownOptions } from './find-unknown-options.js';
import { nearestName } from './nearest-name.js';

const KNOWN = ['baseUrl', 'token', 'getToken', 'heartbeatMs', 'streamOpenTimeoutMs'];

describe('findUnknownOptions', () => {
  it('reports each unknown key with the nearest known one', () => {
    expect(
      findUnknownOptions({ baseUrl: 'x', heartbeatMS: 1, gettoken: () => 'jwt' }, KNOWN),
    ).toEqual([
      { key: 'heartbeatMS', nearest: 'heartbeatMs' },
      { key: 'gettoken', nearest: 'getToken' },
    ]);
  });

  it('reports nothing when every key is known', () => {
    expect(findUnknownOptions({ baseUrl: 'x', token: undefined }, KNOWN)).toEqual([]);
  });

  it('names nested keys with their parent', () => {
    expect(findUnknownOptions({ maxRetry: 1 }, ['maxRetries', 'baseDelayMs'], 'retry.')).toEqual([
      { key: 'retry.maxRetry', nearest: 'retry.maxRetries' },
    ]);
  });
});

describe('nearestName', () => {
  it('picks the candidate with the fewest edits, ignoring case', () => {
    expect(nearestName('streamOpenTimeout', KNOWN)).toBe('streamOpenTimeoutMs');
    expect(nearestName('TOKEN', KNOWN)).toBe('token');
    expect(nearestName('baseURL', KNOWN)).toBe('baseUrl');
  });
});
