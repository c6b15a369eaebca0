import { CacheKeys, CacheTtl, execReplies, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

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
  async page(userId: string, offset: number, limit: number): Promise<CachedArticlePage | undefined> {
    const key = CacheKeys.userArticles(userId);
    const [size, marker, ids] = (await execReplies(
      this.redis.pipeline().zcard(key).zscore(key, EMPTY_MARKER).zrevrange(key, offset, offset + limit - 1),
    )) as [number, string | null, string[]];
    if (size === 0) return undefined;
    return { total: marker === null ? size : size - 1, ids: ids.filter((id) => id !== EMPTY_MARKER) };
  }

  async fill(userId: string, articles: ReadonlyArray<{ id: string; createTime: Date }>): Promise<void> {
    const key = CacheKeys.userArticles(userId);
    const members =
      articles.length > 0
        ? articles.flatMap((article) => [Math.floor(article.createTime.getTime() / 1000), article.id])
        : [-1, EMPTY_MARKER];
    const ttl = ttlWithJitter(articles.length > 0 ? CacheTtl.userArticles : CacheTtl.articleInfoMissing);
    await this.redis.multi().del(key).zadd(key, ...members).expire(key, ttl).exec();
  }
}
