import { CacheKeys, CacheTtl, REDIS_CACHE, ttlWithJitter } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { CommentsRepository } from './comments.repository';

/** Member of an empty set: a set cannot be empty in Redis, and "none" must not read as "not cached". */
export const EMPTY_LIKINGS_MARKER = '-1';

/** `user:{id}:comm:liking`: the set of comments a user likes, read through from MySQL. */
@Injectable()
export class CommentLikingsCache {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    private readonly comments: CommentsRepository,
  ) {}

  /** Which of `commentIds` the user likes. */
  async likedAmong(userId: string, commentIds: readonly string[]): Promise<Set<string>> {
    if (commentIds.length === 0) return new Set();
    const key = CacheKeys.userCommentLikings(userId);
    const replies = await this.redis.multi().exists(key).smismember(key, ...commentIds).exec();
    if (!replies) throw new Error('the liking set read was discarded');
    for (const [error] of replies) if (error) throw error;
    const [exists, flags] = replies.map(([, value]) => value) as [number, number[]];
    if (exists === 1) return new Set(commentIds.filter((_, index) => flags[index] === 1));
    const liked = new Set(await this.comments.likedCommentIds(userId));
    await this.write(key, [...liked]);
    return new Set(commentIds.filter((id) => liked.has(id)));
  }

  /** Drops the user's cached set after a like or unlike. */
  async invalidate(userId: string): Promise<void> {
    await this.redis.del(CacheKeys.userCommentLikings(userId));
  }

  private async write(key: string, liked: readonly string[]): Promise<void> {
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
