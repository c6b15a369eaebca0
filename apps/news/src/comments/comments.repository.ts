import { keysetPages } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';

import type { CommentRow } from './comment.mapper';
import { CommentEntity, CommentStatus } from './comment.entity';
import { moveFansCommentCount } from './fans-comment-count';

/** Whose comments a list holds: an article's top-level comments, or one comment's replies. */
export type CommentListSource = { articleId: string } | { parentId: string };

/** A comment to store; `parentId` set makes it a reply. */
export interface NewComment extends CommentRow {
  parentId: string | null;
  /** Counts in the article's `fans_comment_count` (see `countsAsFanComment`); null: not known yet. */
  byFan: boolean | null;
}

/** Comments a list is read in. */
export const COMMENT_LIST_CHUNK = 5_000;

/** `news_comment` reads and the creation of comments; writes are transactions. */
@Injectable()
export class CommentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Every approved comment of a list (what its zset is built from), a chunk at a time: keyset on
   * the comment id, which the list's index ends with (forced: MariaDB would otherwise scan the
   * list from its first comment for every chunk), so memory stays bounded however many comments
   * an article has.
   */
  async *listedInChunks(
    source: CommentListSource,
    chunkSize = COMMENT_LIST_CHUNK,
  ): AsyncGenerator<Array<Pick<CommentRow, 'id' | 'isTop' | 'createTime'>>> {
    const [index, where, params] =
      'articleId' in source
        ? [
            'idx_news_comment_article',
            'article_id = ? AND parent_id IS NULL AND status = ?',
            [source.articleId, CommentStatus.Approved],
          ]
        : [
            'idx_news_comment_parent',
            'parent_id = ? AND status = ?',
            [source.parentId, CommentStatus.Approved],
          ];
    const sql =
      `SELECT comment_id AS id, is_top AS isTop, create_time AS createTime FROM news_comment FORCE INDEX (${index}) ` +
      `WHERE ${where} AND comment_id > CAST(? AS UNSIGNED) ORDER BY comment_id LIMIT ${chunkSize}`;
    const pages = keysetPages(
      (after) =>
        this.dataSource.query<
          Array<{ id: string | number; isTop: number | string; createTime: Date }>
        >(sql, [...params, after]),
      (row) => row.id,
      chunkSize,
    );
    for await (const rows of pages) {
      yield rows.map((row) => ({
        id: String(row.id),
        isTop: Number(row.isTop) === 1,
        createTime: row.createTime,
      }));
    }
  }

  /** The approved comments among `ids`, in no particular order. */
  findApproved(ids: readonly string[]): Promise<CommentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(CommentEntity).find({
      select: {
        id: true,
        userId: true,
        articleId: true,
        content: true,
        isTop: true,
        createTime: true,
      },
      where: { id: In([...ids]), status: CommentStatus.Approved },
    });
  }

  /** The article of a comment, approved or not; null when there is no such comment. */
  async articleOf(commentId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(CommentEntity)
      .findOne({ select: { articleId: true }, where: { id: commentId } });
    return row?.articleId ?? null;
  }

  /**
   * Stores a comment and answers it as stored, or null, storing nothing, when a reply's target is
   * not an approved comment of the same article. A reply joins its target's thread: one to a reply
   * is stored under the comment that reply answers, where the mobile client lists it (it lists
   * the replies of top-level comments only, and shows a reply to a reply in that thread as it
   * posts it). A reply also counts on its thread's comment. A fan's comment also counts in the
   * article's `fans_comment_count`. `beforeCommit` runs in the transaction once the row is
   * written: when it fails, nothing is stored.
   */
  async create(
    comment: NewComment,
    beforeCommit: (stored: NewComment) => Promise<void>,
  ): Promise<NewComment | null> {
    return this.dataSource.transaction(async (manager) => {
      let stored = comment;
      if (comment.parentId !== null) {
        const approved = { articleId: comment.articleId, status: CommentStatus.Approved };
        const target = await manager.findOne(CommentEntity, {
          select: { id: true, parentId: true },
          where: { id: comment.parentId, ...approved },
        });
        if (!target) return null;
        const threadId = target.parentId ?? target.id;
        stored = { ...comment, parentId: threadId };
        const counted = await manager.increment(
          CommentEntity,
          { id: threadId, ...approved },
          'replyCount',
          1,
        );
        if (counted.affected !== 1) return null;
      }
      await manager.insert(CommentEntity, {
        id: stored.id,
        userId: stored.userId,
        articleId: stored.articleId,
        parentId: stored.parentId,
        content: stored.content,
        isTop: stored.isTop,
        byFan: stored.byFan,
        status: CommentStatus.Approved,
        createTime: stored.createTime,
        updateTime: stored.createTime,
      });
      await beforeCommit(stored);
      // Last, so the article's statistic row stays locked only until the commit.
      if (stored.byFan) await moveFansCommentCount(manager, stored.articleId, 1);
      return stored;
    });
  }
}
