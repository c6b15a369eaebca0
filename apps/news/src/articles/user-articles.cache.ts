import {
  CacheKeys,
  CacheTtl,
  execReplies,
  REDIS_CACHE,
  type ScoredMembers,
  swapInSortedSet,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { AuthoredArticle } from './articles.repository';

/** Member that marks an author with no approved article (a zset cannot be empty). */
const EMPTY_MARKER = '-1';

export interface CachedArticlePage {
  total: number;
  ids: string[];
}

/**
 * `user:{uid}:art`: zset of an author's approved article ids scored by creation time (seconds),
 * as in the reference. Writers of articles delete the key.
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
   * (`swapInSortedSet`); an author without any is marked so. Resolves with the articles listed.
   */
  async replace(
    userId: string,
    chunks: AsyncIterable<readonly AuthoredArticle[]>,
  ): Promise<number> {
    const key = CacheKeys.userArticles(userId);
    const listed = await swapInSortedSet(
      this.redis,
      key,
      scored(chunks),
      ttlWithJitter(CacheTtl.userArticles),
    );
    if (listed === 0) {
      await execReplies(
        this.redis
          .multi()
          .del(key)
          .zadd(key, -1, EMPTY_MARKER)
          .expire(key, ttlWithJitter(CacheTtl.articleInfoMissing)),
      );
    }
    return listed;
  }
}

/** Articles as the list scores them: by creation time in seconds, as in the reference. */
async function* scored(
  chunks: AsyncIterable<readonly AuthoredArticle[]>,
): AsyncGenerator<ScoredMembers> {
  for await (const articles of chunks)
    yield articles.map(
      (article) => [Math.floor(article.createTime.getTime() / 1000), article.id] as const,
    );
}
