import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';

import { CommentCounters } from './comment-counters';
import { CommentLikingsCache } from './comment-likings.cache';
import { CommentLikingsRepository } from './comment-likings.repository';
import { CommentErrors } from './comment.errors';


/** Likes of comments: MySQL first, then the counter only when a row really changed, then the user's liking cache. */
@Injectable()
export class CommentLikingsService {
  private readonly logger = new Logger(CommentLikingsService.name);

  constructor(
    private readonly likings: CommentLikingsRepository,
    private readonly counters: CommentCounters,
    private readonly cache: CommentLikingsCache,
  ) {}

  async like(userId: string, commentId: string): Promise<void> {
    if (!SNOWFLAKE_ID.test(commentId)) throw CommentErrors.invalidTargetComment();
    const outcome = await this.likings.like(userId, commentId);
    if (outcome === 'missing') throw CommentErrors.invalidTargetComment();
    await this.afterChange(userId, commentId, outcome === 'liked' ? 1 : 0);
  }

  /** Taking back a like that is not there changes nothing. */
  async unlike(userId: string, commentId: string): Promise<void> {
    if (!SNOWFLAKE_ID.test(commentId)) throw CommentErrors.invalidTargetComment();
    const removed = await this.likings.unlike(userId, commentId);
    await this.afterChange(userId, commentId, removed ? -1 : 0);
  }

  /** The like is committed; a failure here is healed by the repair job and the cache TTL, so it is logged only. */
  private async afterChange(userId: string, commentId: string, by: 1 | -1 | 0): Promise<void> {
    try {
      if (by !== 0) await this.counters.likeChanged(commentId, by);
      await this.cache.invalidate(userId);
    } catch (error) {
      this.logger.error(`comment ${commentId} liking by ${userId}: updating Redis failed: ${String(error)}`);
    }
  }
}
