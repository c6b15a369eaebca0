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
    await queryRunner.query(
      'ALTER TABLE news_article_basic ADD KEY idx_news_article_status_title (status, title), ALGORITHM=INPLACE, LOCK=NONE',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE news_article_basic DROP KEY idx_news_article_status_title, ALGORITHM=INPLACE, LOCK=NONE',
    );
  }
}
