import { isDeepStrictEqual } from 'node:util';

import { committedOrFound } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DataSource,
  type EntityManager,
  In,
  IsNull,
  QueryFailedError,
  type SelectQueryBuilder,
} from 'typeorm';

import { ArticleContentEntity } from '../articles/article-content.entity';
import { ArticleStatisticEntity } from '../articles/article-statistic.entity';
import { type ArticleCover, ArticleEntity, ArticleStatus } from '../articles/article.entity';
import { authorArticlesInChunks } from '../articles/articles.repository';
import { ChannelEntity } from '../channels/channel.entity';
import { type OutboxJob, writeOutboxJobs } from '../outbox/job-outbox';
import { AuthoringErrors } from './authoring.errors';

/** An author's article ids read per statement for their statistics. */
export const AUTHOR_IDS_CHUNK = 2000;

/** Every status but deleted: what an author's statistics count. */
const COUNTED_STATUSES = [
  ArticleStatus.Draft,
  ArticleStatus.PendingReview,
  ArticleStatus.Approved,
  ArticleStatus.Rejected,
  ArticleStatus.Banned,
];

export interface ArticleDraft {
  title: string;
  content: string;
  cover: ArticleCover;
  channelId: number;
  status: ArticleStatus;
}

export interface AuthoredListFilter {
  userId: string;
  statuses: readonly number[];
  channelIds: readonly number[];
  createdFrom?: Date;
  createdBefore?: Date;
  offset: number;
  limit: number;
}

/** A page of an author's articles holding every word (each a plain text, no pattern). */
export interface AuthoredSearchFilter {
  userId: string;
  words: readonly string[];
  offset: number;
  limit: number;
  /** How long its statements may read (the caller's deadline): an author's contents may be long. */
  timeLimitMs: number;
}

/** MariaDB's error for a statement stopped at its `max_statement_time`. */
const ER_STATEMENT_TIMEOUT = 1969;

/** A LIKE pattern finding `text` anywhere, its `%`, `_` and `\\` taken as themselves. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Tags within a line of text (the sanitiser's inline ones): `机器<strong>学习</strong>` reads
 * `机器学习`, where a paragraph's or a cell's end parts words.
 */
const INLINE_TAG =
  '(?i)</?(a|b|code|del|em|i|ins|s|span|strike|strong|sub|sup|u)(?![a-z0-9])[^>]*>';

/**
 * The content's text: inline tags go, other tags become spaces and the three entities the stored
 * HTML writes for text (`&lt;`, `&gt;`, `&amp;`, the last last) the characters. The work is done
 * on the bytes: on the utf8mb4 text MariaDB's REGEXP_REPLACE takes time growing with the square
 * of its length (1 MiB of the editor's markup: 10 s, 20 ms as bytes). `<`, `>`, `&` and `;` are
 * never part of a longer UTF-8 character, and the text compares in the column's collation again.
 */
const CONTENT_TEXT =
  `CONVERT(REPLACE(REPLACE(REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(CAST(c.content AS BINARY), '${INLINE_TAG}', ''), ` +
  "'<[^>]*>', ' '), '&lt;', '<'), '&gt;', '>'), '&amp;', '&') USING utf8mb4) COLLATE utf8mb4_unicode_ci";

/**
 * Whether a word can be in the content's text at all, a plain LIKE being much cheaper than reading
 * the text: a content holds the word as its HTML writes it, or parts of it around inline tags.
 */
const MAY_HOLD = (param: string): string =>
  `(c.content LIKE :${param} OR CAST(c.content AS BINARY) REGEXP '${INLINE_TAG}')`;

