// The retry policy: capped exponential backoff with full jitter, `Retry-After` first.

/** Inputs of {@link computeRetryDelay}. */
export interface RetryDelayInput {
  /** Retries already made in this series (0 before the first retry). */
  attempt: number;
  /** Attempts allowed after the first. */
  maxRetries: number;
  /** First backoff step, in milliseconds. */
  baseDelayMs: number;
  /** Longest wait the client accepts, in milliseconds. */
  maxDelayMs: number;
  /** What the server asked for (`Retry-After`, `retryAfter`), in milliseconds, when it did. */
  retryAfterMs?: number | undefined;
  /** A random number in [0, 1). Injected so tests are deterministic. */
  random: () => number;
}

/**
 * How long to wait before the next attempt, or `undefined` when the client should give up: the
 * retries are used up, or the server asks for a longer wait than `maxDelayMs` (then the caller
 * gets the error with its `retryAfter` and decides, instead of a silent long hang).
 *
 * Without a server hint the delay is `random() × min(maxDelayMs, baseDelayMs × 2^attempt)`
 * ("full jitter", https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), so
 * many clients dropped at once do not come back in lockstep.
 */
export function computeRetryDelay(input: RetryDelayInput): number | undefined {
  if (input.attempt >= input.maxRetries) return undefined;
  if (input.retryAfterMs !== undefined) {
    return input.retryAfterMs <= input.maxDelayMs ? input.retryAfterMs : undefined;
  }
  const ceiling = Math.min(input.maxDelayMs, input.baseDelayMs * 2 ** input.attempt);
  return Math.floor(input.random() * ceiling);
}
