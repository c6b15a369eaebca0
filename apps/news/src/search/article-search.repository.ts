import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';

const MATCHING_APPROVED = `
  FROM news_article_search s
  JOIN news_article_basic a ON a.article_id = s.article_id
  WHERE MATCH(s.tokens) AGAINST (? IN BOOLEAN MODE) AND a.status = ${ArticleStatus.Approved}`;

/** news_article_search: the FULLTEXT documents of the `mysql` search driver. */
@Injectable()
export class ArticleSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(
    articleId: string,
    tokens: string,
    db: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await db.query(
      'INSERT INTO news_article_search (article_id, tokens) VALUES (?, ?) ON DUPLICATE KEY UPDATE tokens = VALUES(tokens)',
      [articleId, tokens],
    );
  }

  async delete(articleId: string, db: EntityManager = this.dataSource.manager): Promise<void> {
    await db.query('DELETE FROM news_article_search WHERE article_id = ?', [articleId]);
  }

  /** How many approved articles match the boolean-mode query. */
  async count(booleanQuery: string): Promise<number> {
    const rows: { total: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS total ${MATCHING_APPROVED}`,
      [booleanQuery],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** Ids of matching approved articles, by relevance, then newest. */
  async findIds(booleanQuery: string, offset: number, limit: number): Promise<string[]> {
    const rows: { article_id: string }[] = await this.dataSource.query(
      `SELECT s.article_id ${MATCHING_APPROVED}
       ORDER BY MATCH(s.tokens) AGAINST (? IN BOOLEAN MODE) DESC, a.create_time DESC, a.article_id DESC
       LIMIT ? OFFSET ?`,
      [booleanQuery, booleanQuery, limit, offset],
    );
    return rows.map((row) => String(row.article_id));
  }
}
