// Tests of finding misspelt option keys and the known key each one most likely meant.

import { describe, expect, it } from 'vitest';
import { describeIgnoredOption, findUnknownOptions } from './find-unknown-options.js';
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

  it('guesses only a likely typo: an unrelated word gets no "did you mean"', () => {
    expect(findUnknownOptions({ signal: 1, x: 2, StreamOpenTimeoutMS: 3 }, KNOWN)).toEqual([
      { key: 'signal' },
      { key: 'x' },
      { key: 'StreamOpenTimeoutMS', nearest: 'streamOpenTimeoutMs' },
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

describe('the typo rule', () => {
  const STORE = ['pool', 'connectionString', 'schema', 'maxConnections', 'connectTimeoutMs'];
  const nearestOf = (key: string) => findUnknownOptions({ [key]: 1 }, STORE)[0]?.nearest;

  it('finds the known key of a typo, a case slip or a missing letter', () => {
    expect(nearestOf('connectionstring')).toBe('connectionString');
    expect(nearestOf('conectionString')).toBe('connectionString');
    expect(nearestOf('shema')).toBe('schema');
    expect(nearestOf('maxConnection')).toBe('maxConnections');
    expect(nearestOf('Pool')).toBe('pool');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(nearestOf('database')).toBeUndefined();
    expect(nearestOf('x')).toBeUndefined();
  });
});

describe('describeIgnoredOption', () => {
  it('names the key meant, or ends the sentence when there is none', () => {
    expect(describeIgnoredOption({ key: 'retry.maxRetry', nearest: 'retry.maxRetries' })).toBe(
      'unknown option "retry.maxRetry" is ignored; did you mean "retry.maxRetries"?',
    );
    expect(describeIgnoredOption({ key: 'signal' })).toBe('unknown option "signal" is ignored.');
  });
});

describe('nearestName', () => {
  it('picks the candidate with the fewest edits, ignoring case', () => {
    expect(nearestName('streamOpenTimeout', KNOWN)).toBe('streamOpenTimeoutMs');
    expect(nearestName('TOKEN', KNOWN)).toBe('token');
    expect(nearestName('baseURL', KNOWN)).toBe('baseUrl');
  });
});
