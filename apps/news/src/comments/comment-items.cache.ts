import { CacheKeys, TwoLevelCache } from '@app/cache';
import { Injectable } from '@nestjs/common';

import { type CachedComment, COMMENT_POLICY, toCachedComment } from './comment.mapper';
import { CommentsRepository } from './comments.repository';

/**
 * `comm:{id}` read through the two-level cache; misses of a page are loaded with one query, and a
 * page read from MySQL before a moderation write does not cache the comments as they were.
 */
@Injectable()
export class CommentItemsCache {
  constructor(
    private readonly cache: TwoLevelCache,
    private readonly comments: CommentsRepository,
  ) {}

  /** The approved comments among `ids`, by id (missing ones are left out and get a null marker). */
  async getMany(ids: readonly string[]): Promise<Map<string, CachedComment>> {
    const comments = await this.cache.getMany(
      ids,
      CacheKeys.comment,
      (misses) => this.load(misses),
      COMMENT_POLICY,
    );
    const found = new Map<string, CachedComment>();
    for (const [id, comment] of comments) if (comment) found.set(id, comment);
    return found;
  }

  /** Caches a comment just stored. */
  put(comment: CachedComment): Promise<void> {
    return this.cache.set(CacheKeys.comment(comment.com_id), comment, COMMENT_POLICY);
  }

  private async load(ids: readonly string[]): Promise<Map<string, CachedComment>> {
    return new Map(
      (await this.comments.findApproved(ids)).map((row) => [row.id, toCachedComment(row)]),
    );
  }
}
