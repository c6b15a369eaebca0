import {
  CacheKeys,
  CacheTtl,
  dropFenced,
  readFillFences,
  REDIS_CACHE,
  replaceSetIfFenced,
  ttlWithJitter,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Member of an empty set: a set cannot be empty in Redis, and "none" must not read as "not cached". */
export const EMPTY_LIKINGS_MARKER = '-1';

/**
 * `user:{id}:comm:liking`: the whole set of comments a user likes. It is filled under its fence
 * (libs/cache `fill-fence`), which a like or an unlike replaces as it drops the set: likings read
 * from MySQL before that are not cached after it.
 */
@Injectable()
export class CommentLikingsCache {
  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** Which of `commentIds` (not empty) the user likes; undefined when the set is not cached. */
  async likedAmong(
    userId: string,
    commentIds: readonly string[],
  ): Promise<Set<string> | undefined> {
    const key = CacheKeys.userCommentLikings(userId);
    const replies = await this.redis
      .multi()
      .exists(key)
      .smismember(key, ...commentIds)
      .exec();
    if (!replies) throw new Error('the liking set read was discarded');
    for (const [error] of replies) if (error) throw error;
    const [exists, flags] = replies.map(([, value]) => value) as [number, number[]];
    return exists === 1 ? new Set(commentIds.filter((_, index) => flags[index] === 1)) : undefined;
  }

  /** Drops the user's cached set after a like or unlike, and fills that read before it. */
  async invalidate(userId: string): Promise<void> {
    await dropFenced(this.redis, [CacheKeys.userCommentLikings(userId)]);
  }

  /** The fence to read before the user's likings are read from MySQL, for `fill`. */
  async fence(userId: string): Promise<string> {
    const [fence] = await readFillFences(this.redis, [CacheKeys.userCommentLikings(userId)]);
    return fence;
  }

  /** Caches all the comments the user likes, unless a like or an unlike came after `fence`. */
  async fill(userId: string, fence: string, liked: readonly string[]): Promise<boolean> {
    const empty = liked.length === 0;
    const ttl = ttlWithJitter(
      empty ? CacheTtl.userCommentLikingsEmpty : CacheTtl.userCommentLikings,
    );
    return replaceSetIfFenced(
      this.redis,
      CacheKeys.userCommentLikings(userId),
      empty ? [EMPTY_LIKINGS_MARKER] : liked,
      ttl,
      fence,
    );
  }
}
