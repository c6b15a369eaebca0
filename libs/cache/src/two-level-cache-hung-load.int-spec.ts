import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { createRedisClient } from './redis-roles';
import { CacheTtl } from './ttl';
import { TwoLevelCache } from './two-level-cache';

const POLICY = { ttl: CacheTtl.articleInfo, missingTtl: CacheTtl.articleInfoMissing };
const SHARED_LOAD_MS = 200;
const STILL_WAITING = 'still waiting';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `read` answers, or STILL_WAITING when it has not within a second. */
async function answerOf<T>(read: Promise<T>): Promise<T | typeof STILL_WAITING> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<typeof STILL_WAITING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_WAITING), 1000);
  });
  try {
    return await Promise.race([read, waiting]);
  } finally {
    clearTimeout(timer);
  }
}

describe('TwoLevelCache with a load that hangs (real Redis)', () => {
  let testRedis: TestRedis;
  const clients: Redis[] = [];
  let cache: TwoLevelCache;

  beforeAll(async () => {
    testRedis = createTestRedis();
    const redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    const subscriber = createRedisClient(testRedis.cacheUrl, testRedis.prefix, {
      enableAutoPipelining: false,
    });
    clients.push(redis, subscriber);
    cache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
      sharedLoadMs: SHARED_LOAD_MS,
    });
    await cache.start();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis.cleanup();
  });

  it('lets a read that comes after the shared load has run its time load again', async () => {
    void cache.get('art:1:info', never, POLICY);
    await sleep(SHARED_LOAD_MS * 2);
    const later = cache.get('art:1:info', () => Promise.resolve({ id: 1 }), POLICY);
    expect(await answerOf(later)).toEqual({ id: 1 });
  });

  it('does so for the loads of many rows as well', async () => {
    void cache.getMany(['2'], (id) => `art:${id}:info`, never, POLICY);
    await sleep(SHARED_LOAD_MS * 2);
    const later = cache.getMany(
      ['2'],
      (id) => `art:${id}:info`,
      (ids) => Promise.resolve(new Map(ids.map((id) => [id, { id }]))),
      POLICY,
    );
    expect(await answerOf(later)).toEqual(new Map([['2', { id: '2' }]]));
  });

  it('still shares a load with the reads that come while it runs', async () => {
    let loads = 0;
    const slow = async () => {
      loads += 1;
      await sleep(SHARED_LOAD_MS / 4);
      return { id: 3 };
    };
    const reads = await Promise.all([
      cache.get('art:3:info', slow, POLICY),
      cache.get('art:3:info', slow, POLICY),
    ]);
    expect(reads).toEqual([{ id: 3 }, { id: 3 }]);
    expect(loads).toBe(1);
  });
});
