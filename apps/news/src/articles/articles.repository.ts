import { keysetPages } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type EntityManager,
  In,
  LessThan,
  Not,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';

import { type ArticleCover, ArticleEntity, ArticleStatus } from './article.entity';

/** Articles of an author read per statement when their list is cached. */
export const AUTHOR_LIST_CHUNK = 5000;

/** Which of an author's articles of one status a chunked walk reads; the optional parts narrow it. */
export interface AuthorArticlesFilter {
  userId: string;
  status: ArticleStatus;
  /** Empty or absent: every channel. */
  channelIds?: readonly number[];
  /** Bounds of the creation time, [createdFrom, createdBefore). */
  createdFrom?: Date;
  createdBefore?: Date;
}

/**
 * An author's articles of one status (`columns` of each, the id as `id` among them) a chunk at a
 * time by id along idx_news_article_user (whose entries end with the id), so memory stays bounded
 * however many articles an author has. The index is forced: left to itself, MariaDB may read the
 * author's rows from the first one for every chunk. A channel or time filter is checked on the
 * rows of that walk, so the author's rows are still read once in all.
 */
export function authorArticlesInChunks<Row extends { id: string | number }>(
  manager: EntityManager,
  columns: string,
  author: AuthorArticlesFilter,
  chunkSize: number,
): AsyncGenerator<Row[]> {
  const conditions = ['user_id = ?', 'status = ?'];
  const params: unknown[] = [author.userId, author.status];
  if (author.channelIds?.length) {
    conditions.push(`channel_id IN (${author.channelIds.map(() => '?').join(', ')})`);
    params.push(...author.channelIds);
  }
  if (author.createdFrom) {
    conditions.push('create_time >= ?');
    params.push(author.createdFrom);
  }
  if (author.createdBefore) {
    conditions.push('create_time < ?');
    params.push(author.createdBefore);
  }
  const sql =
    `SELECT ${columns} FROM news_article_basic FORCE INDEX (idx_news_article_user) ` +
    `WHERE ${conditions.join(' AND ')} AND article_id > CAST(? AS UNSIGNED) ORDER BY article_id LIMIT ${chunkSize}`;
  return keysetPages(
    (after) => manager.query<Row[]>(sql, [...params, after]),
    (row) => row.id,
    chunkSize,
  );
}

/** An approved article of an author in the `user:{uid}:art` list. */
export interface AuthoredArticle {
  id: string;
  createTime: Date;
}

/** The columns of an approved article that readers see on cards. */
export interface ArticleInfoRow {
  id: string;
  userId: string;
  channelId: number;
  title: string;
  cover: ArticleCover;
  allowComment: boolean;
  createTime: Date;
}

export interface ArticleDetailRow {
  id: string;
  userId: string;
  channelId: number;
  title: string;
  createTime: Date;
  content: string;
}

/** An article's detail row with the bytes of its title and content; content null: not read. */
export interface SizedDetailRow extends Omit<ArticleDetailRow, 'content'> {
  bytes: number;
  content: string | null;
}

interface RawDetailRow {
  id: string;
  userId: string;
  channelId: number | string;
  title: string;
  createTime: Date;
  content: string | null;
}

const APPROVED_DETAILS_SQL = `
  SELECT a.article_id AS id, a.user_id AS userId, a.channel_id AS channelId, a.title AS title,
         a.create_time AS createTime, c.content AS content
  FROM news_article_basic a
  LEFT JOIN news_article_content c ON c.article_id = a.article_id
  WHERE a.article_id IN (?) AND a.status = ?`;

const APPROVED_DETAILS_UP_TO_SQL = `
  SELECT a.article_id AS id, a.user_id AS userId, a.channel_id AS channelId, a.title AS title,
         a.create_time AS createTime, LENGTH(a.title) + COALESCE(LENGTH(c.content), 0) AS bytes,
         IF(LENGTH(a.title) + COALESCE(LENGTH(c.content), 0) <= ?, COALESCE(c.content, ''), NULL) AS content
  FROM news_article_basic a
  LEFT JOIN news_article_content c ON c.article_id = a.article_id
  WHERE a.article_id IN (?) AND a.status = ?`;

/** Reads of approved (status 2) articles; every method is one SQL statement. */
@Injectable()
export class ArticlesRepository {
  constructor(
    @InjectRepository(ArticleEntity) private readonly articles: Repository<ArticleEntity>,
  ) {}

  /**
   * The pages of the approved articles among `articleIds`, in no particular order. Written as SQL
   * rather than with the query builder: this is the query behind article-page cache misses, and
   * building it cost more than running it.
   */
  async findApprovedDetails(articleIds: readonly string[]): Promise<ArticleDetailRow[]> {
    if (articleIds.length === 0) return [];
    const rows: RawDetailRow[] = await this.articles.query(APPROVED_DETAILS_SQL, [
      [...articleIds],
      ArticleStatus.Approved,
    ]);
    return rows.map((row) => ({
      ...row,
      channelId: Number(row.channelId),
      content: row.content ?? '',
    }));
  }

  /**
   * `findApprovedDetails` of the articles whose title and content take at most `maxBytes` (UTF-8,
   * measured by MySQL), and of the others all but the content (null), with `bytes` for each.
   */
  async findApprovedDetailsUpTo(
    articleIds: readonly string[],
    maxBytes: number,
  ): Promise<SizedDetailRow[]> {
    if (articleIds.length === 0) return [];
    const rows: Array<RawDetailRow & { bytes: string | number }> = await this.articles.query(
      APPROVED_DETAILS_UP_TO_SQL,
      [maxBytes, [...articleIds], ArticleStatus.Approved],
    );
    return rows.map((row) => ({
      ...row,
      channelId: Number(row.channelId),
      bytes: Number(row.bytes),
    }));
  }

  findApprovedInfos(articleIds: readonly string[]): Promise<ArticleInfoRow[]> {
    return this.articles.find({
      select: {
        id: true,
        userId: true,
        channelId: true,
        title: true,
        cover: true,
        allowComment: true,
        createTime: true,
      },
      where: { id: In([...articleIds]), status: ArticleStatus.Approved },
    });
  }

  /** The ids among `articleIds` of articles that exist and are not deleted, whatever their status. */
  async findKeptIds(articleIds: readonly string[]): Promise<string[]> {
    const rows = await this.articles.find({
      select: { id: true },
      where: { id: In([...articleIds]), status: Not(ArticleStatus.Deleted) },
    });
    return rows.map((row) => row.id);
  }

  /** Every approved article of an author with its creation time (the `user:{uid}:art` zset), in chunks. */
  async *approvedByAuthorInChunks(
    userId: string,
    chunkSize = AUTHOR_LIST_CHUNK,
  ): AsyncGenerator<AuthoredArticle[]> {
    const chunks = authorArticlesInChunks<{ id: string | number; createTime: Date }>(
      this.articles.manager,
      'article_id AS id, create_time AS createTime',
      { userId, status: ArticleStatus.Approved },
      chunkSize,
    );
    for await (const rows of chunks)
      yield rows.map((row) => ({ id: String(row.id), createTime: row.createTime }));
  }

  /** Newest approved ids of a channel (0 = all), below `beforeId` when given. */
  async findLatestIds(channelId: number, limit: number, beforeId?: string): Promise<string[]> {
    const where: FindOptionsWhere<ArticleEntity> = { status: ArticleStatus.Approved };
    if (channelId > 0) where.channelId = channelId;
    if (beforeId) where.id = LessThan(beforeId);
    const rows = await this.articles.find({
      select: { id: true },
      where,
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }
}
