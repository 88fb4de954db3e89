// Per-user rate limits on express-rate-limit: keyed by the JWT `sub` (so a spoofed
// X-Forwarded-For changes nothing), draft-8 `RateLimit` headers, the one JSON error shape, and a
// promise form so a handler can count only the requests that start new work.

import type { Request, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { ChatError, isChatError } from '../errors.js';
import { userOf } from '../http/request-user.js';

/** Counts one hit for the request's user; throws 429 `RATE_LIMITED` past the limit. */
export type UserRateLimit = (req: Request, res: Response) => Promise<void>;

/** Options of {@link createUserRateLimit}. */
export interface UserRateLimitOptions {
  /** Policy name in the `RateLimit` headers, e.g. `streams`. */
  name: string;
  /** Hits per window. */
  limit: number;
  /** Window length. Defaults to 60000. */
  windowMs?: number;
  /** Shared store for several instances. Defaults to express-rate-limit's memory store. */
  store?: Store;
}

/** Builds a per-user limiter. Create it once, at setup (express-rate-limit checks this). */
export function createUserRateLimit(options: UserRateLimitOptions): UserRateLimit {
  const windowMs = options.windowMs ?? 60_000;
  const middleware = rateLimit({
    windowMs,
    limit: options.limit,
    identifier: options.name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestPropertyName: `schemaChatRateLimit_${options.name}`,
    keyGenerator: (_req, res) => `${options.name}:${userOf(res).id}`,
    // Not keyed by IP, so the proxy-related validations do not apply.
    validate: { xForwardedForHeader: false, forwardedHeader: false, trustProxy: false, ip: false },
    ...(options.store ? { store: options.store } : {}),
    handler: (req, _res, next) => {
      const info = (req as Request & Record<string, { resetTime?: Date }>)[
        `schemaChatRateLimit_${options.name}`
      ];
      const retryAfter = info?.resetTime
        ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000))
        : Math.ceil(windowMs / 1000);
      next(
        new ChatError(
          'RATE_LIMITED',
          `Too many requests: at most ${options.limit} per ${windowMs / 1000} s. Try again in ${retryAfter} s.`,
          { retryable: true, retryAfter },
        ),
      );
    },
  });
  // A shared store that cannot be reached (Redis down) refuses with a retryable 503, not a 500.
  const refuse = (reject: (error: unknown) => void) => (error: unknown) =>
    reject(
      isChatError(error)
        ? error
        : new ChatError('STORAGE_ERROR', 'The request limit cannot be checked right now.', {
            retryable: true,
            retryAfter: 2,
            cause: error,
          }),
    );
  return (req, res) =>
    new Promise<void>((resolve, reject) => {
      Promise.resolve(
        middleware(req, res, (error?: unknown) => (error ? refuse(reject)(error) : resolve())),
      ).catch(refuse(reject));
    });
}
