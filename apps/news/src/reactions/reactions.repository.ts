import { appliedOrFound, committedOrFound, writtenWithin } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, QueryFailedError, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { ArticleEntity, ArticleStatus } from '../articles/article.entity';
import { ArticleAttitude } from './attitude-transition';
import { AttitudeEntity } from './attitude.entity';
import { CollectionEntity } from './collection.entity';
import { ReportEntity } from './report.entity';

/** What a reaction needs to know about its article. */
export interface ReactedArticle {
  id: string;
  authorId: string;
  title: string;
  channelId: number;
}

/**
 * One collected article; `collectedAt` (seconds) orders the list, newest first. `visible`: approved
 * now; one that is not (in review after an edit, banned) may be approved again.
 */
export interface CollectedArticle {
  articleId: string;
  collectedAt: number;
  visible: boolean;
}

export interface AttitudeChange {
  changed: boolean;
  previous: ArticleAttitude | null;
}

interface InsertHeader {
  affectedRows: number;
}

/** Statuses of a collected article that is, or may again be, approved: all but deleted. */
const KEPT_STATUSES = [
  ArticleStatus.Draft,
  ArticleStatus.PendingReview,
  ArticleStatus.Approved,
  ArticleStatus.Rejected,
  ArticleStatus.Banned,
];

function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === 'ER_DUP_ENTRY'
  );
}

/**
 * `news_collection`, `news_attitude` and `news_report`. Every write reports whether the row
 * really changed: conditional updates carry the old value in their WHERE, so concurrent
 * duplicates change (and count) a row once.
 */
