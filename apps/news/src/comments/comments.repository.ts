import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';

import { CommentLikingEntity } from './comment-liking.entity';
import type { CommentRow } from './comment.mapper';
import { CommentEntity, CommentStatus } from './comment.entity';

/** Whose comments a list holds: an article's top-level comments, or one comment's replies. */
export type CommentListSource = { articleId: string } | { parentId: string };

/** A comment to store; `parentId` set makes it a reply. */
export interface NewComment extends CommentRow {
  articleId: string;
  parentId: string | null;
}

/** `news_comment` reads and the creation of comments; writes are transactions. */
@Injectable()
export class CommentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every approved comment of a list (what its zset is built from). */
  findListed(source: CommentListSource): Promise<Array<Pick<CommentRow, 'id' | 'isTop' | 'createTime'>>> {
    const where =
      'articleId' in source
        ? { articleId: source.articleId, parentId: IsNull(), status: CommentStatus.Approved }
        : { parentId: source.parentId, status: CommentStatus.Approved };
    return this.dataSource.getRepository(CommentEntity).find({ select: { id: true, isTop: true, createTime: true }, where });
  }

  /** The approved comments among `ids`, in no particular order. */
  findApproved(ids: readonly string[]): Promise<CommentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(CommentEntity).find({
      select: { id: true, userId: true, content: true, isTop: true, createTime: true },
      where: { id: In([...ids]), status: CommentStatus.Approved },
    });
  }

  /**
   * Stores a comment. A reply also counts on its parent, which must be an approved comment of
   * the same article: returns false, storing nothing, when it is not.
   */
  async create(comment: NewComment): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (comment.parentId !== null) {
        const counted = await manager.increment(
          CommentEntity,
          { id: comment.parentId, articleId: comment.articleId, status: CommentStatus.Approved },
          'replyCount',
          1,
        );
        if (counted.affected !== 1) return false;
      }
      await manager.insert(CommentEntity, {
        id: comment.id,
        userId: comment.userId,
        articleId: comment.articleId,
        parentId: comment.parentId,
        content: comment.content,
        isTop: comment.isTop,
        status: CommentStatus.Approved,
        createTime: comment.createTime,
        updateTime: comment.createTime,
      });
      return true;
    });
  }

  /** Ids of the comments a user likes. */
  async likedCommentIds(userId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(CommentLikingEntity)
      .find({ select: { commentId: true }, where: { userId, isDeleted: false } });
    return rows.map((row) => row.commentId);
  }
}
