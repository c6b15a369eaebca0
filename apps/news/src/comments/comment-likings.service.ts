import { countOrUndo } from '@app/cache';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { CommentCounters } from './comment-counters';
import { CommentLikingsCache } from './comment-likings.cache';
import { CommentLikingsRepository } from './comment-likings.repository';
import { CommentErrors } from './comment.errors';

/**
 * Most comment likings of one user kept in `user:{id}:comm:liking`; a user with more is answered
 * for the comments asked about only, from MySQL.
 */
export const MAX_CACHED_COMMENT_LIKINGS = 10_000;

/**
 * Likes of comments: MySQL first, then the counter only when a row really changed, then the user's
 * liking cache. When the counter cannot move (the state Redis is down) the like is taken back and
 * the request fails, as for articles. Which comments a viewer likes is read through that cache.
 */
@Injectable()
export class CommentLikingsService {
  private readonly logger = new Logger(CommentLikingsService.name);
  /** Users found to have more than MAX_CACHED_COMMENT_LIKINGS, so the next request skips the read. */
  private readonly manyLikings = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(
    private readonly likings: CommentLikingsRepository,
    private readonly counters: CommentCounters,
    private readonly cache: CommentLikingsCache,
  ) {}

  async like(userId: string, commentId: string): Promise<void> {
    if (!SNOWFLAKE_ID.test(commentId)) throw CommentErrors.invalidTargetComment();
    const outcome = await this.likings.like(userId, commentId);
    if (outcome === 'missing') throw CommentErrors.invalidTargetComment();
    if (outcome === 'liked') {
      await countOrUndo(
        () => this.counters.likeChanged(commentId, 1),
        () => this.likings.unlike(userId, commentId),
        this.logger,
      );
    }
    await this.dropCachedLikings(userId);
  }

  /** Taking back a like that is not there changes nothing. */
  async unlike(userId: string, commentId: string): Promise<void> {
    if (!SNOWFLAKE_ID.test(commentId)) throw CommentErrors.invalidTargetComment();
    if (await this.likings.unlike(userId, commentId)) {
      await countOrUndo(
        () => this.counters.likeChanged(commentId, -1),
        () => this.likings.like(userId, commentId),
        this.logger,
      );
    }
    await this.dropCachedLikings(userId);
  }

  /** Which of `commentIds` the user likes. */
  async likedAmong(userId: string, commentIds: readonly string[]): Promise<Set<string>> {
    if (commentIds.length === 0) return new Set();
    const cached = await this.cache.likedAmong(userId, commentIds);
    if (cached) return cached;
    let liked = this.manyLikings.has(userId) ? undefined : await this.loadLikings(userId);
    if (!liked) {
      // Too many to read and hold at once (say, a bot with millions of likes): these comments only.
      this.manyLikings.set(userId, true);
      liked = await this.likings.likedAmong(userId, commentIds);
    }
    const likedIds = new Set(liked);
    return new Set(commentIds.filter((id) => likedIds.has(id)));
  }

  /** The change is committed and counted; a cache that keeps it a while longer heals with its TTL. */
  private async dropCachedLikings(userId: string): Promise<void> {
    try {
      await this.cache.invalidate(userId);
    } catch (error) {
      this.logger.error(`the comment likings cache of ${userId} was not dropped: ${String(error)}`);
    }
  }

  /** All the comments the user likes, cached on the way; undefined when there are too many. */
  private async loadLikings(userId: string): Promise<string[] | undefined> {
    const fence = await this.cache.fence(userId);
    const all = await this.likings.likedCommentIds(userId, MAX_CACHED_COMMENT_LIKINGS);
    if (all.length > MAX_CACHED_COMMENT_LIKINGS) return undefined;
    await this.cache.fill(userId, fence, all);
    return all;
  }
}
