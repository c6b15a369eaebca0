import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { SearchService } from './search.service';

interface ArticleRow {
  article_id: string;
  title: string;
  status: number;
  user_id: string;
  create_time: Date;
  content: string | null;
}

/**
 * Brings an article's search entry in line with the article: approved → (re)indexed, anything
 * else (or gone) → removed. It reads the current row rather than trusting why it was called, so
 * jobs may run late, twice or out of order. The article row stays locked (FOR UPDATE) while its
 * entry is written: two indexers of one article run one after the other, and an edit committed
 * meanwhile is seen by the indexer its own job starts.
 */
@Injectable()
export class ArticleIndexer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly search: SearchService,
  ) {}

  /** True when the article is approved and indexed, false when its entry was removed. */
  indexArticle(articleId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows: ArticleRow[] = await manager.query(
        `SELECT a.article_id, a.user_id, a.title, a.status, a.create_time, c.content
         FROM news_article_basic a LEFT JOIN news_article_content c ON c.article_id = a.article_id
         WHERE a.article_id = ? FOR UPDATE`,
        [articleId],
      );
      const article = rows[0];
      if (!article || Number(article.status) !== Number(ArticleStatus.Approved)) {
        await this.search.remove(articleId, manager);
        return false;
      }
      await this.search.index(
        {
          articleId,
          title: article.title,
          content: article.content ?? '',
          userId: String(article.user_id),
          createTime: new Date(article.create_time),
        },
        manager,
      );
      return true;
    });
  }
}
