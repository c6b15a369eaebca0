import { addIndex, alterTable, dropIndex } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suggestions complete approved titles by prefix (`status` = 2, `title LIKE 'q%'`): this index
 * reads only the titles that start with it, where `(status, article_id)` walked every approved
 * article for a prefix few or none start with. `title` is VARCHAR(128) utf8mb4 (512 bytes, under
 * InnoDB's 3072), and the case-insensitive collation keeps `LIKE 'q%'` a range on it. Built
 * online: reads and writes of the table go on meanwhile.
 */
export class AddNewsArticleStatusTitleIndex1764470000000 implements MigrationInterface {
  name = 'AddNewsArticleStatusTitleIndex1764470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(
      queryRunner,
      'news_article_basic',
      [addIndex('idx_news_article_status_title', ['status', 'title'])],
      {
        online: true,
      },
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await alterTable(
      queryRunner,
      'news_article_basic',
      [dropIndex('idx_news_article_status_title')],
      { online: true },
    );
  }
}
