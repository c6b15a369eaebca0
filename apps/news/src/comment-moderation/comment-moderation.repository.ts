import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { ArticleEntity, type ArticleStatus } from '../articles/article.entity';
import { CommentEntity, CommentStatus } from '../comments/comment.entity';
import { moveFansCommentCount } from '../comments/fans-comment-count';

/** Who owns an article and whether it is live. */
export interface ArticleOwnership {
  authorId: string;
  status: ArticleStatus;
}

/** A comment with the author of its article (the one who may manage it). */
export interface ModeratedComment {
  id: string;
  articleId: string;
  parentId: string | null;
  status: CommentStatus;
  isTop: boolean;
  articleAuthorId: string;
}

/** What a delete did: nothing (already deleted), or deleted a comment that was counted or not. */
export type DeleteOutcome = 'unchanged' | 'counted' | 'uncounted';

interface CommentJoinRow {
  id: string;
  articleId: string;
  parentId: string | null;
  status: number | string;
  isTop: number | string | boolean;
  articleAuthorId: string;
}

/** The writes of comment management; each reports whether a row really changed. */
@Injectable()
export class CommentModerationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findArticle(articleId: string): Promise<ArticleOwnership | null> {
    const row = await this.dataSource
      .getRepository(ArticleEntity)
      .findOne({ select: { id: true, userId: true, status: true }, where: { id: articleId } });
    return row && { authorId: row.userId, status: row.status };
  }

  async findComment(commentId: string): Promise<ModeratedComment | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('c.comment_id', 'id')
      .addSelect('c.article_id', 'articleId')
      .addSelect('c.parent_id', 'parentId')
      .addSelect('c.status', 'status')
      .addSelect('c.is_top', 'isTop')
      .addSelect('a.user_id', 'articleAuthorId')
      .from(CommentEntity, 'c')
      .innerJoin(ArticleEntity, 'a', 'a.article_id = c.article_id')
      .where('c.comment_id = :commentId', { commentId })
      .getRawOne<CommentJoinRow>();
    if (!row) return null;
    return {
      id: String(row.id),
      articleId: String(row.articleId),
      parentId: row.parentId === null ? null : String(row.parentId),
      status: Number(row.status) as CommentStatus,
      isTop: Number(row.isTop) === 1,
      articleAuthorId: String(row.articleAuthorId),
    };
  }

  async setAllowComment(articleId: string, allow: boolean): Promise<void> {
    await this.dataSource
      .getRepository(ArticleEntity)
      .update({ id: articleId }, { allowComment: allow });
  }

  /**
   * Marks a comment deleted. The row lock makes concurrent deletes see each other, so only one of
   * them reports `counted` (and a reply's parent loses one reply, a fan's comment its article one
   * fans' comment, exactly once).
   */
  deleteComment(commentId: string): Promise<DeleteOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(CommentEntity, {
        select: { id: true, articleId: true, parentId: true, status: true, byFan: true },
        where: { id: commentId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row || row.status === CommentStatus.Deleted) return 'unchanged';
      await manager.update(CommentEntity, { id: commentId }, { status: CommentStatus.Deleted });
      if (row.status !== CommentStatus.Approved) return 'uncounted';
      if (row.parentId !== null) {
        await manager
          .createQueryBuilder()
          .update(CommentEntity)
          .set({ replyCount: () => 'GREATEST(reply_count - 1, 0)' })
          .where('comment_id = :parentId', { parentId: row.parentId })
          .execute();
      }
      if (row.byFan) await moveFansCommentCount(manager, row.articleId, -1);
      return 'counted';
    });
  }

  /** True when `is_top` of an approved comment really changed. */
  async setSticky(commentId: string, sticky: boolean): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(CommentEntity)
      .update({ id: commentId, status: CommentStatus.Approved, isTop: !sticky }, { isTop: sticky });
    return result.affected === 1;
  }
}
