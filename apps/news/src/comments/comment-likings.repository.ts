import { retryOnDeadlock } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, QueryFailedError } from 'typeorm';

import { ArticleEntity, ArticleStatus } from '../articles/article.entity';
import { CommentLikingEntity } from './comment-liking.entity';
import { CommentEntity, CommentStatus } from './comment.entity';

/** What a like did: stored a new like, found one already there, or found no such comment. */
export type LikeOutcome = 'liked' | 'unchanged' | 'missing';

function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === 'ER_DUP_ENTRY'
  );
}

/**
 * `news_comment_liking`, one transaction per change. Each reports whether a row really changed,
 * so concurrent duplicates cannot count twice (the UNIQUE(user_id, comment_id) key and row locks
 * decide which one wins).
 */
@Injectable()
export class CommentLikingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  like(userId: string, commentId: string): Promise<LikeOutcome> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        // A comment of an article readers cannot see (in review, banned, deleted) is not there.
        const comment = await manager
          .createQueryBuilder(CommentEntity, 'comment')
          .select('comment.id')
          .innerJoin(
            ArticleEntity,
            'article',
            'article.id = comment.articleId AND article.status = :approved',
            { approved: ArticleStatus.Approved },
          )
          .where('comment.id = :commentId AND comment.status = :status', {
            commentId,
            status: CommentStatus.Approved,
          })
          .getOne();
        if (!comment) return 'missing';
        // A taken-back like comes back by flipping is_deleted (the reference's behaviour).
        const restored = await manager.update(
          CommentLikingEntity,
          { userId, commentId, isDeleted: true },
          { isDeleted: false },
        );
        const changed = restored.affected === 1 || (await this.insert(manager, userId, commentId));
        if (!changed) return 'unchanged';
        await manager.increment(CommentEntity, { id: commentId }, 'likeCount', 1);
        return 'liked';
      }),
    );
  }

  /** True when a like was taken back. */
  unlike(userId: string, commentId: string): Promise<boolean> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const removed = await manager.update(
          CommentLikingEntity,
          { userId, commentId, isDeleted: false },
          { isDeleted: true },
        );
        if (removed.affected !== 1) return false;
        await manager
          .createQueryBuilder()
          .update(CommentEntity)
          .set({ likeCount: () => 'GREATEST(like_count - 1, 0)' })
          .where('comment_id = :commentId', { commentId })
          .execute();
        return true;
      }),
    );
  }

  /**
   * Ids of the comments the user likes, at most `limit` + 1 of them: more than `limit` says there
   * are too many to hold at once.
   */
  async likedCommentIds(userId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.getRepository(CommentLikingEntity).find({
      select: { commentId: true },
      where: { userId, isDeleted: false },
      take: limit + 1,
    });
    return rows.map((row) => row.commentId);
  }

  /** The ones among `commentIds` the user likes, by the UNIQUE(user_id, comment_id) key. */
  async likedAmong(userId: string, commentIds: readonly string[]): Promise<string[]> {
    if (commentIds.length === 0) return [];
    const rows = await this.dataSource.getRepository(CommentLikingEntity).find({
      select: { commentId: true },
      where: { userId, commentId: In([...commentIds]), isDeleted: false },
    });
    return rows.map((row) => row.commentId);
  }

  private async insert(
    manager: EntityManager,
    userId: string,
    commentId: string,
  ): Promise<boolean> {
    try {
      await manager.insert(CommentLikingEntity, { userId, commentId, isDeleted: false });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
