// Tests of where bearer tokens come from and the one refresh after a 401.

import { describe, expect, it, vi } from 'vitest';
import { createTokenSource } from './create-token-source.js';

describe('createTokenSource', () => {
  it('uses the set token without asking getToken', async () => {
    const getToken = vi.fn(() => 'fresh');
    const tokens = createTokenSource('set', getToken);
    expect(await tokens.get()).toBe('set');
    expect(getToken).not.toHaveBeenCalled();
  });

  it('asks getToken for every request when no token is set', async () => {
    let n = 0;
    const tokens = createTokenSource(undefined, async () => `t${++n}`);
    expect(await tokens.get()).toBe('t1');
    expect(await tokens.get()).toBe('t2');
  });

  it('has no token without token or getToken', async () => {
    expect(await createTokenSource(undefined, undefined).get()).toBeUndefined();
  });

  it('refreshes once from getToken and keeps the fresh token', async () => {
    const getToken = vi.fn(() => 'fresh');
    const tokens = createTokenSource('expired', getToken);
    expect(await tokens.refresh()).toBe(true);
    expect(await tokens.get()).toBe('fresh');
    expect(await tokens.get()).toBe('fresh');
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it('cannot refresh without getToken', async () => {
    const tokens = createTokenSource('expired', undefined);
    expect(await tokens.refresh()).toBe(false);
    expect(await tokens.get()).toBe('expired');
  });

  it('replaces or clears the token with set()', async () => {
    const tokens = createTokenSource('a', () => 'from-getToken');
    tokens.set('b');
    expect(await tokens.get()).toBe('b');
    tokens.set(undefined);
    expect(await tokens.get()).toBe('from-getToken');
  });

  it('turns a failing getToken into a coded AUTH_MISSING error', async () => {
    const tokens = createTokenSource(undefined, () => Promise.reject(new Error('session gone')));
    await expect(tokens.get()).rejects.toMatchObject({
      name: 'ChatClientError',
      code: 'AUTH_MISSING',
      status: 0,
      retryable: false,
    });
  });
});
