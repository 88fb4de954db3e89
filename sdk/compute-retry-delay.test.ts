// Tests of the retry policy: capped exponential backoff with full jitter, Retry-After first.

import { describe, expect, it } from 'vitest';
import { computeRetryDelay } from './compute-retry-delay.js';

const policy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

describe('computeRetryDelay', () => {
  it('doubles the ceiling per attempt and scales it by the random number (full jitter)', () => {
    const ceilings = [0, 1, 2, 3, 4].map((attempt) =>
      computeRetryDelay({ ...policy, attempt, random: () => 0.999999 }),
    );
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999]);
    expect(computeRetryDelay({ ...policy, attempt: 3, random: () => 0.5 })).toBe(2000);
    expect(computeRetryDelay({ ...policy, attempt: 3, random: () => 0 })).toBe(0);
  });

  it('never waits longer than maxDelayMs', () => {
    const delay = computeRetryDelay({
      ...policy,
      maxRetries: 50,
      attempt: 40,
      random: () => 0.999999,
    });
    expect(delay).toBe(9999);
  });

  it('gives up once maxRetries retries were made', () => {
    expect(computeRetryDelay({ ...policy, attempt: 5, random: () => 0.5 })).toBeUndefined();
    expect(
      computeRetryDelay({ ...policy, maxRetries: 0, attempt: 0, random: () => 0.5 }),
    ).toBeUndefined();
  });

  it('waits exactly what Retry-After asks, ignoring the backoff', () => {
    expect(
      computeRetryDelay({ ...policy, attempt: 0, retryAfterMs: 3000, random: () => 0.5 }),
    ).toBe(3000);
    expect(computeRetryDelay({ ...policy, attempt: 4, retryAfterMs: 0, random: () => 0.5 })).toBe(
      0,
    );
  });

  it('gives up when Retry-After is longer than maxDelayMs, so the caller can show it', () => {
    expect(
      computeRetryDelay({ ...policy, attempt: 0, retryAfterMs: 3_600_000, random: () => 0.5 }),
    ).toBeUndefined();
  });
});
