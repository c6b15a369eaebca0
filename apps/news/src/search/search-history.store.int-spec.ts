import { createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { SearchHistoryStore } from './search-history.store';

const USER = '1100000000000000001';

describe('SearchHistoryStore (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let history: SearchHistoryStore;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    history = new SearchHistoryStore(redis);
  });

  afterEach(() => history.clear(USER));

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('lists the newest keywords first, at most four', async () => {
    for (const [at, keyword] of ['rust', 'go', 'python', 'java', 'kotlin'].entries())
      await history.save(USER, keyword, at + 1);
    expect(await history.list(USER)).toEqual(['kotlin', 'java', 'python', 'go']);
  });

  it('leaves out and deletes a keyword saved before control characters were refused', async () => {
    await history.save(USER, 'rust', 1);
    await history.save(USER, 'py\u0000thon', 2);
    await history.save(USER, '\u001b[31mred', 3);
    await history.save(USER, 'go\tlang', 4);

    expect(await history.list(USER)).toEqual(['go\tlang', 'rust']);
    expect(await redis.zrevrange(StateKeys.searchHistory(USER), 0, -1)).toEqual([
      'go\tlang',
      'rust',
    ]);

    await history.save(USER, 'java', 5);
    expect(await history.list(USER)).toEqual(['java', 'go\tlang', 'rust']);
  });
});
