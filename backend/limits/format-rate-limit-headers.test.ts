import { describe, expect, it } from 'vitest';
import { formatRateLimitHeaders } from './format-rate-limit-headers.js';

describe('formatRateLimitHeaders', () => {
  it('writes the draft-8 policy and state of a budget', () => {
    expect(
      formatRateLimitHeaders({
        policy: 'streams',
        limit: 10,
        windowSeconds: 60,
        remaining: 3,
        resetSeconds: 42,
      }),
    ).toEqual({
      'RateLimit-Policy': '"streams"; q=10; w=60',
      RateLimit: '"streams"; r=3; t=42',
    });
  });
});