@Injectable()
export class ReactionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The author of an article in any status (an unlike still uncounts a banned article's like). */
  async findAuthorId(articleId: string): Promise<string | undefined> {
    const article = await this.dataSource.getRepository(ArticleEntity).findOne({
      select: { id: true, userId: true },
      where: { id: articleId },
    });
    return article?.userId;
  }

  /** True when the article was not in the user's collections before (see `appliedOrFound`). */
  async collect(userId: string, articleId: string): Promise<boolean> {
    const collections = this.dataSource.getRepository(CollectionEntity);
    return appliedOrFound(
      async () => {
        const values = { userId, articleId, isDeleted: false };
        if (await this.insertIgnore(CollectionEntity, values)) return true;
        const restored = await collections.update(
          { userId, articleId, isDeleted: true },
          { isDeleted: false },
        );
        return restored.affected === 1;
      },
      (withinMs) =>
        collections.exists({
          where: { userId, articleId, isDeleted: false, updateTime: writtenWithin(withinMs) },
        }),
    );
  }

  /** True when the article was in the user's collections (see `appliedOrFound`). */
  async uncollect(userId: string, articleId: string): Promise<boolean> {
    const collections = this.dataSource.getRepository(CollectionEntity);
    return appliedOrFound(
      async () => {
        const removed = await collections.update(
          { userId, articleId, isDeleted: false },
          { isDeleted: true },
        );
        return removed.affected === 1;
      },
      (withinMs) =>
        collections.exists({
          where: { userId, articleId, isDeleted: true, updateTime: writtenWithin(withinMs) },
        }),
    );
  }

  /** Takes back an `uncollect`; true when the row was still as it left it. */
  async undoUncollect(userId: string, articleId: string): Promise<boolean> {
    const restored = await this.dataSource
      .getRepository(CollectionEntity)
      .update({ userId, articleId, isDeleted: true }, { isDeleted: false });
    return restored.affected === 1;
  }

  /**
   * The user's collected articles that are approved or may be again (all but deleted ones), most
   * recently collected first, at most `limit` + 1 of them: more than `limit` says there are too
   * many to hold at once.
   */
  async findCollected(userId: string, limit: number): Promise<CollectedArticle[]> {
    const rows = await this.newestFirst(this.collectedQuery(userId, KEPT_STATUSES))
      .select('c.article_id', 'articleId')
      .addSelect('UNIX_TIMESTAMP(c.update_time)', 'collectedAt')
      .addSelect('a.status', 'status')
      .limit(limit + 1)
      .getRawMany<{ articleId: string; collectedAt: string | number; status: string | number }>();
    return rows.map((row) => ({
      articleId: String(row.articleId),
      collectedAt: Number(row.collectedAt),
      visible: Number(row.status) === Number(ArticleStatus.Approved),
    }));
  }

  /** One page of the visible ones `findCollected` lists, `offset` of them in. */
  async collectedPage(userId: string, offset: number, limit: number): Promise<string[]> {
    const rows = await this.newestFirst(this.collectedQuery(userId, [ArticleStatus.Approved]))
      .select('c.article_id', 'articleId')
      .offset(offset)
      .limit(limit)
      .getRawMany<{ articleId: string }>();
    return rows.map((row) => String(row.articleId));
  }

  /** How many visible articles `findCollected` lists in all. */
  async countCollected(userId: string): Promise<number> {
    const row = await this.collectedQuery(userId, [ArticleStatus.Approved])
      .select('COUNT(*)', 'total')
      .getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }

  /** Whether `findCollected` lists the article: its one row, by the (user, article) unique key. */
  async isCollected(userId: string, articleId: string): Promise<boolean> {
    const row = await this.collectedQuery(userId, KEPT_STATUSES)
      .select('c.article_id', 'articleId')
      .andWhere('c.article_id = :articleId', { articleId })
      .getRawOne<{ articleId: string }>();
    return row !== undefined;
  }

  /** Sets a like or a dislike; `previous` is what it replaced. */
  async setAttitude(
    userId: string,
    articleId: string,
    next: ArticleAttitude,
  ): Promise<AttitudeChange> {
    if (await this.setFirstAttitude(userId, articleId, next))
      return { changed: true, previous: null };
    // The row exists, so the lock is a plain record lock: concurrent changes queue up behind it.
    // A switch whose COMMIT answer was lost is found by its row (see `committedOrFound`).
    const attitudes = this.dataSource.getRepository(AttitudeEntity);
    return committedOrFound<AttitudeChange>(
      (answered) =>
        this.dataSource.transaction(async (manager) => {
          const row = await manager.findOne(AttitudeEntity, {
            select: { id: true, attitude: true },
            where: { userId, articleId },
            lock: { mode: 'pessimistic_write' },
          });
          if (!row) throw new Error(`news_attitude row of ${userId}/${articleId} vanished`);
          const previous = row.attitude === null ? null : (Number(row.attitude) as ArticleAttitude);
          if (previous === next) return { changed: false, previous };
          await manager.update(AttitudeEntity, { id: row.id }, { attitude: next });
          return answered({ changed: true, previous });
        }),
      () => attitudes.exists({ where: { userId, articleId, attitude: next } }),
    );
  }

  /**
   * Sets the attitude of a user who holds none on the article (no row, or one an unlike left):
   * true when set (see `appliedOrFound`).
   */
  private setFirstAttitude(
    userId: string,
    articleId: string,
    next: ArticleAttitude,
  ): Promise<boolean> {
    const attitudes = this.dataSource.getRepository(AttitudeEntity);
    return appliedOrFound(
      async () => {
        if (await this.insertIgnore(AttitudeEntity, { userId, articleId, attitude: next }))
          return true;
        // Liking again after an unlike (the row holds no attitude) is one conditional UPDATE.
        const revived = await attitudes.update(
          { userId, articleId, attitude: IsNull() },
          { attitude: next },
        );
        return revived.affected === 1;
      },
      (withinMs) =>
        attitudes.exists({
          where: { userId, articleId, attitude: next, updateTime: writtenWithin(withinMs) },
        }),
    );
  }

  /**
   * Takes back a change of attitude (`setAttitude` or `clearAttitude`) from `changedTo` to `was`;
   * true when the row was still as the change left it.
   */
  async undoAttitude(
    userId: string,
    articleId: string,
    changedTo: ArticleAttitude | null,
    was: ArticleAttitude | null,
  ): Promise<boolean> {
    const undone = await this.dataSource
      .getRepository(AttitudeEntity)
      .update({ userId, articleId, attitude: changedTo ?? IsNull() }, { attitude: was });
    return undone.affected === 1;
  }

  /** Cancels `expected` (sets NULL); true when the user had that attitude. */
  async clearAttitude(
    userId: string,
    articleId: string,
    expected: ArticleAttitude,
  ): Promise<boolean> {
    const attitudes = this.dataSource.getRepository(AttitudeEntity);
    return appliedOrFound(
      async () => {
        const cleared = await attitudes.update(
          { userId, articleId, attitude: expected },
          { attitude: null },
        );
        return cleared.affected === 1;
      },
      (withinMs) =>
        attitudes.exists({
          where: { userId, articleId, attitude: IsNull(), updateTime: writtenWithin(withinMs) },
        }),
    );
  }

  /**
   * The user's likes and dislikes, at most `limit` + 1 of them: more than `limit` says there are
   * too many to hold at once.
   */
  async findAttitudes(
    userId: string,
    limit: number,
  ): Promise<Array<{ articleId: string; attitude: ArticleAttitude }>> {
    const rows = await this.dataSource.getRepository(AttitudeEntity).find({
      select: { articleId: true, attitude: true },
      where: { userId, attitude: In([ArticleAttitude.Dislike, ArticleAttitude.Like]) },
      take: limit + 1,
    });
    return rows.map((row) => ({ articleId: row.articleId, attitude: Number(row.attitude) }));
  }

  /** The user's likes and dislikes among `articleIds`, by the (user, article) unique key. */
  async attitudesAmong(
    userId: string,
    articleIds: readonly string[],
  ): Promise<Array<{ articleId: string; attitude: ArticleAttitude }>> {
    if (articleIds.length === 0) return [];
    const rows = await this.dataSource.getRepository(AttitudeEntity).find({
      select: { articleId: true, attitude: true },
      where: {
        userId,
        articleId: In([...articleIds]),
        attitude: In([ArticleAttitude.Dislike, ArticleAttitude.Like]),
      },
    });
    return rows.map((row) => ({ articleId: row.articleId, attitude: Number(row.attitude) }));
  }

  /** False (nothing stored) when the user already reported the article. */
  async addReport(
    userId: string,
    articleId: string,
    type: number,
    remark: string | null,
  ): Promise<boolean> {
    try {
      await this.dataSource.getRepository(ReportEntity).insert({ userId, articleId, type, remark });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private collectedQuery(
    userId: string,
    statuses: readonly ArticleStatus[],
  ): SelectQueryBuilder<CollectionEntity> {
    return this.dataSource
      .getRepository(CollectionEntity)
      .createQueryBuilder('c')
      .innerJoin(ArticleEntity, 'a', 'a.article_id = c.article_id')
      .where('c.user_id = :userId', { userId })
      .andWhere('c.is_deleted = 0')
      .andWhere('a.status IN (:...statuses)', { statuses });
  }

  // Read backwards along idx_news_collection_user_time (user_id, is_deleted, update_time, article_id).
  private newestFirst(
    query: SelectQueryBuilder<CollectionEntity>,
  ): SelectQueryBuilder<CollectionEntity> {
    return query.orderBy('c.update_time', 'DESC').addOrderBy('c.article_id', 'DESC');
  }

  // A single autocommit INSERT IGNORE: concurrent inserts of one key queue on it without deadlocks.
  private async insertIgnore<T extends CollectionEntity | AttitudeEntity>(
    entity: new () => T,
    values: QueryDeepPartialEntity<T>,
  ): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(values)
      .orIgnore()
      .updateEntity(false)
      .execute();
    return (result.raw as InsertHeader).affectedRows === 1;
  }
}
