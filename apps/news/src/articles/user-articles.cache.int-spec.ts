import { CacheKeys, CacheTtl, createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis, yieldEach } from '@app/testing';
import type Redis from 'ioredis';

import type { AuthoredArticle } from './articles.repository';
import { UserArticlesCache } from './user-articles.cache';

const AUTHOR = '1294287382374383616';
const LONER = '1294287382374383617';

describe('UserArticlesCache (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let cache: UserArticlesCache;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
    cache = new UserArticlesCache(redis);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('misses until filled from chunks, then pages newest first with the total', async () => {
    expect(await cache.page(AUTHOR, 0, 10)).toBeUndefined();
    const listed = await cache.replace(
      AUTHOR,
      yieldEach([
        [
          { id: '1300000000000000001', createTime: new Date('2019-01-01T00:00:00Z') },
          { id: '1300000000000000003', createTime: new Date('2019-01-03T00:00:00Z') },
        ],
        [{ id: '1300000000000000002', createTime: new Date('2019-01-02T00:00:00Z') }],
      ]),
    );
    expect(listed).toBe(3);
    expect(await cache.page(AUTHOR, 0, 2)).toEqual({
      total: 3,
      ids: ['1300000000000000003', '1300000000000000002'],
    });
    expect(await cache.page(AUTHOR, 2, 2)).toEqual({ total: 3, ids: ['1300000000000000001'] });
    const ttl = await redis.ttl(CacheKeys.userArticles(AUTHOR));
    expect(ttl).toBeGreaterThan(CacheTtl.userArticles.baseSeconds - 5);
    expect(ttl).toBeLessThanOrEqual(
      CacheTtl.userArticles.baseSeconds + CacheTtl.userArticles.maxJitterSeconds,
    );
  });

  it('caches "no articles" as a marker with the short TTL and never lists it', async () => {
    expect(await cache.replace(LONER, yieldEach([]))).toBe(0);
    expect(await cache.page(LONER, 0, 10)).toEqual({ total: 0, ids: [] });
    expect(await redis.ttl(CacheKeys.userArticles(LONER))).toBeLessThanOrEqual(
      CacheTtl.articleInfoMissing.baseSeconds + CacheTtl.articleInfoMissing.maxJitterSeconds,
    );
  });

  it('caches neither a list nor the marker that was dropped while it was read', async () => {
    const author = '1294287382374383618';
    async function* droppedWhileRead(
      articles: AuthoredArticle[],
    ): AsyncGenerator<AuthoredArticle[]> {
      yield articles;
      await cache.drop(author);
    }
    const article = { id: '1300000000000000004', createTime: new Date('2019-01-04T00:00:00Z') };
    expect(await cache.replace(author, droppedWhileRead([article]))).toBe(1);
    expect(await cache.page(author, 0, 10)).toBeUndefined();
    expect(await cache.replace(author, droppedWhileRead([]))).toBe(0);
    expect(await cache.page(author, 0, 10)).toBeUndefined();
    expect(await cache.replace(author, yieldEach([[article]]))).toBe(1);
    expect(await cache.page(author, 0, 10)).toEqual({ total: 1, ids: [article.id] });
  });
});
