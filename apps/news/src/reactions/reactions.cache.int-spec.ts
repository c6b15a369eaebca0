import { CacheKeys, createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { HiddenArticlesCache, RECENTLY_HIDDEN_MS } from '../articles/hidden-articles.cache';
import { ArticleAttitude } from './attitude-transition';
import { MAX_HIDDEN_CHECKED, ReactionsCache } from './reactions.cache';

const USER = '1294287382374383617';
const [A1, A2, A3] = ['1300000000000000001', '1300000000000000002', '1300000000000000003'];

describe('ReactionsCache (real Redis)', () => {
  let redis: TestRedis;
  let client: Redis;
  let cache: ReactionsCache;
  const collectionsKey = () => `${redis.prefix}user:${USER}:art:collection`;
  const attitudesKey = () => `${redis.prefix}user:${USER}:art:attitude`;

  beforeAll(() => {
    redis = createTestRedis();
    client = createRedisClient(redis.cacheUrl, redis.prefix);
    cache = new ReactionsCache(client);
  });

  afterEach(async () => {
    await cache.invalidateCollections(USER);
    await cache.invalidateAttitudes(USER);
  });

  afterAll(async () => {
    await client.quit();
    await redis.cleanup();
  });

  it('fills the collection zset (id -> collect time) and pages it newest first', async () => {
    expect(await cache.collectionPage(USER, 0, 9)).toBeUndefined();
    const lease = (await cache.leaseCollections(USER)) ?? '';
    expect(lease).not.toBe('');
    const filled = await cache.fillCollections(USER, lease, [
      { articleId: A3, collectedAt: 300, visible: true },
      { articleId: A1, collectedAt: 200, visible: true },
      { articleId: A2, collectedAt: 100, visible: true },
    ]);
    expect(filled).toBe(true);
    expect(await redis.client('cache').zrange(collectionsKey(), 0, -1, 'WITHSCORES')).toEqual([
      A2,
      '100',
      A1,
      '200',
      A3,
      '300',
    ]);
    const ttl = await redis.client('cache').ttl(collectionsKey());
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(720);
    expect(await cache.collectionPage(USER, 0, 1)).toEqual({
      total: 3,
      articleIds: [A3, A1],
      hiddenIds: [],
      countsHidden: false,
    });
    expect(await cache.collectionPage(USER, 2, 3)).toEqual({
      total: 3,
      articleIds: [A2],
      hiddenIds: [],
      countsHidden: false,
    });
    expect(await cache.isCollected(USER, A1)).toBe(true);
    expect(await cache.isCollected(USER, '1300000000000000009')).toBe(false);
  });

  it('keeps the articles not visible when filled apart: out of the pages and the total, still collected', async () => {
    const [H1, H2] = ['1300000000000000004', '1300000000000000005'];
    const lease = (await cache.leaseCollections(USER)) ?? '';
    await cache.fillCollections(USER, lease, [
      { articleId: H1, collectedAt: 400, visible: false },
      { articleId: A3, collectedAt: 300, visible: true },
      { articleId: H2, collectedAt: 250, visible: false },
      { articleId: A1, collectedAt: 200, visible: true },
    ]);
    expect(await cache.collectionPage(USER, 0, 0)).toEqual({
      total: 2,
      articleIds: [A3],
      hiddenIds: [H1, H2],
      countsHidden: false,
    });
    expect(await cache.collectionPage(USER, 1, 9)).toEqual({
      total: 2,
      articleIds: [A1],
      hiddenIds: [H1, H2],
      countsHidden: false,
    });
    expect(await cache.isCollected(USER, H2)).toBe(true);
  });

  it('checks the newest MAX_HIDDEN_CHECKED hidden articles of a page', async () => {
    const hidden = Array.from({ length: MAX_HIDDEN_CHECKED + 5 }, (_, index) => ({
      articleId: `14000000000000${String(index).padStart(5, '0')}`,
      collectedAt: 1000 - index,
      visible: false,
    }));
    const lease = (await cache.leaseCollections(USER)) ?? '';
    await cache.fillCollections(USER, lease, hidden);
    const page = await cache.collectionPage(USER, 0, 9);
    expect(page).toEqual({
      total: 0,
      articleIds: [],
      hiddenIds: hidden.slice(0, MAX_HIDDEN_CHECKED).map((c) => c.articleId),
      countsHidden: false,
    });
  });

  it('tells a page whose total counts an article hidden since the list was cached', async () => {
    const H1 = '1300000000000000004';
    const hiddenArticles = new HiddenArticlesCache(client);
    const lease = (await cache.leaseCollections(USER)) ?? '';
    await cache.fillCollections(USER, lease, [
      { articleId: A3, collectedAt: 300, visible: true },
      { articleId: A2, collectedAt: 250, visible: true },
      { articleId: H1, collectedAt: 200, visible: false },
    ]);
    const countsHidden = async () => (await cache.collectionPage(USER, 0, 0))?.countsHidden;
    try {
      // Hidden when the list was read: the total leaves it out already.
      await hiddenArticles.hidden(H1);
      expect(await countsHidden()).toBe(false);
      await hiddenArticles.hidden(A2, Date.now() - RECENTLY_HIDDEN_MS - 1000);
      expect(await countsHidden()).toBe(false);
      await hiddenArticles.hidden(A2);
      expect(await countsHidden()).toBe(true);
      await hiddenArticles.shown(A2);
      expect(await countsHidden()).toBe(false);
    } finally {
      await client.del(CacheKeys.recentlyHiddenArticles());
    }
  });

  it('reads a page and whether it counts an article hidden since in one round trip', async () => {
    const lease = (await cache.leaseCollections(USER)) ?? '';
    await cache.fillCollections(USER, lease, [{ articleId: A3, collectedAt: 300, visible: true }]);
    await new HiddenArticlesCache(client).hidden(A3);
    const written = jest.spyOn(client.stream, 'write');
    try {
      expect(await cache.collectionPage(USER, 0, 9)).toEqual({
        total: 1,
        articleIds: [A3],
        hiddenIds: [],
        countsHidden: true,
      });
      expect(written).toHaveBeenCalledTimes(1);
    } finally {
      written.mockRestore();
      await client.del(CacheKeys.recentlyHiddenArticles());
    }
  });

  it('caches "no collections" as the {-1} marker', async () => {
    const lease = (await cache.leaseCollections(USER)) ?? '';
    expect(await cache.fillCollections(USER, lease, [])).toBe(true);
    expect(await redis.client('cache').zrange(collectionsKey(), 0, -1)).toEqual(['-1']);
    expect(await cache.collectionPage(USER, 0, 9)).toEqual({
      total: 0,
      articleIds: [],
      hiddenIds: [],
      countsHidden: false,
    });
    expect(await cache.isCollected(USER, A1)).toBe(false);
  });

  it('fills the attitude hash (id -> 0/1), or {-1:-1} with the short TTL when empty', async () => {
    let lease = (await cache.leaseAttitudes(USER)) ?? '';
    await cache.fillAttitudes(USER, lease, [
      { articleId: A1, attitude: ArticleAttitude.Like },
      { articleId: A2, attitude: ArticleAttitude.Dislike },
    ]);
    expect(await redis.client('cache').hgetall(attitudesKey())).toEqual({ [A1]: '1', [A2]: '0' });
    expect(await cache.attitudes(USER, [A2, A3, A1])).toEqual([
      ArticleAttitude.Dislike,
      null,
      ArticleAttitude.Like,
    ]);
    expect(await redis.client('cache').ttl(attitudesKey())).toBeGreaterThan(1790);

    await cache.invalidateAttitudes(USER);
    expect(await cache.attitudes(USER, [A1])).toBeUndefined();
    lease = (await cache.leaseAttitudes(USER)) ?? '';
    await cache.fillAttitudes(USER, lease, []);
    expect(await redis.client('cache').hgetall(attitudesKey())).toEqual({ '-1': '-1' });
    expect(await redis.client('cache').ttl(attitudesKey())).toBeLessThanOrEqual(360);
    expect(await cache.attitudes(USER, [A1])).toEqual([null]);
  });

  it('gives the fill lease to one reader only', async () => {
    expect(await cache.leaseCollections(USER)).toBeDefined();
    expect(await cache.leaseCollections(USER)).toBeUndefined();
  });

  it('drops a fill read before a change: the change deletes the lease with the key', async () => {
    const lease = (await cache.leaseAttitudes(USER)) ?? '';
    await cache.invalidateAttitudes(USER);
    expect(
      await cache.fillAttitudes(USER, lease, [{ articleId: A1, attitude: ArticleAttitude.Like }]),
    ).toBe(false);
    expect(await redis.client('cache').exists(attitudesKey())).toBe(0);

    const stale = (await cache.leaseCollections(USER)) ?? '';
    await cache.invalidateCollections(USER);
    const fresh = (await cache.leaseCollections(USER)) ?? '';
    expect(
      await cache.fillCollections(USER, stale, [{ articleId: A1, collectedAt: 1, visible: true }]),
    ).toBe(false);
    expect(
      await cache.fillCollections(USER, fresh, [{ articleId: A2, collectedAt: 2, visible: true }]),
    ).toBe(true);
    expect(await redis.client('cache').zrange(collectionsKey(), 0, -1)).toEqual([A2]);
  });
});
