import { createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { UserChannelsCache } from './user-channels.cache';

const USER = '1294287382374383616';
const LIST = [{ id: 4, name: 'go' }];

describe('UserChannelsCache (real Redis)', () => {
  let redis: TestRedis;
  let client: Redis;
  let cache: UserChannelsCache;
  const rawKey = () => `${redis.prefix}user:${USER}:ch`;

  beforeAll(() => {
    redis = createTestRedis();
    client = createRedisClient(redis.cacheUrl, redis.prefix);
    cache = new UserChannelsCache(client);
  });

  afterEach(async () => {
    await redis.client('cache').del(rawKey());
  });

  afterAll(async () => {
    await client.quit();
    await redis.cleanup();
  });

  it('fills a missing key under its lease as JSON [{id,name}] with the user-channels TTL', async () => {
    const lease = await cache.lease(USER);
    expect(lease).toBeDefined();
    expect(await cache.get(USER)).toBeUndefined();
    expect(await cache.fill(USER, lease ?? '', LIST)).toBe(true);
    expect(JSON.parse((await redis.client('cache').get(rawKey())) ?? 'null')).toEqual(LIST);
    const ttl = await redis.client('cache').ttl(rawKey());
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(4200);
    expect(await cache.get(USER)).toEqual(LIST);
  });

  it('gives the lease to one reader only', async () => {
    expect(await cache.lease(USER)).toBeDefined();
    expect(await cache.lease(USER)).toBeUndefined();
  });

  it('drops a fill read before a change: the change deletes the lease', async () => {
    const lease = await cache.lease(USER);
    await cache.invalidate(USER);
    expect(await cache.fill(USER, lease ?? '', LIST)).toBe(false);
    expect(await redis.client('cache').exists(rawKey())).toBe(0);
  });

  it('drops a fill whose lease was replaced by a later reader', async () => {
    const stale = await cache.lease(USER);
    await cache.invalidate(USER);
    const fresh = await cache.lease(USER);
    expect(await cache.fill(USER, stale ?? '', [{ id: 1, name: 'stale' }])).toBe(false);
    expect(await cache.fill(USER, fresh ?? '', LIST)).toBe(true);
    expect(await cache.get(USER)).toEqual(LIST);
  });

  it('keeps an empty list as the marker of a user without own channels', async () => {
    const lease = await cache.lease(USER);
    await cache.fill(USER, lease ?? '', []);
    expect(await cache.get(USER)).toEqual([]);
  });
});
