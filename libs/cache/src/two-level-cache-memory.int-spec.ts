import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { CacheTtl } from './ttl';
import { L1_MAX_BYTES, TwoLevelCache } from './two-level-cache';

const POLICY = { ttl: CacheTtl.articleDetail, missingTtl: CacheTtl.articleInfoMissing };

/** An article whose JSON is about 2 MiB in process (1 Mi characters, two bytes each). */
const LARGE_CONTENT = 'a'.repeat(1 << 20);

describe('TwoLevelCache L1 memory (real Redis)', () => {
  let testRedis: TestRedis;
  const clients: Redis[] = [];

  beforeAll(() => {
    testRedis = createTestRedis();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis.cleanup();
  });

  it('keeps no more than its byte budget of large values in process, whatever their count', async () => {
    const redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    const subscriber = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    clients.push(redis, subscriber);
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
      l1TtlMs: 60_000,
    });
    await cache.start();

    const articles = Math.ceil((2 * L1_MAX_BYTES) / (2 * LARGE_CONTENT.length));
    const keys = Array.from({ length: articles }, (_, index) => `art:${index}:detail`);
    for (const key of keys) {
      expect(
        await cache.get(key, () => Promise.resolve({ content: LARGE_CONTENT }), POLICY),
      ).toEqual({
        content: LARGE_CONTENT,
      });
    }

    const held = keys.filter((key) => cache.hasLocal(key));
    expect(held.length * 2 * LARGE_CONTENT.length).toBeLessThanOrEqual(L1_MAX_BYTES);
    expect(cache.hasLocal(keys[keys.length - 1])).toBe(true);
    await redis.del(...keys);
  });
});
