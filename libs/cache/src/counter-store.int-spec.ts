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

  it('replaces a whole counter from batches: stale members go, the scratch key is gone, an empty source deletes it', async () => {
    await counters.increment(CounterKeys.articleComments, 'stale', 9);
    await counters.increment(CounterKeys.articleComments, 'a', 40);
    async function* batches() {
      yield [['a', 3], ['b', 1]] as const;
      // A page that comes later, as from MySQL.
      await new Promise((resolve) => setImmediate(resolve));
      yield [];
      yield [['c', 7]] as const;
    }
    expect(await counters.replace(CounterKeys.articleComments, batches())).toBe(3);
    const raw = testRedis.client('state');
    expect(await raw.zrange(`${testRedis.prefix}count:art:comm`, 0, -1, 'WITHSCORES')).toEqual(['b', '1', 'a', '3', 'c', '7']);
    expect(await raw.exists(`${testRedis.prefix}count:art:comm:rebuilding`)).toBe(0);

    expect(await counters.replace(CounterKeys.articleComments, [])).toBe(0);
    expect(await raw.exists(`${testRedis.prefix}count:art:comm`)).toBe(0);
  });

  it('drops what an interrupted replace left in the scratch key', async () => {
    await redis.zadd('count:art:liking:rebuilding', 99, 'left-over');
    expect(await counters.replace(CounterKeys.articleLikes, [[['x', 2]]])).toBe(1);
    expect(await testRedis.client('state').zrange(`${testRedis.prefix}count:art:liking`, 0, -1, 'WITHSCORES')).toEqual(['x', '2']);
  });
});
