import { createTestRedis, type TestRedis, yieldEach } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { type ScoredMembers, swapInSortedSet } from './sorted-set-swap';

describe('swapInSortedSet (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  const raw = (): Redis => testRedis.client('cache');
  const prefixed = (key: string): string => `${testRedis.prefix}${key}`;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('writes the whole set from its chunks with the given expiry, more than one ZADD per chunk where needed', async () => {
    const pairs = Array.from({ length: 1203 }, (_, index) => [index, `m${index}`] as const);
    const written = await swapInSortedSet(
      redis,
      'set:a',
      yieldEach([pairs.slice(0, 1100), [], pairs.slice(1100)]),
      900,
    );
    expect(written).toBe(1203);
    expect(await raw().zcard(prefixed('set:a'))).toBe(1203);
    expect(await raw().zscore(prefixed('set:a'), 'm1202')).toBe('1202');
    const ttl = await raw().ttl(prefixed('set:a'));
    expect(ttl).toBeGreaterThan(890);
    expect(ttl).toBeLessThanOrEqual(900);
  });

  it('leaves the old set to readers until the new one is complete, and no scratch key behind', async () => {
    await swapInSortedSet(redis, 'set:b', yieldEach([[[1, 'old']]]), 900);
    async function* slowly(): AsyncGenerator<ScoredMembers> {
      yield [[2, 'new-1']];
      expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['old']);
      yield [[3, 'new-2']];
    }
    expect(await swapInSortedSet(redis, 'set:b', slowly(), 900)).toBe(2);
    expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['new-1', 'new-2']);
    expect(await raw().keys(`${prefixed('set:b')}:filling:*`)).toEqual([]);
  });

  it('keeps the set when there is nothing to write, and drops the scratch key when reading fails', async () => {
    expect(await swapInSortedSet(redis, 'set:b', yieldEach([]), 900)).toBe(0);
    expect(await raw().zcard(prefixed('set:b'))).toBe(2);
    async function* failing(): AsyncGenerator<ScoredMembers> {
      yield [[9, 'partial']];
      await Promise.reject(new Error('MySQL went away'));
    }
    await expect(swapInSortedSet(redis, 'set:b', failing(), 900)).rejects.toThrow(
      'MySQL went away',
    );
    expect(await raw().zrange(prefixed('set:b'), 0, -1)).toEqual(['new-1', 'new-2']);
    expect(await raw().keys(`${prefixed('set:b')}:filling:*`)).toEqual([]);
  });
});
