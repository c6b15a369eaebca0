import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * The `mysql` search driver's tables. MariaDB has no CJK parser, so `tokens` holds jieba words
 * each prefixed with `w` (two-character words then pass the 3-character minimum token size).
 */
export class CreateNewsSearchTables1764105000000 implements MigrationInterface {
  name = 'CreateNewsSearchTables1764105000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_article_search (
        article_id BIGINT UNSIGNED NOT NULL,
        tokens LONGTEXT NOT NULL,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (article_id),
        FULLTEXT KEY ft_news_article_search_tokens (tokens)
      ) ${TABLE_OPTIONS}`,
    );
    await createTable(
      queryRunner,
      `
      CREATE TABLE news_search_keyword (
        keyword VARCHAR(50) NOT NULL,
        search_count INT UNSIGNED NOT NULL DEFAULT 1,
        create_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (keyword),
        KEY idx_news_search_keyword_count (search_count)
      ) ${TABLE_OPTIONS}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS news_search_keyword');
    await queryRunner.query('DROP TABLE IF EXISTS news_article_search');
  }
}