/** A word as the stored HTML writes it in text (what the sanitiser encodes). */
function asStoredHtml(word: string): string {
  return word.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Which of an author's articles the statistics sum. */
export interface AuthorStatisticsFilter {
  userId: string;
  /** Empty: every channel. */
  channelIds: readonly number[];
  createdFrom?: Date;
  createdBefore?: Date;
}

export interface ReviewChange {
  articleId: string;
  from: ArticleStatus;
  to: ArticleStatus;
  reviewerId: number;
  rejectReason: string | null;
}

/** Statuses an author may not see or touch any more. */
const HIDDEN_STATUSES = [ArticleStatus.Deleted, ArticleStatus.Banned];

/**
 * I/O of the write side of articles; multi-row writes run in one transaction, and a change's jobs
 * (the outbox) in the change's.
 */
@Injectable()
export class AuthoringRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async channelExists(channelId: number): Promise<boolean> {
    return this.dataSource
      .getRepository(ChannelEntity)
      .exists({ where: { id: channelId, isVisible: true } });
  }

  /**
   * Inserts the basic, content and statistic rows of a new article together. Its COMMIT's answer lost with the connection, the row is read again by
   * its new id (see `committedOrFound`): found, the article was made and is answered so, where the
   * author, answered 503, saved it again as a second article.
   */
  async insert(id: string, userId: string, draft: ArticleDraft): Promise<void> {
    await committedOrFound(
      (answered) =>
        this.dataSource.transaction(async (manager) => {
          await manager.insert(ArticleEntity, {
            id,
            userId,
            channelId: draft.channelId,
            title: draft.title,
            cover: draft.cover,
            status: draft.status,
            allowComment: true,
          });
          await manager.insert(ArticleContentEntity, { articleId: id, content: draft.content });
          await manager.insert(ArticleStatisticEntity, {
            articleId: id,
            readCount: 0,
            likeCount: 0,
            dislikeCount: 0,
            repostCount: 0,
            collectCount: 0,
            fansCommentCount: 0,
          });
          return answered(true);
        }),
      () => this.dataSource.getRepository(ArticleEntity).existsBy({ id }),
    );
  }

  findArticle(articleId: string): Promise<ArticleEntity | null> {
    return this.dataSource.getRepository(ArticleEntity).findOne({ where: { id: articleId } });
  }

  async findContent(articleId: string): Promise<string> {
    const row = await this.dataSource
      .getRepository(ArticleContentEntity)
      .findOne({ where: { articleId } });
    return row?.content ?? '';
  }

  /**
   * Replaces an article's editable columns if it is still in `expected` status (compare-and-set, so a
   * concurrent review or delete wins cleanly); false when nothing changed. `jobs` are committed with
   * the change. The last review (reviewer, time, reject reason) judged the text replaced: the
   * article, a draft or pending again, has none. An edit that moves the article's status writes
   * `version`, and its COMMIT's answer lost with the connection, the article found holding it is
   * taken as replaced (see `committedOrFound`), so that what follows (the approved-article count,
   * the review of a trusted author) is done; found as the edit leaves it but without `version`,
   * it is another request's (the same save from a second tab, made once this one was rolled
   * back), which counted it. An edit within its status keeps the version there, so that the same
   * save from a second tab, applied after the move, leaves the move found; its own answer lost,
   * the article found holding it whole is taken as replaced: nothing follows it to count, and
   * another request's same save taken for it, the review of a trusted author it follows with is
   * made once (from pending only).
   */
  async replace(
    articleId: string,
    userId: string,
    expected: ArticleStatus,
    draft: ArticleDraft,
    jobs: readonly OutboxJob[],
    version: string,
  ): Promise<boolean> {
    return committedOrFound<boolean>(
      (answered) =>
        this.dataSource.transaction(async (manager: EntityManager) => {
          const result = await manager
            .createQueryBuilder()
            .update(ArticleEntity)
            .set({
              title: draft.title,
              cover: draft.cover,
              channelId: draft.channelId,
              status: draft.status,
              reviewerId: null,
              reviewTime: null,
              rejectReason: null,
              ...(draft.status === expected ? {} : { changeVersion: version }),
            })
            .where('article_id = :articleId AND user_id = :userId AND status = :expected', {
              articleId,
              userId,
              expected,
            })
            .execute();
          if (!result.affected) return false;
          await manager.upsert(ArticleContentEntity, { articleId, content: draft.content }, [
            'articleId',
          ]);
          await writeOutboxJobs(manager, jobs);
          return answered(true);
        }),
      () =>
        draft.status === expected
          ? this.isAsReplaced(articleId, userId, draft)
          : this.holdsVersion(articleId, version),
    );
  }

  /** Whether the own article holds `draft` whole, as a replace with it leaves it. */
  private async isAsReplaced(
    articleId: string,
    userId: string,
    draft: ArticleDraft,
  ): Promise<boolean> {
    const article = await this.dataSource.getRepository(ArticleEntity).findOneBy({
      id: articleId,
      userId,
      status: draft.status,
      title: draft.title,
      channelId: draft.channelId,
      reviewerId: IsNull(),
    });
    if (!article || !isDeepStrictEqual(article.cover, draft.cover)) return false;
    return (await this.findContent(articleId)) === draft.content;
  }

  /**
   * Moves an article from one of `from` to `to`; false when it was in none of them. `jobs` are
   * committed with the change. Its COMMIT's answer lost with the connection, the article found
   * holding `version` is taken as moved (see `committedOrFound`), so that what follows the move
   * (the approved-article count) is done; found in `to` but without `version`, it was moved by
   * another request (a second admin's review, made once this one was rolled back), which counted
   * it.
   */
  async transition(
    articleId: string,
    from: readonly ArticleStatus[],
    to: ArticleStatus,
    jobs: readonly OutboxJob[],
    version: string,
    extra: Partial<
      Pick<ArticleEntity, 'reviewerId' | 'reviewTime' | 'rejectReason' | 'deleteTime'>
    > = {},
    userId?: string,
  ): Promise<boolean> {
    return committedOrFound<boolean>(
      (answered) =>
        this.dataSource.transaction(async (manager) => {
          const query = manager
            .createQueryBuilder()
            .update(ArticleEntity)
            .set({ status: to, ...extra, changeVersion: version })
            .where({ id: articleId, status: In([...from]) });
          if (userId !== undefined) query.andWhere('user_id = :userId', { userId });
          if (!(await query.execute()).affected) return false;
          await writeOutboxJobs(manager, jobs);
          return answered(true);
        }),
      () => this.holdsVersion(articleId, version),
    );
  }

  /**
   * Whether the article's last change written is the one of `version`: a later change read first
   * (another save or review right after it) answers no, and the change is answered 503 as before.
   */
  private holdsVersion(articleId: string, version: string): Promise<boolean> {
    return this.dataSource
      .getRepository(ArticleEntity)
      .existsBy({ id: articleId, changeVersion: version });
  }

  review(change: ReviewChange, jobs: readonly OutboxJob[], version: string): Promise<boolean> {
    return this.transition(change.articleId, [change.from], change.to, jobs, version, {
      reviewerId: change.reviewerId || null,
      reviewTime: new Date(),
      rejectReason: change.rejectReason,
    });
  }

  /** One page of an author's articles, newest (highest id) first, with the total. */
  async list(filter: AuthoredListFilter): Promise<{ total: number; rows: ArticleEntity[] }> {
    const query = this.dataSource
      .getRepository(ArticleEntity)
      .createQueryBuilder('a')
      .where('a.user_id = :userId', { userId: filter.userId });
    if (filter.statuses.length > 0)
      query.andWhere('a.status IN (:...statuses)', { statuses: filter.statuses });
    else query.andWhere('a.status NOT IN (:...hidden)', { hidden: HIDDEN_STATUSES });
    if (filter.channelIds.length > 0)
      query.andWhere('a.channel_id IN (:...channelIds)', { channelIds: filter.channelIds });
    if (filter.createdFrom) query.andWhere('a.create_time >= :from', { from: filter.createdFrom });
    if (filter.createdBefore)
      query.andWhere('a.create_time < :before', { before: filter.createdBefore });
    const [rows, total] = await query
      .orderBy('a.article_id', 'DESC')
      .skip(filter.offset)
      .take(filter.limit)
      .getManyAndCount();
    return { total, rows };
  }

  /**
   * One page of an author's articles (but deleted and banned ones) whose title or content text holds
   * every word, newest first, with the total. The content's tags are dropped before matching, so a
   * word of markup (`img`, `src`) finds nothing; the author's rows only are read (KEY user_id).
   */
  async search(filter: AuthoredSearchFilter): Promise<{ total: number; rows: ArticleEntity[] }> {
    const deadline = Date.now() + filter.timeLimitMs;
    const query = this.dataSource
      .getRepository(ArticleEntity)
      .createQueryBuilder('a')
      .innerJoin(ArticleContentEntity, 'c', 'c.article_id = a.article_id')
      .where('a.user_id = :userId', { userId: filter.userId })
      .andWhere('a.status NOT IN (:...hidden)', { hidden: HIDDEN_STATUSES });
    filter.words.forEach((word, index) => {
      // The markup is dropped only from contents that hold the word at all: a plain LIKE first
      // (10 000 contents of 5 kB: 0.3 s, where dropping the markup of each took 2 s).
      const param = `word${index}`;
      query.andWhere(
        `(a.title LIKE :${param} OR (${MAY_HOLD(`${param}Html`)} AND ${CONTENT_TEXT} LIKE :${param}))`,
        { [param]: containing(word), [`${param}Html`]: containing(asStoredHtml(word)) },
      );
    });
    const [counted] = await this.readWithin<{ total: string | number }>(
      query.clone().select('COUNT(DISTINCT a.article_id)', 'total'),
      deadline,
    );
    const total = Number(counted?.total ?? 0);
    if (total <= filter.offset) return { total, rows: [] };
    const page = await this.readWithin<{ id: string }>(
      query
        .clone()
        .select('a.article_id', 'id')
        .orderBy('a.article_id', 'DESC')
        .offset(filter.offset)
        .limit(filter.limit),
      deadline,
    );
    if (page.length === 0) return { total, rows: [] };
    const rows = await this.dataSource
      .getRepository(ArticleEntity)
      .find({ where: { id: In(page.map((row) => String(row.id))) }, order: { id: 'DESC' } });
    return { total, rows };
  }

  /**
   * Runs a read that MariaDB stops once `deadline` has passed (a timeout), where it went on for as
   * long as the contents took to read, its connection held, after its caller had given up.
   */
  private async readWithin<Row>(
    query: SelectQueryBuilder<ArticleEntity>,
    deadline: number,
  ): Promise<Row[]> {
    const seconds = Math.max(deadline - Date.now(), 1) / 1000;
    const [sql, parameters] = query.getQueryAndParameters();
    try {
      return await this.dataSource.query<Row[]>(
        `SET STATEMENT max_statement_time = ${seconds.toFixed(3)} FOR ${sql}`,
        parameters,
      );
    } catch (error) {
      const errno =
        error instanceof QueryFailedError
          ? (error.driverError as { errno?: number } | undefined)?.errno
          : undefined;
      if (errno === ER_STATEMENT_TIMEOUT) throw AuthoringErrors.searchTimedOut();
      throw error;
    }
  }

  /** Ids of an author's articles that are not deleted (and match `filter`), in chunks: one walk per status. */
  async *authorArticleIdsInChunks(
    filter: AuthorStatisticsFilter,
    chunkSize = AUTHOR_IDS_CHUNK,
  ): AsyncGenerator<string[]> {
    for (const status of COUNTED_STATUSES) {
      const chunks = authorArticlesInChunks<{ id: string | number }>(
        this.dataSource.manager,
        'article_id AS id',
        { ...filter, status },
        chunkSize,
      );
      for await (const rows of chunks) yield rows.map((row) => String(row.id));
    }
  }

  /** The reposts of an author's articles that are not deleted (and match `filter`), summed by MySQL. */
  async authorRepostCount(filter: AuthorStatisticsFilter): Promise<number> {
    const query = this.dataSource
      .getRepository(ArticleEntity)
      .createQueryBuilder('a')
      .innerJoin(ArticleStatisticEntity, 's', 's.article_id = a.article_id')
      .select('SUM(s.repost_count)', 'reposts')
      .where('a.user_id = :userId', { userId: filter.userId })
      .andWhere('a.status <> :deleted', { deleted: ArticleStatus.Deleted });
    if (filter.channelIds.length > 0)
      query.andWhere('a.channel_id IN (:...channelIds)', { channelIds: filter.channelIds });
    if (filter.createdFrom) query.andWhere('a.create_time >= :from', { from: filter.createdFrom });
    if (filter.createdBefore)
      query.andWhere('a.create_time < :before', { before: filter.createdBefore });
    const row = await query.getRawOne<{ reposts: string | number | null }>();
    return Number(row?.reposts ?? 0);
  }

  findStatistics(articleIds: readonly string[]): Promise<ArticleStatisticEntity[]> {
    if (articleIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(ArticleStatisticEntity)
      .find({ where: { articleId: In([...articleIds]) } });
  }
}
