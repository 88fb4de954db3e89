// startRedis: a throwaway Redis that answers, loses its keys on restart, and is gone after close().

import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedis } from './start-redis.js';
import { servicesSkipped } from './test-services.js';

describe.skipIf(servicesSkipped())('startRedis', () => {
  it('serves on loopback, restarts empty on the same port and stops by pid', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 20, retryStrategy: () => 50 });
    client.on('error', () => {});
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      await client.set('key', 'value');
      expect(await client.get('key')).toBe('value');
      const firstPid = redis.pid;

      await redis.restart();

      expect(redis.pid).not.toBe(firstPid);
      expect(await client.get('key')).toBeNull();
    } finally {
      client.disconnect();
      await redis.close();
    }
    expect(redis.pid).toBeUndefined();
    expect(existsSync(redis.dir)).toBe(false);
  });
});
