import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Member of an empty set: a set cannot be empty in Redis, and "none" must not read as "not cached". */
export const EMPTY_LIKINGS_MARKER = '-1';

/** `user:{id}:comm:liking`: the whole set of comments a user likes. */
@Injectable()
export class CommentLikingsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** Which of `commentIds` (not empty) the user likes; undefined when the set is not cached. */
  async likedAmong(
    userId: string,
    commentIds: readonly string[],
  ): Promise<Set<string> | undefined> {
    const key = CacheKeys.userCommentLikings(userId);
    const replies = await this.redis.multi().exists(key).smismember(key, ...commentIds).exec();
    if (!replies) throw new Error('the liking set read was discarded');
    for (const [error] of replies) if (error) throw error;
    const [exists, flags] = replies.map(([, value]) => value) as [number, number[]];
    return exists === 1 ? new Set(commentIds.filter((_, index) => flags[index] === 1)) : undefined;
  }

  /** Drops the user's cached set after a like or unlike. */
  async invalidate(userId: string): Promise<void> {
    await this.redis.del(CacheKeys.userCommentLikings(userId));
  }

  /** Caches all the comments the user likes. */
  async fill(userId: string, liked: readonly string[]): Promise<void> {
    const key = CacheKeys.userCommentLikings(userId);
    const empty = liked.length === 0;
    const ttl = ttlWithJitter(empty ? CacheTtl.userCommentLikingsEmpty : CacheTtl.userCommentLikings);
    await this.redis
      .multi()
      .del(key)
      .sadd(key, ...(empty ? [EMPTY_LIKINGS_MARKER] : liked))
      .expire(key, ttl)
      .exec();
  }
}
