import { CacheKeys, CacheTtl, execReplies, REDIS_CACHE } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/**
 * How long an article stays listed after it was hidden: longer than any per-user copy filled
 * before that lives (`user:{uid}:art:collection`, 12 minutes at most, plus its 10 s fill lease),
 * with room for clocks that differ between replicas.
 */
export const RECENTLY_HIDDEN_MS =
  (CacheTtl.userCollections.baseSeconds + CacheTtl.userCollections.maxJitterSeconds + 180) * 1000;

/**
 * `art:hidden:recent` on the cache role: the approved articles that left the readers' lists in
 * the last RECENTLY_HIDDEN_MS and have not come back, so a cached copy of a reader's collections
 * can tell, without MySQL, that it still counts one.
 */
@Injectable()
export class HiddenArticlesCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  async hidden(articleId: string, now = Date.now()): Promise<void> {
    const key = CacheKeys.recentlyHiddenArticles();
    await execReplies(
      this.redis
        .multi()
        .zremrangebyscore(key, '-inf', `(${now - RECENTLY_HIDDEN_MS}`)
        .zadd(key, now, articleId)
        .pexpire(key, RECENTLY_HIDDEN_MS),
    );
  }

  async shown(articleId: string): Promise<void> {
    await this.redis.zrem(CacheKeys.recentlyHiddenArticles(), articleId);
  }
}
