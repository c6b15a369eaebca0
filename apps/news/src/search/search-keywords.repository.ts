import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { ArticleStatus } from '../articles/article.entity';
import { likePrefixPattern } from './search-query.util';
import { MARKUP_OPENER } from './search-text.util';

/**
 * How many of the newest approved articles a title completion reads first (MariaDB's `LIMIT ROWS
 * EXAMINED`), before it reads the titles that start with the prefix instead.
 */
export const NEWEST_APPROVED_WALKED = 500;

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
   * opens markup. It walks the newest approved articles first, which a prefix many titles start
   * with (one letter) finds its titles among; for one few or only old titles start with, the walk
   * stops at `NEWEST_APPROVED_WALKED` and only its titles are read, from `(status, title)`, and
   * sorted. Either plan alone reads every approved article for one of the two.
   */
  async titlesStartingWith(prefix: string, limit: number): Promise<string[]> {
    const match = [likePrefixPattern(prefix), MARKUP_OPENER, limit];
    const newest: { title: string }[] = await this.dataSource.query(
      `SELECT title FROM news_article_basic FORCE INDEX (idx_news_article_status)
       WHERE status = ${ArticleStatus.Approved} AND title LIKE ? AND INSTR(title, ?) = 0
       ORDER BY article_id DESC LIMIT ? ROWS EXAMINED ${NEWEST_APPROVED_WALKED}`,
      match,
    );
    // The walk answers only when it found them all: it may have stopped before the others.
    if (newest.length >= limit) return newest.map((row) => row.title);
    const rows: { title: string }[] = await this.dataSource.query(
      `SELECT title FROM news_article_basic FORCE INDEX (idx_news_article_status_title)
       WHERE status = ${ArticleStatus.Approved} AND title LIKE ? AND INSTR(title, ?) = 0
       ORDER BY article_id DESC LIMIT ?`,
      match,
    );
    return rows.map((row) => row.title);
  }
}
