import {
  CacheKeys,
  CounterKeys,
  CounterStore,
  dropSortedSets,
  REDIS_CACHE,
  TwoLevelCache,
} from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ModeratedComment } from './comment-moderation.repository';

/** The caches and counters a moderation write touches (delete-after-write). */
@Injectable()
export class CommentModerationCache {
  constructor(
    private readonly cache: TwoLevelCache,
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    private readonly counters: CounterStore,
  ) {}

  /** `art:{id}:info` holds `allow_comm`. */
  async articleChanged(articleId: string): Promise<void> {
    await this.cache.invalidate(CacheKeys.articleInfo(articleId));
  }

  /**
   * The list holding the comment (its zset score depends on `is_top`), the comment's own reply
   * list and `comm:{id}`. Lists are plain zsets read by the gateway straight from Redis; they are
   * dropped so that a rebuild already reading MySQL does not cache them as they were.
   */
  async commentChanged(comment: ModeratedComment): Promise<void> {
    const listKey =
      comment.parentId === null
        ? CacheKeys.articleComments(comment.articleId)
        : CacheKeys.commentReplies(comment.parentId);
    await dropSortedSets(this.redis, [listKey, CacheKeys.commentReplies(comment.id)], [comment.id]);
    await this.cache.invalidate(CacheKeys.comment(comment.id));
  }

  async commentUncounted(comment: ModeratedComment): Promise<void> {
    await this.counters.increment(CounterKeys.articleComments, comment.articleId, -1);
    if (comment.parentId !== null)
      await this.counters.increment(CounterKeys.commentReplies, comment.parentId, -1);
  }
}
