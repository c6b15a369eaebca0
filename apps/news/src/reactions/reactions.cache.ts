import { randomUUID } from 'node:crypto';

import {
  CacheKeys,
  CacheTtl,
  REDIS_CACHE,
  RedisScript,
  type TtlPolicy,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { RECENTLY_HIDDEN_MS } from '../articles/hidden-articles.cache';
import type { ArticleAttitude } from './attitude-transition';
import type { CollectedArticle } from './reactions.repository';

/** Member / field of the marker that says "this user has none" (reference null marker). */
const EMPTY = '-1';
/** How long a reader may take between claiming a missing key and filling it. */
const FILL_LEASE_MS = 10_000;

// Fills KEYS[1] only while KEYS[2] still holds this reader's lease: a change deletes both, so
// rows read from MySQL before that change never land in the cache after it.
// ARGV: lease, ttl seconds, command (ZADD or HSET), then pairs for that command.
const FILL_IF_LEASED = new RedisScript<
  number,
  [key: string, lease: string],
  [lease: string, ttlSeconds: number, command: 'ZADD' | 'HSET', ...pairs: string[]]
>(`if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
for i = 4, #ARGV, 2 do redis.call(ARGV[3], KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`);

// Whether KEYS[1] (a user's collections) lists as visible one of the articles hidden lately
// (KEYS[2], `art:hidden:recent`). ARGV: the oldest hiding that counts (ms), most checked.
const LISTS_RECENTLY_HIDDEN = new RedisScript<
  number,
  [collections: string, recentlyHidden: string],
  [since: number, max: number]
>(`local hidden = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for i = 1, #hidden, 500 do
  local scores = redis.call('ZMSCORE', KEYS[1], unpack(hidden, i, math.min(i + 499, #hidden)))
  for _, score in ipairs(scores) do
    if score and tonumber(score) > 0 then return 1 end
  end
end
return 0`);

/** Most hidden collected articles a page checks for one approved again. */
export const MAX_HIDDEN_CHECKED = 200;
/** Most of the articles hidden lately a page checks against the cached collections. */
const MAX_RECENTLY_HIDDEN_CHECKED = 10_000;

export interface CollectionPage {
  /** Of the visible articles. */
  total: number;
  articleIds: string[];
  /** The newest MAX_HIDDEN_CHECKED of those that were not visible when the list was cached. */
  hiddenIds: string[];
  /** Whether an article counted visible has been hidden since (`art:hidden:recent`). */
  countsHidden: boolean;
}

const leaseKey = (key: string): string => `${key}:fill`;

/**
 * The per-user structures of the cache role: `user:{uid}:art:collection` (zset article id →
 * collect time) and `user:{uid}:art:attitude` (hash article id → 0/1). Both are whole copies of
 * the user's rows, `{-1}` when there are none; every change deletes them. The collections also
 * hold the articles that were not visible when they were read (score: minus the collect time),
 * so one approved again is still known collected, and its return is seen by the next page read.
 */
@Injectable()
export class ReactionsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** One page of the visible ones (0-based `start`, inclusive `stop`), newest first; undefined on a miss. */
  async collectionPage(
    userId: string,
    start: number,
    stop: number,
    now = Date.now(),
  ): Promise<CollectionPage | undefined> {
    const key = CacheKeys.userCollections(userId);
    // The `{-1}` marker's score, 0, is neither visible (> 0) nor hidden (< 0, the newest lowest).
    const pipeline = this.redis
      .pipeline()
      .exists(key)
      .zcount(key, '(0', '+inf')
      .zrevrangebyscore(key, '+inf', '(0', 'LIMIT', start, stop - start + 1)
      .zrangebyscore(key, '-inf', '(0', 'LIMIT', 0, MAX_HIDDEN_CHECKED);
    const [exists, total, ids, hiddenIds, countsHidden] = await this.exec<
      [number, number, string[], string[], number]
    >(
      LISTS_RECENTLY_HIDDEN.queue(
        pipeline,
        [key, CacheKeys.recentlyHiddenArticles()],
        [now - RECENTLY_HIDDEN_MS, MAX_RECENTLY_HIDDEN_CHECKED],
      ),
    );
    if (exists === 0) return undefined;
    return { total, articleIds: ids, hiddenIds, countsHidden: countsHidden === 1 };
  }

  /** Whether the article is in the user's cached collections, visible or not; undefined on a miss. */
  async isCollected(userId: string, articleId: string): Promise<boolean | undefined> {
    const key = CacheKeys.userCollections(userId);
    const [exists, score] = await this.exec<[number, string | null]>(
      this.redis.pipeline().exists(key).zscore(key, articleId),
    );
    return exists === 0 ? undefined : score !== null;
  }

  async fillCollections(
    userId: string,
    lease: string,
    collected: readonly CollectedArticle[],
  ): Promise<boolean> {
    const pairs =
      collected.length === 0
        ? ['0', EMPTY]
        : collected.flatMap((c) => [
            String(c.visible ? c.collectedAt : -c.collectedAt),
            c.articleId,
          ]);
    return this.fill(
      CacheKeys.userCollections(userId),
      lease,
      CacheTtl.userCollections,
      'ZADD',
      pairs,
    );
  }

  /** The user's attitude to each article (null = none); undefined on a miss. */
  async attitudes(
    userId: string,
    articleIds: readonly string[],
  ): Promise<(ArticleAttitude | null)[] | undefined> {
    if (articleIds.length === 0) return [];
    const key = CacheKeys.userAttitudes(userId);
    const [exists, values] = await this.exec<[number, (string | null)[]]>(
      this.redis
        .pipeline()
        .exists(key)
        .hmget(key, ...articleIds),
    );
    if (exists === 0) return undefined;
    return values.map((value) => (value === null ? null : (Number(value) as ArticleAttitude)));
  }

  async fillAttitudes(
    userId: string,
    lease: string,
    attitudes: ReadonlyArray<{ articleId: string; attitude: ArticleAttitude }>,
  ): Promise<boolean> {
    const key = CacheKeys.userAttitudes(userId);
    if (attitudes.length === 0) {
      return this.fill(key, lease, CacheTtl.userAttitudesEmpty, 'HSET', [EMPTY, EMPTY]);
    }
    const pairs = attitudes.flatMap(({ articleId, attitude }) => [articleId, String(attitude)]);
    return this.fill(key, lease, CacheTtl.userAttitudes, 'HSET', pairs);
  }

  /** Claims the right to fill the user's collections; undefined while another reader holds it. */
  leaseCollections(userId: string): Promise<string | undefined> {
    return this.lease(CacheKeys.userCollections(userId));
  }

  leaseAttitudes(userId: string): Promise<string | undefined> {
    return this.lease(CacheKeys.userAttitudes(userId));
  }

  async invalidateCollections(userId: string): Promise<void> {
    const key = CacheKeys.userCollections(userId);
    await this.redis.del(key, leaseKey(key));
  }

  async invalidateAttitudes(userId: string): Promise<void> {
    const key = CacheKeys.userAttitudes(userId);
    await this.redis.del(key, leaseKey(key));
  }

  private async lease(key: string): Promise<string | undefined> {
    const lease = randomUUID();
    const claimed = await this.redis.set(leaseKey(key), lease, 'PX', FILL_LEASE_MS, 'NX');
    return claimed === 'OK' ? lease : undefined;
  }

  private async fill(
    key: string,
    lease: string,
    ttl: TtlPolicy,
    command: 'ZADD' | 'HSET',
    pairs: readonly string[],
  ): Promise<boolean> {
    const stored = await FILL_IF_LEASED.run(
      this.redis,
      [key, leaseKey(key)],
      [lease, ttlWithJitter(ttl), command, ...pairs],
    );
    return stored === 1;
  }

  private async exec<T extends unknown[]>(pipeline: ReturnType<Redis['pipeline']>): Promise<T> {
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as T;
  }
}
