import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { likePrefixPattern } from './search-query.util';
import { MARKUP_OPENER } from './search-text.util';

/** Suggestion sources: saved keywords (news_search_keyword) and titles of approved articles. */
@Injectable()
export class SearchKeywordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a keyword that found articles; the unique key (case-insensitive) counts repeats. */
  async save(keyword: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO news_search_keyword (keyword) VALUES (?) ON DUPLICATE KEY UPDATE search_count = search_count + 1',
      [keyword],
    );
  }

  /**
   * Saved keywords starting with `prefix` (case-insensitive), most searched first; none that opens
   * markup (stored before such keywords were refused).
   */
  async keywordsStartingWith(prefix: string, limit: number): Promise<string[]> {
    const rows: { keyword: string }[] = await this.dataSource.query(
      'SELECT keyword FROM news_search_keyword WHERE keyword LIKE ? AND INSTR(keyword, ?) = 0 ORDER BY search_count DESC, keyword ASC LIMIT ?',
      [likePrefixPattern(prefix), MARKUP_OPENER, limit],
    );
    return rows.map((row) => row.keyword);
  }

  /**
   * Titles of approved articles starting with `prefix` (case-insensitive), newest first; none that
   * opens markup. It reads only the titles that start with `prefix`, from `(status, title)`, and
   * sorts them: left to choose, MariaDB walks the articles newest first for a prefix it thinks
   * common, every one of them when its titles are all old.
   */
  async titlesStartingWith(prefix: string, limit: number): Promise<string[]> {
    const rows: { title: string }[] = await this.dataSource.query(
      `SELECT title FROM news_article_basic FORCE INDEX (idx_news_article_status_title)
       WHERE status = ${ArticleStatus.Approved} AND title LIKE ? AND INSTR(title, ?) = 0
       ORDER BY article_id DESC LIMIT ?`,
      [likePrefixPattern(prefix), MARKUP_OPENER, limit],
    );
    return rows.map((row) => row.title);
  }
}
