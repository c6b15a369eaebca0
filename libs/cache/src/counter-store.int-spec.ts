import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CounterStore } from './counter-store';
import { CounterKeys } from './keys';
import { createRedisClient } from './redis-roles';

describe('CounterStore (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let counters: CounterStore;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    counters = new CounterStore(redis);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('reads a missing counter as 0 and increments exactly', async () => {
    expect(await counters.get(CounterKeys.articleLikes, '1300000000000000001')).toBe(0);
    await Promise.all(Array.from({ length: 50 }, () => counters.increment(CounterKeys.articleLikes, '1300000000000000001')));
    expect(await counters.get(CounterKeys.articleLikes, '1300000000000000001')).toBe(50);
    expect(await counters.increment(CounterKeys.articleLikes, '1300000000000000001', -3)).toBe(47);
  });

  it('reads several counters of one id in order, under the key prefix', async () => {
    await counters.increment(CounterKeys.userFollowers, '7', 5);
    await counters.increment(CounterKeys.userArticles, '7', 2);
    expect(await counters.getMany([CounterKeys.userArticles, CounterKeys.userFollowings, CounterKeys.userFollowers], '7')).toEqual([2, 0, 5]);
    expect(await testRedis.client('state').zscore(`${testRedis.prefix}count:user:followers`, '7')).toBe('5');
  });

  it('replaces a whole counter atomically', async () => {
    await counters.increment(CounterKeys.articleComments, 'stale', 9);
    await counters.replaceAll(CounterKeys.articleComments, [['a', 3], ['b', 1]]);
    expect(await counters.getMany([CounterKeys.articleComments], 'stale')).toEqual([0]);
    expect(await counters.get(CounterKeys.articleComments, 'a')).toBe(3);
  });
});
