import {
  CacheKeys,
  CacheTtl,
  dropSortedSets,
  execReplies,
  REDIS_CACHE,
  RedisScript,
  type ScoredMembers,
  swapInSortedSet,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { AuthoredArticle } from './articles.repository';

/** Member that marks an author with no approved article (a zset cannot be empty). */
const EMPTY_MARKER = '-1';

/** Gives a list that is the marker alone (KEYS[1]; ARGV: marker, TTL) the marker's shorter TTL. */
const EXPIRE_IF_MARKER_ONLY = new RedisScript<
  number,
  [articles: string],
  [marker: string, ttlSeconds: number]
>(`
if redis.call('ZCARD', KEYS[1]) == 1 and redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0`);

export interface CachedArticlePage {
  total: number;
  ids: string[];
}

/**
 * `user:{uid}:art`: zset of an author's approved article ids scored by creation time (seconds),
 * as in the reference. It is rebuilt with the guarded swap: a change of one of the author's
 * articles drops it (`drop`), and a rebuild that was reading MySQL meanwhile is not cached.
 */
@Injectable()
export class UserArticlesCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** One page, newest first; undefined when the list is not cached. */
  async page(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<CachedArticlePage | undefined> {
    const key = CacheKeys.userArticles(userId);
    const [size, marker, ids] = (await execReplies(
      this.redis
        .pipeline()
        .zcard(key)
        .zscore(key, EMPTY_MARKER)
        .zrevrange(key, offset, offset + limit - 1),
    )) as [number, string | null, string[]];
    if (size === 0) return undefined;
    return {
      total: marker === null ? size : size - 1,
      ids: ids.filter((id) => id !== EMPTY_MARKER),
    };
  }

  /**
   * Caches an author's whole list from their articles read chunk by chunk, swapped in whole
   * (`swapInSortedSet`, guarded: a list dropped while it was read is not cached); an author
   * without any is marked so, for a shorter time. Resolves with the articles listed.
   */
  async replace(
    userId: string,
    chunks: AsyncIterable<readonly AuthoredArticle[]>,
  ): Promise<number> {
    const key = CacheKeys.userArticles(userId);
    const tally = { articles: 0 };
    await swapInSortedSet(
      this.redis,
      key,
      scoredOrMarker(chunks, tally),
      ttlWithJitter(CacheTtl.userArticles),
      { guarded: true },
    );
    if (tally.articles === 0) {
      await EXPIRE_IF_MARKER_ONLY.run(
        this.redis,
        [key],
        [EMPTY_MARKER, ttlWithJitter(CacheTtl.articleInfoMissing)],
      );
    }
    return tally.articles;
  }

  /** Drops an author's list after one of their articles changed: the next read rebuilds it. */
  drop(userId: string): Promise<void> {
    return dropSortedSets(this.redis, [CacheKeys.userArticles(userId)]);
  }
}

/**
 * Articles as the list scores them: by creation time in seconds, as in the reference; the marker
 * alone when there are none. `tally` counts the articles.
 */
async function* scoredOrMarker(
  chunks: AsyncIterable<readonly AuthoredArticle[]>,
  tally: { articles: number },
): AsyncGenerator<ScoredMembers> {
  for await (const articles of chunks) {
    tally.articles += articles.length;
    yield articles.map(
      (article) => [Math.floor(article.createTime.getTime() / 1000), article.id] as const,
    );
  }
  if (tally.articles === 0) yield [[-1, EMPTY_MARKER]];
}
