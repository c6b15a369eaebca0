import {
  commentScore,
  compareForPage,
  createRedisClient,
  formatScore,
  parseCursor,
  type ScoredComment,
  selectPage,
} from '@app/cache';
import { createTestRedis, type TestRedis, yieldEach } from '@app/testing';
import type Redis from 'ioredis';

import { CommentListsCache } from './comment-lists.cache';

const T0 = Date.UTC(2024, 0, 1) / 1000;
const KEY = 'art:1300000000000000001:comm';

function member(index: number, seconds: number, top = false): ScoredComment {
  return {
    id: String(1310000000000000000n + BigInt(index)),
    score: commentScore(new Date(seconds * 1000), top),
  };
}

describe('CommentListsCache (real Redis)', () => {
  let redis: TestRedis;
  let client: Redis;
  let cache: CommentListsCache;
  const raw = () => redis.client('cache');

  beforeAll(() => {
    redis = createTestRedis();
    client = createRedisClient(redis.cacheUrl, redis.prefix);
    cache = new CommentListsCache(client);
  });

  afterEach(async () => {
    await raw().del(`${redis.prefix}${KEY}`);
  });

  afterAll(async () => {
    await client.quit();
    await redis.cleanup();
  });

  it('answers undefined for a list that is not cached', async () => {
    expect(await cache.readPage(KEY, undefined, 10)).toBeUndefined();
  });

  it('pages a cached list exactly as the whole list pages in memory, sticky scores and ties included', async () => {
    const members = [
      // Sticky comments close in time share a double in Redis; they must travel as one group.
      ...Array.from({ length: 4 }, (_, index) => member(index, T0 + index * 100, true)),
      ...Array.from({ length: 9 }, (_, index) => member(10 + index, T0 + 1000 + index)),
      ...Array.from({ length: 5 }, (_, index) => member(30 + index, T0 + 500)),
      ...Array.from({ length: 17 }, (_, index) => member(40 + index, T0 + index)),
    ].sort(compareForPage);
    // In chunks of 7, out of page order, as a read of the list in comment id order gives them.
    const shuffled = [...members].reverse();
    const chunks = Array.from({ length: Math.ceil(shuffled.length / 7) }, (_, index) =>
      shuffled.slice(index * 7, index * 7 + 7),
    );
    expect(await cache.replace(KEY, yieldEach(chunks))).toBe(members.length);
    const ttl = await raw().ttl(`${redis.prefix}${KEY}`);
    expect(ttl).toBeGreaterThan(1800);
    expect(ttl).toBeLessThanOrEqual(2400);

    let offset: number | undefined;
    const seen: ScoredComment[] = [];
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await cache.readPage(KEY, offset, 10);
      expect(page?.totalCount).toBe(members.length);
      expect(page?.endScore).toBe(members[members.length - 1].score);
      expect(page?.members).toEqual(selectPage(members, offset, 10));
      if (!page || page.members.length === 0) break;
      seen.push(...page.members);
      offset = parseCursor(formatScore(page.members[page.members.length - 1].score));
    }
    expect(seen).toEqual(members);
  });

  it('swaps a list in whole: readers see the old list until the new one is complete, and no scratch key stays', async () => {
    const key = `${redis.prefix}${KEY}`;
    await cache.replace(KEY, yieldEach([[member(1, T0)]]));
    const oldPage = await cache.readPage(KEY, undefined, 10);
    async function* slowly(): AsyncGenerator<ScoredComment[]> {
      yield [member(2, T0 + 1)];
      expect(await cache.readPage(KEY, undefined, 10)).toEqual(oldPage);
      yield [member(3, T0 + 2)];
    }
    expect(await cache.replace(KEY, slowly())).toBe(2);
    expect(await raw().zrange(key, 0, -1)).toEqual([member(2, T0).id, member(3, T0).id]);
    expect(await cache.replace(KEY, yieldEach([]))).toBe(0);
    expect(await raw().zcard(key)).toBe(2);
    expect(await raw().keys(`${key}:filling:*`)).toEqual([]);
  });

  it('adds a new comment only to a list that is cached and not about to expire', async () => {
    const key = `${redis.prefix}${KEY}`;
    await cache.addIfCached(KEY, member(1, T0));
    expect(await raw().exists(key)).toBe(0);

    await cache.replace(KEY, yieldEach([[member(2, T0)]]));
    await cache.addIfCached(KEY, member(3, T0 + 10));
    expect(await raw().zscore(key, member(3, T0).id)).toBe(String(T0 + 10));

    await raw().expire(key, 3);
    await cache.addIfCached(KEY, member(4, T0 + 20));
    expect(await raw().zscore(key, member(4, T0).id)).toBeNull();
  });
});
