import { CacheKeys, TwoLevelCache } from '@app/cache';
import { Injectable } from '@nestjs/common';

import { type CachedComment, COMMENT_POLICY, toCachedComment } from './comment.mapper';
import { CommentsRepository } from './comments.repository';

/** `comm:{id}` through the two-level cache; misses of a page are loaded with one query. */
@Injectable()
export class CommentItemsCache {
  constructor(
    private readonly cache: TwoLevelCache,
    private readonly comments: CommentsRepository,
  ) {}

  /** The approved comments among `ids`, by id (missing ones are left out and get a null marker). */
  async getMany(ids: readonly string[]): Promise<Map<string, CachedComment>> {
    const cached = await this.cache.peekMany<CachedComment>(ids.map(CacheKeys.comment));
    const found = new Map<string, CachedComment>();
    const missing: string[] = [];
    ids.forEach((id, index) => {
      const value = cached[index];
      if (value === undefined) missing.push(id);
      else if (value !== null) found.set(id, value);
    });
    if (missing.length === 0) return found;
    const loaded = new Map((await this.comments.findApproved(missing)).map((row) => [row.id, toCachedComment(row)]));
    await Promise.all(
      missing.map((id) => {
        const comment = loaded.get(id) ?? null;
        if (comment) found.set(id, comment);
        return this.cache.set(CacheKeys.comment(id), comment, COMMENT_POLICY);
      }),
    );
    return found;
  }

  /** Caches a comment just stored. */
  put(comment: CachedComment): Promise<void> {
    return this.cache.set(CacheKeys.comment(comment.com_id), comment, COMMENT_POLICY);
  }
}
