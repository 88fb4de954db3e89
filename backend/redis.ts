// Entry `schema-chat/redis`: what several instances of the router share on one Redis — the run
// registry (claims, limits, events, stops, leases) and the request limit. Needs the optional peer
// dependencies `ioredis` and `rate-limit-redis`; the default entry `schema-chat/express` never
// loads them.

export {
  createRedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis/create-redis-rate-limit-store.js';
export { RedisRunRegistry, type RedisRunRegistryOptions } from './redis/redis-run-registry.js';
