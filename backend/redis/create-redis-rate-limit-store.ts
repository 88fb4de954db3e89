// The request limit (`limits.requestsPerMinute`) shared by every instance, through
// rate-limit-redis on the same ioredis connection the run registry uses.

import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** Put before every rate-limit key. Defaults to `schema-chat:rl:`. */
  prefix?: string;
}

/**
 * A factory for `limits.rateLimitStore`: each limiter of the router gets a rate-limit-redis store
 * on `redis`, so a user's requests count once across instances.
 *
 * @example
 * createChatRouter({ limits: { rateLimitStore: createRedisRateLimitStore(redis) }, … });
 */
export function createRedisRateLimitStore(
  redis: Redis,
  options: RedisRateLimitStoreOptions = {},
): () => Store {
  const prefix = options.prefix ?? 'schema-chat:rl:';
  return () =>
    new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<number | string>,
    });
}
