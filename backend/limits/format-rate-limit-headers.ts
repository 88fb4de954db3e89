// The IETF draft-8 `RateLimit-Policy` and `RateLimit` headers
// (https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/08/), for the budgets
// the router counts itself (the per-minute turn budget), in the same form express-rate-limit
// writes for the request limit.

/** One policy's state. */
export interface RateLimitState {
  /** Policy name, e.g. `streams`. */
  policy: string;
  /** Allowed per window. */
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the quota grows again. */
  resetSeconds: number;
}

/** The two headers of `state`. */
export function formatRateLimitHeaders(state: RateLimitState): Record<string, string> {
  const name = `"${state.policy}"`;
  return {
    'RateLimit-Policy': `${name}; q=${state.limit}; w=${state.windowSeconds}`,
    RateLimit: `${name}; r=${state.remaining}; t=${state.resetSeconds}`,
  };
}
